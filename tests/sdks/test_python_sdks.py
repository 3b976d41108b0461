"""segment-analytics-python and rudder-sdk-python, unchanged, against a live `sdrbot serve`
given as their host alone: identify, track, page, a gzipped batch of 150, a wrong key, and one
bad call among good ones."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from tests.sdks.checks import BATCH, check_stored
from tests.sdks.conftest import Live

pytestmark = pytest.mark.slow


def _sdk(name: str) -> ModuleType:
    if name == "segment":
        from segment.analytics import client
    else:
        from rudderstack.analytics import client
    return client


def _client(name: str, live: Live, key: str, errors: list[Any], **options: Any) -> Any:
    return _sdk(name).Client(
        write_key=key,
        host=live.host,
        on_error=lambda error, _batch: errors.append(error),
        max_retries=2,
        **options,
    )


@pytest.mark.parametrize("name", ["segment", "rudder"])
def test_a_python_sdk_feeds_the_api_unchanged(live: Live, name: str) -> None:
    errors: list[Any] = []
    one = _client(name, live, live.key, errors, sync_mode=True)
    traits = {"email": f"{name}1@hotel.example", "title": "CEO"}
    one.identify(f"{name}-1", traits)  # rudder-sdk-python sends these in context.traits only
    one.track(f"{name}-1", "Webinar Attended", {"source": "sdk"})
    one.page(f"{name}-1", name="POS", properties={"url": "https://x.example/product/pos"})
    assert errors == []

    bulk = _client(name, live, live.key, errors, gzip=True, upload_size=BATCH, upload_interval=1)
    for i in range(BATCH):
        bulk.track(f"{name}-bulk-{i}", "Page Viewed", {"url": "https://x.example/blog"})
    bulk.flush()  # the queued 150 leave as one gzipped batch
    mixed = [("good", f"{name}good@hotel.example"), ("bad", "n/a")]
    for who, email in mixed:
        bulk.identify(f"{name}-{who}", {"email": email})
    bulk.flush()
    bulk.join()
    assert errors == []  # the bad call is kept as rejected, the batch answered 200

    wrong: list[Any] = []
    stray = _client(name, live, "sdr_not-a-key", wrong)
    stray.track("x", "Webinar Attended")
    stray.flush()
    stray.join()
    # the SDK read our code and message (before, rudder-sdk-python raised KeyError: 'code' and
    # retried): an API error it gives up on at once, as a 4xx, with the reason to log
    [error] = wrong
    assert (getattr(error, "status", None), getattr(error, "code", None)) == (401, "unauthorized")
    assert "unknown or was revoked" in str(getattr(error, "message", ""))

    check_stored(live, name)
