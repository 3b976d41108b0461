"""@segment/analytics-node and @rudderstack/rudder-sdk-node, unchanged, against a live
`sdrbot serve` given as their host alone: identify, track, page, a batch of 150 (gzipped by
the RudderStack SDK), a wrong key, and one bad call among good ones.

The SDKs are installed with npm into a folder of their own (SDRBOT_NODE_SDKS, default
~/.cache/sdrbot/node-sdks), reused when present; without node or npm the tests are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.sdks.checks import BATCH, check_stored
from tests.sdks.conftest import Live

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).with_name("send.js")
PACKAGES = ("@segment/analytics-node@^3", "@rudderstack/rudder-sdk-node@^3")


@pytest.fixture(scope="session")
def node_modules() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if p is None)
        pytest.skip(f"the Node SDK tests need node and npm; {missing} not found on PATH")
    folder = Path(
        os.environ.get("SDRBOT_NODE_SDKS") or Path.home() / ".cache" / "sdrbot" / "node-sdks"
    )
    modules = folder / "node_modules"
    wanted = [modules / "@segment" / "analytics-node", modules / "@rudderstack" / "rudder-sdk-node"]
    if not all(p.is_dir() for p in wanted):
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", *PACKAGES],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"npm install failed:\n{done.stderr[-2000:]}"
    return modules


def send(modules: Path, sdk: str, live: Live, calls: list[dict[str, Any]], **cfg: Any) -> list[str]:
    """The errors the SDK reported for the calls."""
    body = {"sdk": sdk, "host": live.host, "key": live.key, "gzip": True, "flushAt": 20}
    body.update(cfg)
    done = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps({**body, "calls": calls}),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1])["errors"])


def call(kind: str, **message: Any) -> dict[str, Any]:
    return {"type": kind, "message": message}


@pytest.mark.parametrize("sdk", ["segment", "rudder"])
def test_a_node_sdk_feeds_the_api_unchanged(node_modules: Path, live: Live, sdk: str) -> None:
    first = [
        call(
            "identify",
            userId=f"{sdk}-1",
            traits={"email": f"{sdk}1@hotel.example", "title": "CEO"},
        ),
        call("track", userId=f"{sdk}-1", event="Webinar Attended", properties={"s": "node"}),
        call(
            "page",
            userId=f"{sdk}-1",
            name="POS",
            properties={"url": "https://x.example/product/pos"},
        ),
    ]
    assert send(node_modules, sdk, live, first) == []
    bulk = [
        call("track", userId=f"{sdk}-bulk-{i}", event="Page Viewed", properties={"url": "/blog"})
        for i in range(BATCH)
    ]
    assert send(node_modules, sdk, live, bulk, flushAt=BATCH) == []
    mixed = [
        call("identify", userId=f"{sdk}-good", traits={"email": f"{sdk}good@hotel.example"}),
        call("identify", userId=f"{sdk}-bad", traits={"email": "n/a"}),
        call("track", userId=f"{sdk}-good", event="Webinar Attended"),
    ]
    # one request, the bad call kept as rejected: the SDK sees a 200
    assert send(node_modules, sdk, live, mixed, flushAt=len(mixed)) == []
    stray = Live(live.host, "sdr_not-a-key", live.engine)
    wrong = send(node_modules, sdk, stray, [call("track", userId="x", event="Webinar Attended")])
    assert wrong and "401" in wrong[0]
    check_stored(live, sdk)
