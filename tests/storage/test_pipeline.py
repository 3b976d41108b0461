"""The way of one event, through the real database (SQLite, and PostgreSQL when reachable)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.ingest.csv_files import CSVFileError
from bot.usecases.imports.csv_import import import_file
from bot.usecases.lifecycle.rescore import rescore_all
from storage.db import session_scope
from storage.repositories import leads as repo
from storage.repositories import model_versions as models
from storage.repositories.scores import due_lead_ids as due_ids
from storage.repositories.scores import lead_extent
from storage.repositories.scores import mqls_below_the_bar as below_the_bar
from storage.tables import Lead, LeadScore
from storage.tables import handles as bulk
from tests.conftest import NOW
from tests.storage.helpers import CEO, EVENT_HEADER, LEAD_HEADER, MANAGER, write_csv

T = (NOW - timedelta(hours=2)).isoformat()


def count(engine: Engine, table: object) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def lead(engine: Engine, email: str) -> tuple[Lead, LeadScore | None]:
    with session_scope(engine) as s:
        found = repo.find_lead(session=s, query=email)
        assert found is not None and found.id is not None
        return found, repo.score_of(session=s, lead_id=found.id)


def load(
    engine: Engine, tmp_path: Path, leads: list[list[object]], events: list[list[object]]
) -> None:
    lf = write_csv(tmp_path / "leads.csv", LEAD_HEADER, leads)
    ef = write_csv(tmp_path / "events.csv", EVENT_HEADER, events)
    assert not import_file(engine, lf, "leads", now=NOW, actor="test").errors
    assert not import_file(engine, ef, "events", now=NOW, actor="test").errors


def test_seed_ceo_becomes_mql_with_alert_in_the_same_transaction(
    engine: Engine, tmp_path: Path
) -> None:
    load(
        engine,
        tmp_path,
        [CEO],
        [
            ["ceo@hotel.example", "webinar_attended", T, "", ""],
            ["ceo@hotel.example", "page_view", T, "https://x.example/product/tour", ""],
        ],
    )
    found, sc = lead(engine, "ceo@hotel.example")
    assert found.status == "mql"
    assert sc is not None and (sc.fit, sc.engagement, sc.score) == (75, 55, 130)
    assert sorted(line["points"] for line in sc.breakdown) == [20, 25, 25, 30, 30]
    with session_scope(engine) as s:
        history = repo.transitions_of(session=s, lead_id=found.id or 0)
        outbox = list(s.execute(select(bulk.OUTBOX)))
        snapshots = list(s.execute(select(bulk.SNAPSHOT)))
    assert [(t.from_status, t.to_status, t.cause) for t in history] == [("lead", "mql", "score")]
    assert len(outbox) == 1 and outbox[0].kind == "slack.alert"
    assert outbox[0].lead_id == found.id and outbox[0].status == "pending"
    assert len(snapshots) == 1 and snapshots[0].score == 130


def test_manager_with_one_whitepaper_scores_35(engine: Engine, tmp_path: Path) -> None:
    load(
        engine, tmp_path, [MANAGER], [["mgr@soft.example", "content_download", T, "", "whitepaper"]]
    )
    found, sc = lead(engine, "mgr@soft.example")
    assert sc is not None and sc.score == 35 and found.status == "lead"
    assert count(engine, bulk.OUTBOX) == 0


def test_importing_the_same_files_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    events = [
        ["ceo@hotel.example", "webinar_attended", T, "", ""],
        ["ceo@hotel.example", "page_view", T, "https://x.example/product", ""],
    ]
    load(engine, tmp_path, [CEO, MANAGER], events)
    before = [count(engine, t) for t in (bulk.LEAD, bulk.EVENT, bulk.TRANSITION, bulk.OUTBOX)]
    ef = write_csv(tmp_path / "again.csv", EVENT_HEADER, events)
    report = import_file(engine, ef, "events", now=NOW, actor="test")
    lf = write_csv(tmp_path / "again_leads.csv", LEAD_HEADER, [CEO, MANAGER])
    leads_report = import_file(engine, lf, "leads", now=NOW, actor="test")
    assert report.accepted == 0 and report.duplicates == 2
    assert leads_report.unchanged == 2 and leads_report.updated == 0
    after = [count(engine, t) for t in (bulk.LEAD, bulk.EVENT, bulk.TRANSITION, bulk.OUTBOX)]
    assert after == before


def test_a_file_of_known_events_a_day_later_touches_no_score(
    engine: Engine, tmp_path: Path
) -> None:
    """Only leads that got new events are marked and scored: re-importing yesterday's file
    neither rewrites every score of the database nor leaves any lead dirty."""
    events = [
        ["ceo@hotel.example", "webinar_attended", T, "", ""],
        ["mgr@soft.example", "content_download", T, "", "whitepaper"],
    ]
    load(engine, tmp_path, [CEO, MANAGER], events)
    with session_scope(engine) as s:
        before = sorted(
            s.execute(
                select(bulk.SCORE.c.lead_id, bulk.SCORE.c.computed_at, bulk.SCORE.c.dirty)
            ).all()
        )
    ef = write_csv(
        tmp_path / "again.csv",
        EVENT_HEADER,
        [*events, ["mgr@soft.example", "page_view", T, "https://x.example/pricing", ""]],
    )
    report = import_file(engine, ef, "events", now=NOW + timedelta(days=1), actor="test")
    assert (report.accepted, report.duplicates, report.settle.scored) == (1, 2, 1)
    with session_scope(engine) as s:
        after = sorted(
            s.execute(
                select(bulk.SCORE.c.lead_id, bulk.SCORE.c.computed_at, bulk.SCORE.c.dirty)
            ).all()
        )
    ceo, mgr = (lead(engine, e)[0].id for e in ("ceo@hotel.example", "mgr@soft.example"))
    assert [r for r in after if r[0] == ceo] == [r for r in before if r[0] == ceo]
    assert [r[2] for r in after] == [False, False]
    assert next(r[1] for r in after if r[0] == mgr) == NOW + timedelta(days=1)


def test_bad_rows_are_reported_by_line_and_good_rows_kept(engine: Engine, tmp_path: Path) -> None:
    lf = write_csv(
        tmp_path / "leads.csv",
        LEAD_HEADER,
        [
            CEO,
            ["", "", "No", "Identity", "CEO", "X", "", "", "", ""],
            ["bad@x.example", "", "", "", "", "", "", "about fifty", "", ""],
            ["range@x.example", "", "", "", "", "", "", "51-200", "", ""],
            ["not-an-email", "", "", "", "", "", "", "", "", ""],
            MANAGER,
        ],
    )
    report = import_file(engine, lf, "leads", now=NOW, actor="test")
    assert report.created == 2 and report.rejected == 4
    by_line = {e.line: e for e in report.errors}
    assert by_line[3].field == "email" and "neither an e-mail nor an 'id'" in by_line[3].message
    assert by_line[4].field == "company_size" and "about fifty" in by_line[4].message
    assert "range" in by_line[5].message
    assert by_line[6].field == "email" and "not an e-mail" in by_line[6].message
    assert count(engine, bulk.LEAD) == 2

    ef = write_csv(
        tmp_path / "events.csv",
        EVENT_HEADER,
        [
            ["ceo@hotel.example", "webinar_attended", "03/04/2026", "", ""],
            ["ceo@hotel.example", "", T, "", ""],
            ["ceo@hotel.example", "page_view", (NOW + timedelta(days=30)).isoformat(), "", ""],
            ["ceo@hotel.example", "page_view", T, "https://x.example/", ""],
        ],
    )
    events = import_file(engine, ef, "events", now=NOW, actor="test")
    assert events.accepted == 1 and events.rejected == 3
    messages = {e.line: (e.field, e.message) for e in events.errors}
    assert messages[2][0] == "occurred_at" and "ISO 8601" in messages[2][1]
    assert messages[3][0] == "type"
    assert messages[4][0] == "occurred_at" and "future" in messages[4][1]
    assert count(engine, bulk.EVENT) == 1


@pytest.fixture
def poison_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database refuses every chunk holding an event of type "poison", as it would a row
    breaking a constraint or a driver limit nobody foresaw."""
    from sqlalchemy.exc import IntegrityError

    from storage.repositories import events as bulk_module

    real = bulk_module.insert_events

    def refusing(session: object, rows: list[tuple[object, ...]], **kw: object) -> None:
        if any(r[1] == "poison" for r in rows):
            raise IntegrityError("INSERT", {}, Exception("CHECK constraint failed: poison"))
        real(session, rows, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk_module, "insert_events", refusing)


