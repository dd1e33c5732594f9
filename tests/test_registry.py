"""A registry that cannot be used is refused with one line naming the file, the entry and the
field, from the real command line (exit 2), and never crawled."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gaimon.errors import GaimonError
from gaimon.registry import load_registry

GOOD = """sources:
  - name: nieuws
    kind: rss
    url: https://example.org/feed.xml
"""

BAD = {
    "yaml": (
        "sources:\n  - name: nieuws\n    kind: rss\n   url: [https://example.org\n",
        "not valid YAML at line",
    ),
    "name": (
        GOOD.replace("name: nieuws", "name: Nieuws Feed"),
        "source #1 ('Nieuws Feed'): name: String should match pattern",
    ),
    "duplicate": (GOOD + GOOD.removeprefix("sources:\n"), "duplicate source names: nieuws"),
    "type": (GOOD + "    tags: news\n", "source #1 ('nieuws'): tags: Input should be a valid list"),
    "follow": (
        GOOD + "    follow: sometimes\n",
        "source #1 ('nieuws'): follow: Input should be a valid boolean",
    ),
    "url": (
        GOOD.replace("https://example.org/feed.xml", "not a url"),
        "source #1 ('nieuws'): url: not an http(s) URL: 'not a url'",
    ),
    "more_urls": (
        GOOD + '    urls: ["javascript:alert(1)"]\n',
        "source #1 ('nieuws'): urls: not an http(s) URL: 'javascript:alert(1)'",
    ),
    "kind": (
        GOOD.replace("kind: rss", "kind: rsss"),
        "source #1 ('nieuws'): kind: unknown kind 'rsss'",
    ),
    "missing_key": (
        "sources:\n  - name: nieuws\n    kind: rss\n",
        "source #1 ('nieuws'): url: Field required",
    ),
    "not_a_list": ("sources: nieuws\n", "expected a mapping with a `sources:` list"),
}


def gaimon(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from gaimon.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_registry_is_one_line_naming_file_entry_and_field(case, tmp_path):
    text, expected = BAD[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    with pytest.raises(GaimonError) as caught:
        load_registry(path)
    message = str(caught.value)
    assert message.startswith(f"registry {path}: ") and "\n" not in message
    assert expected in message


def test_the_command_line_prints_one_line_and_exits_2(tmp_path):
    missing = gaimon("sources", "list", "--sources", str(tmp_path / "nowhere.yaml"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"gaimon: registry {tmp_path / 'nowhere.yaml'}: no such file"
    duplicate = tmp_path / "dup.yaml"
    duplicate.write_text(BAD["duplicate"][0])
    listed = gaimon("sources", "list", "--sources", str(duplicate))
    assert listed.returncode == 2 and "Traceback" not in listed.stderr
    assert len(listed.stderr.strip().splitlines()) == 1


def test_a_crawl_of_a_source_whose_url_is_not_a_url_does_not_exit_0(tmp_path):
    registry = tmp_path / "sources.yaml"
    registry.write_text(BAD["url"][0])
    crawled = gaimon("crawl", "--home", str(tmp_path / "home"), "--sources", str(registry))
    assert crawled.returncode == 2
    assert crawled.stderr.strip().startswith(
        f"gaimon: registry {registry}: source #1 ('nieuws'): url:"
    )
    assert not (tmp_path / "home" / "staging").exists() or not any(
        (tmp_path / "home" / "staging").rglob("*.jsonl")
    )


def test_an_unknown_source_name_is_one_line(tmp_path):
    registry = tmp_path / "sources.yaml"
    registry.write_text(GOOD)
    crawled = gaimon(
        "crawl", "--home", str(tmp_path / "home"), "--sources", str(registry), "--source", "nergens"
    )
    assert crawled.returncode == 2
    assert crawled.stderr.strip() == "gaimon: no source named 'nergens' in the registry"


def test_the_production_registry_is_valid():
    assert len(load_registry().sources) >= 30
