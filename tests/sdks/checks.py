"""What every SDK test sends, and what it checks was stored."""

from __future__ import annotations

import json
from typing import Any

from tests.api.helpers import count, lead, rows
from tests.sdks.conftest import Live

BATCH = 150


def props(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def check_stored(live: Live, prefix: str) -> None:
    """After identify, track, page, a batch of 150 (gzipped where the SDK can) and one bad
    call among good ones."""
    person = lead(live.engine, f"{prefix}-1")
    assert person is not None, "the identify stored no lead"
    assert (person.email, person.title) == (f"{prefix}1@hotel.example", "CEO")
    kinds = rows(
        live.engine,
        "select type, properties from event where lead_id = :i order by id",
        i=person.id,
    )
    assert [k for k, _ in kinds] == ["webinar_attended", "page_view"]
    assert props(kinds[1][1]).get("url") == "https://x.example/product/pos"
    many = rows(
        live.engine,
        "select count(*) from event e join lead l on l.id = e.lead_id where l.external_id like :p",
        p=f"{prefix}-bulk-%",
    )[0][0]
    assert many == BATCH
    # the bad call is kept, not stored, and the good ones beside it are stored
    assert lead(live.engine, f"{prefix}-bad") is None
    assert lead(live.engine, f"{prefix}-good").email == f"{prefix}good@hotel.example"
    kept = rows(live.engine, "select key_name, raw, reason from ingest_rejected")
    assert len(kept) == 1
    key_name, raw, reason = kept[0]
    assert key_name == "sdk-test" and json.loads(raw)["userId"] == f"{prefix}-bad"
    assert "email" in json.loads(reason)[0]["field"]
    assert count(live.engine, "lead_score") >= BATCH  # scored as stored
