"""`python -m tests.sandbox.screenshot [docs/sandbox.png]`: the README's picture of the sandbox,
made with the browser tests' machinery (a fresh sandbox, Debian's Chromium, headless)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bot.sandbox.workspace import PEOPLE
from tests.sandbox.browser import chromium, missing
from tests.sandbox.running import running_sandbox

DEFAULT = Path(__file__).resolve().parents[2] / "docs" / "sandbox.png"


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DEFAULT
    reason = missing()
    if reason:
        print(f"cannot take the screenshot: {reason}", file=sys.stderr)
        return 1
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_sandbox(Path(tmp)) as sandbox,
        chromium() as browser,
    ):
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.set_default_timeout(30_000)
        page.goto(f"{sandbox.url}/sandbox?user={PEOPLE[0].id}")
        claim = page.get_by_role("button", name="Claim", exact=True)
        claim.nth(1).wait_for()
        assert sandbox.stream is not None
        sandbox.stream.pause(True)
        claim.first.click()
        page.get_by_role("button", name="1 reply").first.wait_for()  # the claim's note
        # a working day later the claimed lead's SLA reminder names its owner in the thread
        page.get_by_role("button", name="Advance one working day").click()
        page.get_by_text("The clock moved on a working day").wait_for()
        page.get_by_role("button", name="2 replies").first.click()
        page.locator("#thread-messages .msg").nth(2).wait_for()
        page.evaluate("document.getElementById('messages').scrollTop = 0")
        page.wait_for_timeout(500)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