def test_progress_counts_every_row_once_rejected_or_refused(
    engine: Engine, tmp_path: Path, poison_refused: None
) -> None:
    rows = [["ceo@hotel.example", "page_view", T, f"https://x.example/{i}", ""] for i in range(7)]
    rows[2] = ["ceo@hotel.example", "page_view", "yesterday", "", ""]  # rejected when parsed
    rows[5] = ["ceo@hotel.example", "poison", T, "", ""]  # refused by the database
    ef = write_csv(tmp_path / "events.csv", EVENT_HEADER, rows)
    steps: list[int] = []
    report = import_file(
        engine, ef, "events", now=NOW, actor="test", chunk=4, progress=steps.append
    )
    assert report.accepted == 5 and report.rejected == 2
    assert sum(steps) == report.rows == 7


def test_file_level_problems_import_nothing(engine: Engine, tmp_path: Path) -> None:
    no_id = write_csv(tmp_path / "noid.csv", ["name", "company"], [["A", "B"]])
    with pytest.raises(CSVFileError, match=r"no 'email' or 'id' column.*--id-column"):
        import_file(engine, no_id, "leads", now=NOW, actor="test")
    no_type = write_csv(tmp_path / "notype.csv", ["email", "occurred_at"], [["a@b.example", T]])
    with pytest.raises(CSVFileError, match="lacks the column"):
        import_file(engine, no_type, "events", now=NOW, actor="test")
    with pytest.raises(CSVFileError, match="no such file"):
        import_file(engine, tmp_path / "missing.csv", "leads", now=NOW, actor="test")
    assert count(engine, bulk.LEAD) == 0


