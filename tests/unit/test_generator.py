from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.sample import GenerateSummary, generate

NOW = datetime(2026, 3, 4, 10, 15, 30, 123456, tzinfo=UTC)
CANONICAL = {
    "page_view",
    "content_download",
    "webinar_registered",
    "webinar_attended",
    "email_open",
    "email_click",
    "newsletter_open",
    "unsubscribe",
    "form_submit",
    "demo_request",
    "pricing_request",
    "contact_request",
    "chat_with_sales",
}
HAND_RAISERS = {"demo_request", "pricing_request", "contact_request", "chat_with_sales"}


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def is_high_intent(event: dict[str, str]) -> bool:
    path = event["url"].removeprefix("https://www.example-saas.com")
    return (
        event["type"] in HAND_RAISERS | {"webinar_attended"}
        or (event["type"] == "page_view" and path.startswith(("/product", "/pricing")))
        or event["asset_type"] in ("pricing_sheet", "case_study")
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[GenerateSummary, Path]:
    out = tmp_path_factory.mktemp("sample")
    return generate(3000, 90, out, seed=7, now=NOW), out


def test_headers(sample: tuple[GenerateSummary, Path]) -> None:
    _, out = sample
    assert read(out / "leads.csv")[0] == [
        "email",
        "external_id",
        "first_name",
        "last_name",
        "title",
        "company",
        "industry",
        "company_size",
        "country",
        "source",
        "annual_revenue_eur",
        "crm_segment",
    ]
    assert read(out / "events.csv")[0] == [
        "email",
        "type",
        "occurred_at",
        "url",
        "asset_type",
        "asset",
        "form",
        "campaign",
    ]
    assert read(out / "truth.csv")[0] == ["email", "propensity", "converted"]


def test_counts_match_summary_and_emails_are_unique(sample: tuple[GenerateSummary, Path]) -> None:
    summary, out = sample
    leads, events, truth = (read(out / f"{n}.csv")[1] for n in ("leads", "events", "truth"))
    assert summary.leads == len(leads) == len(truth) == 3000
    assert summary.events == len(events)
    assert 8 <= summary.events / summary.leads <= 12
    assert summary.converted == sum(row["converted"] == "1" for row in truth)
    emails = [row["email"] for row in leads]
    assert len(set(emails)) == len(emails)
    assert {row["email"] for row in truth} == set(emails)
    assert {e["email"] for e in events} <= set(emails)
    names = ("leads", "events", "truth", "decisions", "outcomes")
    assert summary.paths == {n: out / f"{n}.csv" for n in names}


def test_lead_attributes_look_like_a_crm_export(sample: tuple[GenerateSummary, Path]) -> None:
    leads = read(sample[1] / "leads.csv")[1]
    sizes = [int(row["company_size"]) for row in leads if row["company_size"]]
    assert min(sizes) >= 1 and max(sizes) <= 20_000
    assert 0.15 < sum(50 <= s <= 200 for s in sizes) / len(sizes) < 0.4
    assert any(row["title"] == "" for row in leads)  # real exports have gaps
    assert {"Hospitality", "Gastronomie", "Software"} <= {row["industry"] for row in leads}
    assert {"DE", "AT", "CH", "US"} <= {row["country"] for row in leads}


def test_events_are_canonical_in_window_and_sorted(sample: tuple[GenerateSummary, Path]) -> None:
    events = read(sample[1] / "events.csv")[1]
    assert {e["type"] for e in events} == CANONICAL
    stamps = [datetime.fromisoformat(e["occurred_at"]) for e in events]
    assert all(s.tzinfo is not None and s.utcoffset() == timedelta(0) for s in stamps)
    assert NOW - timedelta(days=90) <= min(stamps) and max(stamps) <= NOW
    assert stamps == sorted(stamps)
    for e in events:
        if e["type"] == "page_view":
            assert e["url"].startswith("https://")
        if e["type"] == "content_download":
            assert e["asset_type"] in {"whitepaper", "ebook", "case_study", "pricing_sheet"}
            assert e["asset"]
        if e["type"] == "form_submit":
            assert e["form"]


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    def files(seed: int, name: str) -> list[bytes]:
        generate(200, 30, tmp_path / name, seed=seed, now=NOW)
        return [(tmp_path / name / f"{n}.csv").read_bytes() for n in ("leads", "events", "truth")]

    assert files(1, "a") == files(1, "b")
    assert all(x != y for x, y in zip(files(1, "a"), files(2, "c"), strict=True))


def test_propensity_drives_behaviour_and_conversion(sample: tuple[GenerateSummary, Path]) -> None:
    _, out = sample
    truth = sorted(read(out / "truth.csv")[1], key=lambda row: float(row["propensity"]))
    high_intent = Counter(e["email"] for e in read(out / "events.csv")[1] if is_high_intent(e))
    quarter = len(truth) // 4
    low, high = truth[:quarter], truth[-quarter:]

    def intent(rows: list[dict[str, str]]) -> float:
        return sum(high_intent[row["email"]] for row in rows) / len(rows)

    def converted(rows: list[dict[str, str]]) -> float:
        return sum(row["converted"] == "1" for row in rows) / len(rows)

    # A generator whose behaviour ignored the propensity would give ratios near 1.
    assert intent(high) > 4 * intent(low)
    assert converted(high) > 5 * converted(low)
    assert 0.03 < converted(truth) < 0.25


def test_fit_drives_propensity(sample: tuple[GenerateSummary, Path]) -> None:
    _, out = sample
    titles = {row["email"]: row["title"] for row in read(out / "leads.csv")[1]}
    by_role: dict[str, list[float]] = {"exec": [], "junior": []}
    for row in read(out / "truth.csv")[1]:
        title = titles[row["email"]]
        role = (
            "exec"
            if title in ("CEO", "Geschäftsführer", "Founder", "Managing Director")
            else "junior"
            if title in ("Student", "Intern", "Werkstudent", "Praktikant")
            else None
        )
        if role:
            by_role[role].append(float(row["propensity"]))
    mean = {role: sum(ps) / len(ps) for role, ps in by_role.items()}
    assert mean["exec"] > 3 * mean["junior"]


def test_progress_adds_up_to_leads(tmp_path: Path) -> None:
    steps: list[int] = []
    generate(150, 10, tmp_path, now=NOW, progress=steps.append)
    assert sum(steps) == 150 and all(step > 0 for step in steps)


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(0, 90, tmp_path, now=NOW)
    with pytest.raises(ValueError, match="timezone"):
        generate(10, 90, tmp_path, now=datetime(2026, 3, 4))


def test_cli_writes_the_files(tmp_path: Path) -> None:
    out = tmp_path / "sample"
    result = CliRunner().invoke(
        app, ["generate", "--leads", "50", "--days", "14", "--out", str(out), "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    for name in ("leads", "events", "truth"):
        assert (out / f"{name}.csv").is_file()
    assert len(read(out / "leads.csv")[1]) == 50
    assert "sdrbot import leads" in result.output
    assert "sdrbot import events" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--leads", "0"], "--leads must be at least 1"),
        (["--days", "-1"], "--days must be at least 1"),
        (["--seed", "-5"], "--seed must be 0 or greater"),
        (["--truth", "nonsense"], "--truth must be one of seed, shifted, not 'nonsense'"),
        (["--history-weeks", "60"], "--history-weeks must be between 0 and 52"),
    ],
)
def test_cli_refuses_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["generate", "--out", str(tmp_path / "s"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "s").exists()


def test_past_decisions_follow_the_truth_and_only_promoted_leads_have_deals(
    sample: tuple[GenerateSummary, Path],
) -> None:
    summary, out = sample
    header, decisions = read(out / "decisions.csv")
    assert header == ["email", "decision", "alerted_at", "decided_at", "reason", "decided_by"]
    assert summary.decisions == len(decisions) >= 100
    truth = {r["email"]: r for r in read(out / "truth.csv")[1]}
    start = NOW - timedelta(weeks=5)
    for row in decisions:
        alerted, decided = (datetime.fromisoformat(row[k]) for k in ("alerted_at", "decided_at"))
        assert start <= alerted <= decided < NOW
        assert bool(row["reason"]) == (row["decision"] != "promote")
    by = {
        d: [float(truth[r["email"]]["propensity"]) for r in decisions if r["decision"] == d]
        for d in ("promote", "recycle", "disqualify")
    }
    assert min(by["promote"]) > max(by["disqualify"])  # the SDRs judge by the truth
    assert 0.15 <= len(by["promote"]) / len(decisions) <= 0.6
    promoted = {r["email"] for r in decisions if r["decision"] == "promote"}
    outcomes = read(out / "outcomes.csv")[1]
    assert summary.outcomes == len(outcomes) > 0
    assert {r["email"] for r in outcomes} <= promoted
    for row in outcomes:
        if row["stage"] in ("won", "lost"):
            assert (row["stage"] == "won") == (truth[row["email"]]["converted"] == "1")


def test_the_shifted_truth_favours_other_leads_and_keeps_the_rest(tmp_path: Path) -> None:
    seed = generate(2000, 30, tmp_path / "a", seed=5, now=NOW, history_weeks=0)
    shifted = generate(2000, 30, tmp_path / "b", seed=5, now=NOW, truth="shifted", history_weeks=0)
    assert (seed.decisions, shifted.decisions) == (0, 0)
    leads = read(tmp_path / "a" / "leads.csv")[1]
    assert leads == read(tmp_path / "b" / "leads.csv")[1]  # the same people...
    rate = {}
    for name in ("a", "b"):
        truth = {r["email"]: float(r["propensity"]) for r in read(tmp_path / name / "truth.csv")[1]}
        managers = [truth[r["email"]] for r in leads if "Manager" in r["title"]]
        chiefs = [truth[r["email"]] for r in leads if r["title"] in ("CEO", "Founder")]
        rate[name] = sum(managers) / len(managers) - sum(chiefs) / len(chiefs)
    assert rate["a"] < 0 < rate["b"]  # ...judged by another truth
