"""The documentation names every command a user can run, and the README's two commands."""

from pathlib import Path

import pytest
import typer

from gaimon.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(
    p.read_text(encoding="utf-8")
    for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
)


def command_names() -> list[str]:
    names = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]
    return sorted(names + [g.name for g in app.registered_groups])


@pytest.mark.parametrize("name", command_names())
def test_every_command_is_documented(name):
    assert f"gaimon {name}" in DOCS, f"`gaimon {name}` appears in no README or docs page"


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_has_help():
    from typer.main import get_command

    click_app = get_command(app)
    for name, command in click_app.commands.items():
        assert (command.help or "").strip(), f"gaimon {name} has no help text"
    assert isinstance(click_app, typer.core.TyperGroup)