def test_id_column_custom_attributes_and_updates(engine: Engine, tmp_path: Path) -> None:
    lf = write_csv(
        tmp_path / "crm.csv",
        ["Contact ID", "E-Mail", "Job Title", "Employees", "Lifetime Value", "Segment"],
        [["C-9", "x@y.example", "Head of Sales", "80", "1200.5", "SMB"]],
    )
    report = import_file(engine, lf, "leads", now=NOW, actor="test", id_column="Contact ID")
    assert report.created == 1 and not report.errors
    found, sc = lead(engine, "C-9")
    assert found.email == "x@y.example" and found.title == "Head of Sales"
    assert found.company_size == 80
    assert found.attributes == {"Lifetime Value": 1200.5, "Segment": "SMB"}
    assert sc is not None and sc.fit == 45  # manager 20 + size 25

    update = write_csv(
        tmp_path / "upd.csv",
        ["email", "title", "Segment", "Region"],
        [["x@y.example", "CEO", "", "EMEA"]],
    )
    report = import_file(engine, update, "leads", now=NOW, actor="test")
    assert report.updated == 1
    found, sc = lead(engine, "x@y.example")
    assert found.title == "CEO" and found.external_id == "C-9"
    assert found.attributes == {"Lifetime Value": 1200.5, "Segment": "SMB", "Region": "EMEA"}
    assert sc is not None and sc.fit == 55


def test_events_for_unknown_leads_create_them(engine: Engine, tmp_path: Path) -> None:
    ef = write_csv(
        tmp_path / "events.csv", EVENT_HEADER, [["new@lead.example", "demo_request", T, "", ""]]
    )
    report = import_file(engine, ef, "events", now=NOW, actor="test")
    assert report.created == 1 and report.accepted == 1
    found, sc = lead(engine, "new@lead.example")
    assert found.status == "mql" and sc is not None and sc.fast_track == "demo_request"
    assert count(engine, bulk.OUTBOX) == 1


def test_rescore_decays_and_expires_a_stale_mql(engine: Engine, tmp_path: Path) -> None:
    load(
        engine,
        tmp_path,
        [CEO],
        [
            ["ceo@hotel.example", "webinar_attended", T, "", ""],
            ["ceo@hotel.example", "page_view", T, "https://x.example/product", ""],
        ],
    )
    summary = rescore_all(engine, now=NOW + timedelta(days=400), actor="test")
    assert summary.transitions == {"mql->nurturing": 1}
    found, sc = lead(engine, "ceo@hotel.example")
    assert found.status == "nurturing" and sc is not None and sc.engagement == 0
    # rescoring again at the same time changes nothing more
    assert rescore_all(engine, now=NOW + timedelta(days=400), actor="test").transitions == {}


