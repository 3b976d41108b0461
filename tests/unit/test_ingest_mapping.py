"""Event names and traits as tracking tools send them, mapped to our types and lead fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest.event_map import EventMap, EventMapError, UnknownEvent
from bot.ingest.records import Identity, RowRejected
from bot.ingest.traits import lead_from_traits
from bot.settings import Settings, SettingsError


def test_default_names_canonical_types_and_custom_events() -> None:
    m = EventMap()
    assert m.resolve("Webinar Attended").type == "webinar_attended"
    assert m.resolve("  page   VIEWED ").type == "page_view"
    assert dict(m.resolve("Whitepaper Downloaded").properties) == {"asset_type": "whitepaper"}
    assert m.resolve("demo_request").type == "demo_request"
    assert m.resolve("Trial Started").type == "trial_started"


def test_config_overrides_and_the_reject_policy() -> None:
    m = EventMap.from_config(
        {
            "Trial Started": "demo_request",
            "Webinar Attended": {"type": "webinar_attended", "properties": {"live": True}},
        },
        "reject",
    )
    assert m.resolve("trial started").type == "demo_request"
    assert dict(m.resolve("Webinar Attended").properties) == {"live": True}
    assert m.resolve("Page Viewed").type == "page_view"  # the defaults stay
    assert m.resolve("email_open").type == "email_open"  # canonical names always pass
    with pytest.raises(UnknownEvent, match="unknown event 'Foo'"):
        m.resolve("Foo")


@pytest.mark.parametrize(
    ("table", "unknown", "words"),
    [
        ({"X": "Not A Type"}, None, "is not an event type"),
        ({"X": 5}, None, "must be an event type"),
        ({"X": {"type": "a", "properties": 3}}, None, "properties must be a table"),
        ("x", None, "must be a table"),
        (None, "drop", "must be one of"),
    ],
)
def test_config_errors(table: object, unknown: object, words: str) -> None:
    with pytest.raises(EventMapError, match=words):
        EventMap.from_config(table, unknown)


def test_settings_read_the_ingest_section(tmp_path: Path) -> None:
    path = tmp_path / "sdrbot.toml"
    path.write_text(
        '[ingest]\nunknown_events = "reject"\n[ingest.event_map]\n'
        '"Trial Started" = "demo_request"\n'
    )
    settings = Settings.load(env_file=None, environ={"SDRBOT_CONFIG": str(path)})
    assert settings.event_map.unknown == "reject"
    assert settings.event_map.resolve("Trial Started").type == "demo_request"
    path.write_text('[ingest.event_map]\n"Trial Started" = "Bad Type"\n')
    with pytest.raises(SettingsError, match="not an event type"):
        Settings.load(env_file=None, environ={"SDRBOT_CONFIG": str(path)})


def test_traits_map_to_fields_and_attributes() -> None:
    lead = lead_from_traits(
        Identity("a@x.example", "u1"),
        {
            "email": "a@x.example",
            "userId": "u1",
            "firstName": "Anna",
            "lastName": "Adler",
            "jobTitle": "CEO",
            "employees": 50,
            "company": {"name": "Hotel", "industry": "hotels", "plan": "gold"},
            "industry": "hospitality",
            "plan": "pro",
            "empty": None,
        },
    )
    assert lead.fields == {
        "first_name": "Anna",
        "last_name": "Adler",
        "title": "CEO",
        "company_size": 50,
        "company": "Hotel",
        "industry": "hospitality",
    }
    assert lead.attributes == {"company_plan": "gold", "plan": "pro"}


def test_trait_errors_name_the_trait() -> None:
    with pytest.raises(RowRejected) as info:
        lead_from_traits(Identity(None, "u"), {"employees": "many"})
    assert info.value.error.field == "traits.employees"
    with pytest.raises(RowRejected) as info:
        lead_from_traits(Identity(None, "u"), {"title": "x" * 501})
    assert info.value.error.field == "traits.title"
