"""The digest's numbers for one ISO week and the four before, from the stored transitions,
decisions and leads (the definitions are in docs/digest.md and in the digest's footnote).

Rates are flows within the week: Lead→MQL is new MQLs (leads reaching MQL for the first time)
per new lead; each later rate is the share of the leads that left a stage in the week that
went on to the next one, so a week's MQLs still waiting for a decision do not count against it.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.digest.proposal import exploration_week, pending_proposal
from bot.digest.verdict import BANDS, verdict
from bot.digest.weeks import Week
from bot.usecases.queries.first_action import first_action_waits
from storage.repositories import claims as claims_repo
from storage.repositories import digest as repo

TREND_WEEKS = 5
TOP = 5
BACKLOG_DAYS = (2, 7)  # open MQLs older than these many days are counted apart
SCORE_BAND = 20  # points per row of MQL→SQL by score


@dataclass(frozen=True)
class Rate:
    name: str  # lead_mql | mql_sql | sql_opp | opp_won
    hits: int
    of: int
    low: float
    high: float

    @property
    def value(self) -> float | None:
        return self.hits / self.of if self.of else None

    @property
    def position(self) -> str:
        """below | within | above the benchmark band, or none (nothing to divide)."""
        v = self.value
        if v is None:
            return "none"
        return "below" if v < self.low else "above" if v > self.high else "within"


@dataclass(frozen=True)
class Funnel:
    week: str
    new_leads: int
    mqls: int  # every transition into MQL, re-MQLs included
    first_mqls: int  # leads that became MQLs for the first time
    sqls: int
    opportunities: int
    won: int
    rates: tuple[Rate, ...]
    verdict: str


@dataclass(frozen=True)
class Ranked:
    name: str | None
    count: int


@dataclass(frozen=True)
class Reason:
    decision: str  # recycle | disqualify
    reason: str | None
    count: int


@dataclass(frozen=True)
class Backlog:
    open: int
    oldest_days: float | None
    older: tuple[tuple[int, int], ...]  # (days, open MQLs older than that)


@dataclass(frozen=True)
class ScoreRow:
    low: int  # scores from low to low + SCORE_BAND
    decided: int
    promoted: int


@dataclass(frozen=True)
class Sla:
    acted: int  # MQL rounds whose first claim or decision fell in the week
    median_hours: float | None  # from the round's alert to that first action (wall-clock)
    p90_hours: float | None  # nearest rank: 9 in 10 were acted on within this
    reminders: int
    escalations: int


@dataclass(frozen=True)
class DigestNumbers:
    week: str
    first_day: str  # ISO dates, in the team's timezone
    last_day: str
    funnel: Funnel
    trend: tuple[Funnel, ...]  # the five weeks, oldest first, this week last
    mql_sources: tuple[Ranked, ...]
    sql_sources: tuple[Ranked, ...]
    mql_campaigns: tuple[Ranked, ...]
    sql_campaigns: tuple[Ranked, ...]
    reasons: tuple[Reason, ...]
    backlog: Backlog
    by_score: tuple[ScoreRow, ...] = field(default=())  # over the five weeks
    sla: Sla = field(default=Sla(0, None, None, 0, 0))
    proposal: dict[str, Any] | None = None  # the pending model proposal (bot/digest/proposal.py)
    exploration: dict[str, int] | None = None  # the week's exploration sample, not in the funnel

    def payload(self) -> dict[str, Any]:
        return asdict(self)


def funnel(session: Session, week: Week, tz: ZoneInfo) -> Funnel:
    start, end = week.start(tz), week.end(tz)
    flows = repo.transition_counts(session, start, end)

    def count(src: set[str] | None, dst: set[str] | None) -> int:
        return sum(
            n for a, b, n in flows if (src is None or a in src) and (dst is None or b in dst)
        )

    leads = repo.new_leads(session, start, end)
    first = count({"lead"}, {"mql"})
    exits, promoted = count({"mql"}, None), count({"mql"}, {"sql"})
    rates = (
        Rate("lead_mql", first, leads, *BANDS["lead_mql"]),
        Rate("mql_sql", promoted, exits, *BANDS["mql_sql"]),
        Rate(
            "sql_opp",
            count({"sql"}, {"opportunity", "won"}),
            count({"sql"}, None),
            *BANDS["sql_opp"],
        ),
        Rate(
            "opp_won",
            count({"opportunity"}, {"won"}),
            count({"opportunity"}, None),
            *BANDS["opp_won"],
        ),
    )
    return Funnel(
        week.label,
        leads,
        count(None, {"mql"}),
        first,
        count(None, {"sql"}),
        count(None, {"opportunity"}),
        count(None, {"won"}),
        rates,
        verdict(new_leads=leads, first_mqls=first, mql_exits=exits, promoted=promoted),
    )


def digest_numbers(session: Session, week: Week, tz: ZoneInfo, *, now: datetime) -> DigestNumbers:
    """The digest of `week` (the backlog is the one open at `now`)."""
    start, end = week.start(tz), week.end(tz)
    trend = tuple(funnel(session, week.shifted(-k), tz) for k in range(TREND_WEEKS - 1, -1, -1))

    def top(status: str, by: str) -> tuple[Ranked, ...]:
        return tuple(
            Ranked(k, n) for k, n in repo.top_reaching(session, start, end, status, by, TOP)
        )

    return DigestNumbers(
        week=week.label,
        first_day=week.monday.isoformat(),
        last_day=(week.monday + timedelta(days=6)).isoformat(),
        funnel=trend[-1],
        trend=trend,
        mql_sources=top("mql", "source"),
        sql_sources=top("sql", "source"),
        mql_campaigns=top("mql", "campaign"),
        sql_campaigns=top("sql", "campaign"),
        reasons=tuple(Reason(d, r, n) for d, r, n in repo.decision_reasons(session, start, end)),
        backlog=_backlog(session, now),
        by_score=_by_score(session, week.shifted(1 - TREND_WEEKS).start(tz), end),
        sla=_sla(session, start, end),
        proposal=pending_proposal(session),
        exploration=exploration_week(session, start, end),
    )


def _sla(session: Session, start: datetime, end: datetime) -> Sla:
    # App Home's definition for the whole team: a round's first action is anyone's
    acted = claims_repo.acted_since(session, None, since=start, until=end)
    hours = sorted(w / 3600 for w in first_action_waits(acted, since=start, until=end))
    reminders, escalations = repo.sla_messages(session, start, end)
    if not hours:
        return Sla(0, None, None, reminders, escalations)
    return Sla(
        len(hours),
        statistics.median(hours),
        hours[math.ceil(0.9 * len(hours)) - 1],
        reminders,
        escalations,
    )


def _backlog(session: Session, now: datetime) -> Backlog:
    count, oldest, older = repo.open_mqls(session, [now - timedelta(days=d) for d in BACKLOG_DAYS])
    age = None if oldest is None else max(0.0, (now - oldest).total_seconds() / 86400)
    return Backlog(count, age, tuple(zip(BACKLOG_DAYS, older, strict=True)))


def _by_score(session: Session, start: datetime, end: datetime) -> tuple[ScoreRow, ...]:
    rows: dict[int, list[int]] = {}
    for decision, score in repo.decided_scores(session, start, end):
        if score is None:
            continue
        cell = rows.setdefault(int(score // SCORE_BAND) * SCORE_BAND, [0, 0])
        cell[0] += 1
        cell[1] += decision == "promote"
    return tuple(ScoreRow(low, d, p) for low, (d, p) in sorted(rows.items()))


def from_payload(data: dict[str, Any]) -> DigestNumbers:
    """The numbers back from an outbox row's payload (what `payload()` wrote)."""

    def fun(f: dict[str, Any]) -> Funnel:
        return Funnel(**{**f, "rates": tuple(Rate(**r) for r in f["rates"])})

    def ranked(items: list[dict[str, Any]]) -> tuple[Ranked, ...]:
        return tuple(Ranked(**i) for i in items)

    b = data["backlog"]
    return DigestNumbers(
        week=data["week"],
        first_day=data["first_day"],
        last_day=data["last_day"],
        funnel=fun(data["funnel"]),
        trend=tuple(fun(f) for f in data["trend"]),
        mql_sources=ranked(data["mql_sources"]),
        sql_sources=ranked(data["sql_sources"]),
        mql_campaigns=ranked(data["mql_campaigns"]),
        sql_campaigns=ranked(data["sql_campaigns"]),
        reasons=tuple(Reason(**r) for r in data["reasons"]),
        backlog=Backlog(
            b["open"], b["oldest_days"], tuple((int(d), int(n)) for d, n in b["older"])
        ),
        by_score=tuple(ScoreRow(**s) for s in data.get("by_score", ())),
        sla=_sla_payload(data.get("sla")),
        proposal=data.get("proposal"),
        exploration=data.get("exploration"),
    )


def _sla_payload(data: dict[str, Any] | None) -> Sla:
    if data is None:
        return Sla(0, None, None, 0, 0)
    # a digest queued before claims counted stored its count as "decided"
    old = {"acted": data["decided"]} if "decided" in data else {}
    return Sla(**{**{k: v for k, v in data.items() if k != "decided"}, **old})