def test_model_apply_rebuilds_from_events_and_rollback_restores(
    engine: Engine, tmp_path: Path
) -> None:
    load(
        engine, tmp_path, [MANAGER], [["mgr@soft.example", "content_download", T, "", "whitepaper"]]
    )
    with session_scope(engine) as s:
        text = models.ensure_active(session=s, now=NOW).toml
        assert "points = 15\ncap = 30\n" in text
        models.add_version(
            session=s,
            created_by="test",
            now=NOW,
            activate=True,
            text=text.replace("points = 15\ncap = 30\n", "points = 40\ncap = 40\n"),
        )
    rescore_all(engine, now=NOW, actor="test")
    _, sc = lead(engine, "mgr@soft.example")
    assert sc is not None and sc.model_version == 2 and sc.score == 60

    with session_scope(engine) as s:
        first = models.get_version(session=s, version=1)
        assert first is not None
        models.activate_version(session=s, version=first, now=NOW)
    rescore_all(engine, now=NOW, actor="test")
    _, sc = lead(engine, "mgr@soft.example")
    assert sc is not None and sc.model_version == 1 and sc.score == 35


def test_absurd_company_size_is_rejected_not_a_crash(engine: Engine, tmp_path: Path) -> None:
    lf = write_csv(
        tmp_path / "leads.csv",
        LEAD_HEADER,
        [["big@x.example", "", "", "", "", "", "", "99999999999999999999", "", ""], CEO],
    )
    report = import_file(engine, lf, "leads", now=NOW, actor="test")
    assert report.created == 1 and [e.line for e in report.errors] == [2]
    assert "from 0 to 10,000,000" in report.errors[0].message


def test_values_too_long_for_their_column_are_rejected_by_field(
    engine: Engine, tmp_path: Path
) -> None:
    """The same message on SQLite (which would store them) and PostgreSQL (which would refuse
    the row without naming the field)."""
    long_mail = "a" * 311 + "@x.example"
    lf = write_csv(
        tmp_path / "leads.csv",
        LEAD_HEADER,
        [
            [long_mail, "", "", "", "", "", "", "", "", ""],
            ["", "C" * 201, "", "", "", "", "", "", "", ""],
            ["", "C" * 200, "", "", "", "", "", "", "", ""],
            CEO,
        ],
    )
    report = import_file(engine, lf, "leads", now=NOW, actor="test")
    assert report.created == 2
    by_line = {e.line: e for e in report.errors}
    assert by_line[2].field == "email" and "at most 320" in by_line[2].message
    assert by_line[3].field == "id" and "201 characters long" in by_line[3].message
    assert sorted(by_line) == [2, 3]


def test_a_nul_character_is_refused_by_its_column_on_either_database(
    engine: Engine, tmp_path: Path
) -> None:
    lf = tmp_path / "leads.csv"
    lf.write_text(
        'email,title,note\nnul@x.example,CE\x00O,x\nok@x.example,CEO,"multi\nline"\n'
        "nul2@x.example,CEO,a\x00\n",
        encoding="utf-8",
    )
    report = import_file(engine, lf, "leads", now=NOW, actor="test")
    assert report.created == 1
    assert [(e.line, e.field) for e in report.errors] == [(2, "title"), (5, "note")]
    assert "NUL character" in report.errors[0].message
    ef = write_csv(
        tmp_path / "events.csv",
        EVENT_HEADER,
        [
            ["ok@x.example", "page_view", T, "https://x.example/a\x00b", ""],
            ["ok@x.example", "page_view", T, "https://x.example/ok", ""],
        ],
    )
    events = import_file(engine, ef, "events", now=NOW, actor="test")
    assert events.accepted == 1 and [(e.line, e.field) for e in events.errors] == [(2, "url")]
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("email,title\na@x.example,CEO\n".encode("utf-16-le"))
    with pytest.raises(CSVFileError, match="NUL characters; is the file UTF-16"):
        import_file(engine, utf16, "leads", now=NOW, actor="test")
    assert count(engine, bulk.LEAD) == 1


def test_numbers_keep_leading_zeros_and_a_decimal_comma_is_no_company_size(
    engine: Engine, tmp_path: Path
) -> None:
    lf = tmp_path / "leads.csv"
    lf.write_text(
        "email,company_size,zip,crm_no,score_2024,ratio\n"
        'a@x.example,"1,200",01067,00123,42,0.25\n'
        'b@x.example,"1,5",80331,7,-3,-0.5\n',
        encoding="utf-8",
    )
    report = import_file(engine, lf, "leads", now=NOW, actor="test")
    assert report.created == 1
    assert [(e.line, e.field) for e in report.errors] == [(3, "company_size")]
    assert "'1,5'" in report.errors[0].message
    found, _ = lead(engine, "a@x.example")
    assert found.company_size == 1200
    assert found.attributes == {"zip": "01067", "crm_no": "00123", "score_2024": 42, "ratio": 0.25}


