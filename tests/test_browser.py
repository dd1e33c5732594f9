"""The digest in a real headless Chromium: no sideways scrolling on a phone or a desktop, and
hostile crawled text that stays text."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from digest_world import plant

from gaimon import warehouse
from gaimon.digest import build_digest, preview, render
from gaimon.digest.archive import load_data
from gaimon.home import Home

pytestmark = pytest.mark.slow


def _require_chromium() -> None:
    """`make test` installs Chromium (Makefile: system-packages); a test never installs it."""
    if not preview.available():
        pytest.fail(
            "headless Chromium is needed: run `make system-packages` (Debian chromium, "
            "chromium-driver)"
        )


@pytest.fixture(scope="module")
def digest_files(tmp_path_factory):
    _require_chromium()
    home = Home(tmp_path_factory.mktemp("browser") / "home").ensure()
    warehouse.init(home.warehouse)
    week = plant(home)
    report = build_digest(home, week, langs=("nl", "en"), pdf=False)
    folder = report.folder
    # The e-mail version too: PNG charts by content id (not loadable here, but sized).
    data = load_data(folder, "nl").only(["healthcare", "education"], operator=False)
    email_html = folder / "email.html"
    email_html.write_text(
        render.render_email(data, {"unsubscribe": "mailto:x@example.org"}).html, encoding="utf-8"
    )
    return {
        "web": folder / "digest.html",
        "web-en": folder / "digest.en.html",
        "email": email_html,
        "index": home.digests / "index.html",
    }


@pytest.fixture(scope="module")
def browsers():
    """One Chromium per viewport for the module: starting one takes seconds."""
    with ExitStack() as stack:
        yield {
            (360, True): stack.enter_context(preview.chromium(360, mobile=True)),
            (1280, False): stack.enter_context(preview.chromium(1280)),
        }


@pytest.mark.parametrize("page", ["web", "web-en", "email", "index"])
@pytest.mark.parametrize(("width", "mobile"), [(360, True), (1280, False)])
def test_no_horizontal_scrolling(digest_files, browsers, page, width, mobile):
    driver = browsers[(width, mobile)]
    driver.get(digest_files[page].as_uri())
    content, viewport = preview.page_widths(driver)
    assert viewport == width
    assert content <= viewport, f"{page} is {content}px wide in a {viewport}px viewport"
    # No element sticks out to the right either (overflow hidden by a parent would not scroll).
    widest = driver.execute_script(
        "return Math.max(...Array.from(document.querySelectorAll('body *'))"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= viewport + 1


def test_a_hostile_title_stays_inert(digest_files, browsers):
    driver = browsers[(360, True)]
    for page in ("web", "email"):
        driver.get(digest_files[page].as_uri())
        assert driver.title.startswith("Signalen generatieve AI")
        assert driver.execute_script("return document.scripts.length") == 0
        assert (
            driver.execute_script(
                "return document.querySelectorAll('[onerror], [onload], [onclick], iframe, object, "
                "embed').length"
            )
            == 0
        )
        hrefs = driver.execute_script("return Array.from(document.links).map(a => a.href)")
        assert hrefs and all(
            h.startswith(("https:", "http:", "mailto:")) or "#risk-" in h for h in hrefs
        )
        body = driver.execute_script("return document.body.innerText")
        assert '<script>document.title="pwned"</script>' in body
        # Following the page's own links runs nothing either.
        for link in driver.find_elements("css selector", "a[href^='#']"):
            link.click()
        assert not driver.title.startswith("pwned")


def test_charts_have_text_alternatives(digest_files, browsers):
    driver = browsers[(1280, False)]
    driver.get(digest_files["web"].as_uri())
    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg[role=img]'))"
        ".map(s => s.querySelector('desc').textContent)"
    )
    assert labels and all("Verhalen per week" in text for text in labels)
    driver.get(digest_files["email"].as_uri())
    alts = driver.execute_script("return Array.from(document.images).map(i => [i.alt, i.src])")
    assert alts and all(
        alt.startswith("Verhalen per week") and src.startswith("cid:") for alt, src in alts
    )


def test_screenshot_is_a_full_page(digest_files, tmp_path):
    out = preview.screenshot(digest_files["web"], 360, tmp_path / "shot.png", mobile=True)
    from PIL import Image

    image = Image.open(out)
    assert image.width == 720 and image.height > 2000  # a phone at pixel ratio 2, the whole page


def test_docs_show_the_digest():
    docs = Path(__file__).parent.parent / "docs"
    for name in ("digest-360.png", "digest-1280.png", "digest-pdf.png"):
        assert (docs / name).stat().st_size > 10_000, name
