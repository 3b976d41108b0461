"""Debian's Chromium, headless, driven by Playwright for Python: never a downloaded browser.

`SDRBOT_CHROMIUM` names the executable (default /usr/bin/chromium). Without it the browser
tests are skipped, saying why; with `SDRBOT_REQUIRE_BROWSER=1` (CI) they fail instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("SDRBOT_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("SDRBOT_BROWSER_ARTIFACTS", "/tmp/sdrbot-browser-failures"))


def missing() -> str | None:
    """Why no browser test can run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return (
            f"no Chromium at {CHROMIUM}: install Debian's (apt-get install chromium) or set "
            "SDRBOT_CHROMIUM; browsers are never downloaded"
        )
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def save_artifacts(page: Any, name: str) -> Path:
    """A screenshot and the page's HTML, in a folder of the test's name."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "page.png"), full_page=True)
    (folder / "page.html").write_text(page.content(), encoding="utf-8")
    return folder