def test_rows_the_database_refuses_are_reported_and_the_rest_kept(
    engine: Engine, tmp_path: Path, poison_refused: None
) -> None:
    """A refusal we cannot foresee (a constraint, a driver limit) costs only its own rows."""
    rows = [["ceo@hotel.example", "page_view", T, f"https://x.example/{i}", ""] for i in range(9)]
    rows.insert(4, ["ceo@hotel.example", "poison", T, "", ""])
    ef = write_csv(tmp_path / "events.csv", EVENT_HEADER, rows)
    report = import_file(engine, ef, "events", now=NOW, actor="test", chunk=4)
    assert report.accepted == 9 and [e.line for e in report.errors] == [6]
    assert "database refused the row" in report.errors[0].message
    assert count(engine, bulk.EVENT) == 9
    _, sc = lead(engine, "ceo@hotel.example")
    # the state saw each stored visit exactly once: none lost, none counted twice by the retries
    assert sc is not None and sc.state["r"]["website_visits_3_days"][0] == 9


def test_rescore_computes_only_leads_whose_score_can_have_changed(
    engine: Engine, tmp_path: Path
) -> None:
    load(
        engine,
        tmp_path,
        [CEO, MANAGER],
        [
            ["ceo@hotel.example", "webinar_attended", T, "", ""],
        ],
    )
    # the manager has no events: nothing about it changes with time
    assert rescore_all(engine, now=NOW, actor="test").scored == 0
    _, sc = lead(engine, "ceo@hotel.example")
    assert sc is not None and sc.next_change_at is not None and sc.next_change_at > NOW
    before_due = sc.next_change_at - timedelta(seconds=2)
    assert rescore_all(engine, now=before_due, actor="test").scored == 0
    assert (
        rescore_all(engine, now=sc.next_change_at + timedelta(seconds=2), actor="test").scored == 1
    )
    _, later = lead(engine, "ceo@hotel.example")
    assert later is not None and later.engagement == 24  # the webinar's 25 fell below 24.5
    assert rescore_all(engine, now=NOW, actor="test", force=True).scored == 2


def test_awkward_property_text_is_stored_exactly(engine: Engine, tmp_path: Path) -> None:
    awkward = 'C:\\temp\\new\t"quoted" line\nnext \\n ünïcødé <!channel>'
    ef = write_csv(
        tmp_path / "events.csv",
        EVENT_HEADER,
        [["odd@x.example", "page_view", T, awkward, "back\\slash"]],
    )
    report = import_file(engine, ef, "events", now=NOW, actor="test")
    assert report.accepted == 1 and not report.errors
    with session_scope(engine) as s:
        (props,) = s.execute(select(bulk.EVENT.c.properties)).one()
    assert props == {"url": awkward, "asset_type": "back\\slash"}


