"""Look at a digest the way readers do: headless Chromium at phone and desktop widths, and the
PDF's first page as an image. Used by the tests and for the screenshots in docs/.

Needs the Debian packages chromium and chromium-driver, Selenium (test extra) and, for the
PDF page, pdftoppm (poppler-utils).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def available() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


@contextmanager
def chromium(width: int, height: int = 900, mobile: bool = False) -> Iterator:
    """A headless Chromium (Selenium WebDriver) whose viewport is `width` CSS pixels wide;
    `mobile` emulates a phone, so the page's viewport meta tag applies."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="gaimon-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    if mobile:
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}},
        )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.set_page_load_timeout(60)
        if not mobile:
            # The window includes browser chrome; size the viewport itself.
            inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
            driver.set_window_size(width + (width - inner[0]), height + (height - inner[1]))
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def page_widths(driver) -> tuple[int, int]:
    """(scrollWidth of the document, viewport width): equal when nothing scrolls sideways."""
    return tuple(
        driver.execute_script(
            "return [Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),"
            " window.innerWidth]"
        )
    )


def full_page_png(driver, out: Path, max_height: int | None = None) -> Path:
    """The page as one PNG, from the top: all of it, or its first `max_height` CSS pixels."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    height = min(size["height"], max_height) if max_height else size["height"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": height, "scale": 1},
        },
    )
    import base64

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(shot["data"]))
    return out


def screenshot(
    html: Path, width: int, out: Path, mobile: bool = False, max_height: int | None = None
) -> Path:
    with chromium(width, mobile=mobile) as driver:
        driver.get(html.resolve().as_uri())
        return full_page_png(driver, out, max_height)


def pdf_page_png(pdf: Path, out: Path, page: int = 1, dpi: int = 110) -> Path:
    """One page of a PDF as PNG, via pdftoppm."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise RuntimeError("pdftoppm not found: apt-get install poppler-utils")
    stem = out.with_suffix("")
    subprocess.run(
        [
            tool,
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
        capture_output=True,
    )
    return out