def test_semicolon_separated_files_from_german_excel(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(
        "\ufeffE-Mail;Vorname;Nachname;Firma;Branche;Mitarbeiter\n"
        "k@gastro.example;Klara;Koch;Koch GmbH;Gastronomie;120\n",
        encoding="utf-8",
    )
    report = import_file(engine, path, "leads", now=NOW, actor="test")
    assert report.created == 1 and not report.errors
    found, sc = lead(engine, "k@gastro.example")
    assert (found.first_name, found.company, found.industry) == (
        "Klara",
        "Koch GmbH",
        "Gastronomie",
    )
    assert found.company_size == 120 and found.attributes == {}
    assert sc is not None and sc.fit == 45  # size 50-200 and the target industry


def test_a_rescored_lead_gets_its_next_moment(engine: Engine, tmp_path: Path) -> None:
    """A day leaves the count rule's window (4 visiting days become 3: the points stay); the
    lead is scored then, and is not due again until its next moment."""
    days = [(NOW - timedelta(days=d)).isoformat() for d in (0, 1, 2, 29)]
    load(
        engine,
        tmp_path,
        [MANAGER],
        [["mgr@soft.example", "page_view", d, "https://x.example/blog", ""] for d in days],
    )
    _, sc = lead(engine, "mgr@soft.example")
    assert sc is not None and sc.next_change_at is not None
    moment = sc.next_change_at + timedelta(seconds=2)
    assert rescore_all(engine, now=moment, actor="test").scored == 1
    _, again = lead(engine, "mgr@soft.example")
    assert again is not None and again.next_change_at is not None
    assert again.next_change_at > moment
    assert rescore_all(engine, now=moment, actor="test").scored == 0


def test_each_kind_of_due_lead_is_found_and_no_other(engine: Engine, tmp_path: Path) -> None:
    """Not due: no events, or not yet at its next change. Due: never scored, scored under
    another model, dirty (events not yet in its state), past its next change."""
    people: list[list[object]] = [
        [
            f"p{i}@hotel.example",
            f"CRM-P{i}",
            "Pat",
            f"P{i}",
            "CEO",
            "Hotel",
            "Hospitality",
            "120",
            "DE",
            "web",
        ]
        for i in range(6)
    ]
    load(engine, tmp_path, people, [[p[0], "webinar_attended", T, "", ""] for p in people[1:]])
    ids = {}
    with session_scope(engine) as s:
        for n, p in enumerate(people):
            found = repo.find_lead(session=s, query=str(p[0]))
            assert found is not None and found.id is not None
            ids[n] = found.id
        version, _ = models.active_model(session=s, now=NOW)
        sc = bulk.SCORE.c
        s.execute(bulk.SCORE.delete().where(sc.lead_id == ids[2]))
        s.execute(bulk.SCORE.update().where(sc.lead_id == ids[3]).values(model_version=version + 7))
        s.execute(bulk.SCORE.update().where(sc.lead_id == ids[4]).values(dirty=True))
        s.execute(
            bulk.SCORE.update()
            .where(sc.lead_id == ids[5])
            .values(next_change_at=NOW - timedelta(seconds=1))
        )
    with session_scope(engine) as s:
        due = due_ids(s, min(ids.values()), max(ids.values()), version=version, now=NOW)
        assert due == sorted(ids[n] for n in (2, 3, 4, 5))
        assert due_ids(s, ids[3], ids[4], version=version, now=NOW) == [ids[3], ids[4]]
        # a range that starts past the first scores still finds its never-scored lead
        assert due_ids(s, ids[2], ids[2], version=version, now=NOW) == [ids[2]]
        assert due_ids(s, ids[0], ids[1], version=version, now=NOW, force=True) == [ids[0], ids[1]]
        assert lead_extent(s) == (min(ids.values()), max(ids.values()))
    assert rescore_all(engine, now=NOW, actor="test").scored == 4
    with session_scope(engine) as s:
        assert due_ids(s, min(ids.values()), max(ids.values()), version=version, now=NOW) == []


def test_a_second_sample_adds_people_and_renames_nobody(engine: Engine, tmp_path: Path) -> None:
    """The README's way to see alerts after the demo: another sample, imported beside it."""
    import csv

    from bot.sample import generate

    first = generate(60, 30, tmp_path / "a", now=NOW)
    second = generate(40, 30, tmp_path / "b", seed=7, now=NOW)
    for sample in (first, second):
        for kind in ("leads", "events"):
            report = import_file(engine, sample.paths[kind], kind, now=NOW, actor="test")
            assert not report.errors
    assert count(engine, bulk.LEAD) == 100
    with first.paths["leads"].open(encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    found, _ = lead(engine, row["email"])
    assert (found.external_id, found.first_name) == (row["external_id"], row["first_name"])


def test_mqls_below_the_bar_are_found_in_their_range_only(engine: Engine, tmp_path: Path) -> None:
    """The expiry looks each day at the MQLs whose stored score no longer qualifies: in the
    range of lead ids asked for, and none outside it."""
    load(engine, tmp_path, [CEO, MANAGER], [["ceo@hotel.example", "webinar_attended", T, "", ""]])
    ceo, _ = lead(engine, "ceo@hotel.example")
    manager, _ = lead(engine, "mgr@soft.example")
    assert ceo.status == "mql" and ceo.id is not None and manager.id is not None
    with session_scope(engine) as s:
        assert below_the_bar(s, ceo.id, ceo.id) == []  # it still qualifies
        s.execute(bulk.SCORE.update().where(bulk.SCORE.c.lead_id == ceo.id).values(qualifies=False))
        assert below_the_bar(s, ceo.id, ceo.id) == [ceo.id]
        assert below_the_bar(s, min(ceo.id, manager.id), max(ceo.id, manager.id)) == [ceo.id]
        assert below_the_bar(s, ceo.id + 1, ceo.id + 100) == []
        assert below_the_bar(s, ceo.id - 100, ceo.id - 1) == []
