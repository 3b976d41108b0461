"""Score a set of leads, decide their lifecycle transitions, and write it all in one go.

Every door ends here: CSV imports, the HTTP API, rescoring and model changes. What it writes
(the current scores here; the transitions, snapshots, alerts and webhook deliveries through
the recorder) lands in the caller's transaction, so a lead never becomes an MQL without its
alert, or the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from bot.usecases.lifecycle import recorder
from bot.usecases.lifecycle.context import Ctx
from bot.usecases.lifecycle.recorder import HELD, HELD_VALUE, Change, Snapshot
from scoring.engine import Event, Score, apply_event, from_epoch, lead_facts, score
from scoring.expiry import is_stale
from scoring.lifecycle import Status, Transition, evaluate
from scoring.state import LeadState
from storage.repositories import events as events_repo
from storage.repositories import scores as scores_repo

ANON_PREFIX = "anon:"  # external ids of visitors known only by a Segment anonymousId


@dataclass
class LeadWork:
    lead: Any  # a lead row (mapping-like): id, status, status_since, standard fields, attributes
    state: LeadState
    has_score: bool
    # the stored score row when `state` is exactly the stored state (a rescore): then the state
    # needs no writing, and an unchanged score no writing at all
    stored: Any = None


@dataclass
class Settled:
    lead_id: int
    score: Score
    transition: Transition | None


@dataclass
class SettleSummary:
    scored: int = 0
    transitions: dict[str, int] = field(default_factory=dict)
    alerts: int = 0

    def add(self, other: SettleSummary) -> None:
        self.scored += other.scored
        self.alerts += other.alerts
        for k, v in other.transitions.items():
            self.transitions[k] = self.transitions.get(k, 0) + v


def contactable(lead: dict[str, Any]) -> bool:
    """A lead an SDR can reach: not an anonymous visitor (external id "anon:…") without e-mail."""
    return bool(lead["email"]) or not str(lead["external_id"] or "").startswith(ANON_PREFIX)


def load_states(ctx: Ctx, lead_ids: Iterable[int]) -> tuple[dict[int, LeadState], set[int]]:
    """Current states of the leads; leads scored under another model are rebuilt from events."""
    ids = list(lead_ids)
    rows = scores_repo.score_states(ctx.session, ids)
    states: dict[int, LeadState] = {}
    stale = []
    for lead_id in ids:
        row = rows.get(lead_id)
        if row is None or row.model_version != ctx.version or row.dirty:
            stale.append(lead_id)
        else:
            states[lead_id] = LeadState.from_json(row.state)
    states.update(rebuild_states(ctx, stale))
    return states, set(rows)


def load_for_rescore(
    ctx: Ctx, lead_ids: list[int], *, compare: bool = True
) -> list[tuple[int, LeadState, bool, Any]]:
    """(lead id, state, has a score row, the stored score row if the state is as stored).

    `compare=False` for leads that are due: their score is rewritten whatever it comes to
    (their next change moves on), so the stored breakdown is not read to compare with."""
    rows = scores_repo.score_full(ctx.session, lead_ids, compare=compare)
    stale = [
        i
        for i in lead_ids
        if (r := rows.get(i)) is None or r.model_version != ctx.version or r.dirty
    ]
    rebuilt = rebuild_states(ctx, stale)
    out = []
    for lead_id in lead_ids:
        if lead_id in rebuilt:
            out.append((lead_id, rebuilt[lead_id], lead_id in rows, None))
        else:
            row = rows[lead_id]
            out.append((lead_id, LeadState.from_json(row.state), True, row))
    return out


def rebuild_states(ctx: Ctx, lead_ids: list[int]) -> dict[int, LeadState]:
    """The leads' states folded anew from their stored events."""
    states = {lead_id: LeadState() for lead_id in lead_ids}
    for lead_id, kind, at, props in events_repo.events_in_order(ctx.session, lead_ids):
        apply_event(ctx.model, states[lead_id], Event(kind, at, props or {}))
    return states


@dataclass
class Scored:
    """What settling a set of leads writes, computed before anything is written."""

    settled: list[Settled] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)  # new score rows
    updates: list[dict[str, Any]] = field(default_factory=list)  # score rows with their state
    score_only: list[dict[str, Any]] = field(default_factory=list)  # rescored, state as stored


def settle(ctx: Ctx, work: list[LeadWork]) -> tuple[SettleSummary, list[Settled]]:
    scored = score_leads(ctx, work)
    return write_scored(ctx, scored), scored.settled


def score_leads(ctx: Ctx, work: list[LeadWork]) -> Scored:
    """Scores and transitions of the leads; reads and writes nothing."""
    out = Scored()
    names = work[0].lead._fields if work else ()
    has_attributes = "attributes" in names
    fit_fields = ctx.model.fit_fields
    shapes: dict[int, bool] = {}  # stored rows of the same length have the same columns
    for item in work:
        # a row's values by name cost a quarter of a microsecond each (and its mapping twice
        # that); one dict of them is a twentieth of scoring a due lead quicker
        lead = dict(zip(names, item.lead, strict=True))
        attributes = lead["attributes"] if has_attributes else None
        facts = lead_facts(lead, attributes or {}, fields=fit_fields)
        sc = score(ctx.model, facts, item.state, ctx.now)
        ft = item.state.fast_track
        status = _STATUSES.get(lead["status"]) or Status(lead["status"])
        stale = (
            status == Status.MQL
            and ctx.expiry is not None
            and is_stale(ctx.expiry, ctx.model, facts, item.state, sc)
        )
        transition = evaluate(
            status,
            sc,
            status_since=lead["status_since"],
            last_positive=item.state.last_positive,
            fast_track_at=ft[0] if ft else None,
            stale=stale,
        )
        if transition is not None and transition.to_status == Status.MQL and not contactable(lead):
            transition = None  # nobody to call yet: it becomes an MQL once identified
        lead_id = lead["id"]
        out.settled.append(Settled(lead_id, sc, transition))
        if item.stored is not None:
            row = score_fields(lead_id, sc)
            if not _same(row, item.stored, shapes):
                out.score_only.append(row)
            continue
        row = score_row(lead_id, ctx.version, sc, item.state)
        (out.updates if item.has_score else out.inserts).append(row)
    return out


# Status(text) walks the enum machinery, a microsecond for each lead a rescore reads
_STATUSES = {s.value: s for s in Status}


def write_scored(ctx: Ctx, scored: Scored) -> SettleSummary:
    """Writes what `score_leads` computed: the scores, the transitions and their alerts."""
    summary = SettleSummary(scored=len(scored.settled))
    scores_repo.insert_scores(ctx.session, scored.inserts)
    scores_repo.update_scores(ctx.session, scored.updates)
    scores_repo.update_scores(ctx.session, scored.score_only)
    write_transitions(ctx, [s for s in scored.settled if s.transition is not None], summary)
    return summary


# a stored score is rewritten only if one of these moved; next_change_at among them, or a lead
# that was due but did not change would stay due for ever
SCORE_FIELDS = (
    "score",
    "fit",
    "engagement",
    "fit_grade",
    "engagement_level",
    "band",
    "qualifies",
    "fast_track",
    "breakdown",
    "next_change_at",
)


def score_fields(lead_id: int, sc: Score) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "score": sc.total,
        "fit": sc.fit,
        "engagement": sc.engagement,
        "fit_grade": sc.fit_grade,
        "engagement_level": sc.engagement_level,
        "band": sc.band,
        "qualifies": sc.qualifies,
        "fast_track": sc.fast_track[1] if sc.fast_track else None,
        "breakdown": sc.breakdown_json(),
        "computed_at": sc.computed_at,
        "next_change_at": sc.next_change_at,
    }


def _same(row: dict[str, Any], stored: Any, shapes: dict[int, bool]) -> bool:
    # a row read without its breakdown (`score_full(..., compare=False)`) is one known to change;
    # asking a row for its column names builds them anew each time, which cost a twentieth of
    # the scoring: the answer is kept by the row's length
    width = len(stored)
    comparable = shapes.get(width)
    if comparable is None:
        comparable = shapes[width] = "breakdown" in stored._fields
    if not comparable:
        return False
    if not all(row[f] == getattr(stored, f) for f in SCORE_FIELDS if f != "breakdown"):
        return False
    # the new breakdown's evidence holds times where the stored one holds their text
    return orjson.dumps(row["breakdown"]) == orjson.dumps(stored.breakdown)


def score_row(lead_id: int, version: int, sc: Score, state: LeadState) -> dict[str, Any]:
    last = state.last_event
    return {
        **score_fields(lead_id, sc),
        "model_version": version,
        "state": state.to_json(),
        "last_event_at": None if last is None else from_epoch(last),
        "dirty": False,
    }


def write_transitions(ctx: Ctx, items: list[Settled], summary: SettleSummary) -> None:
    """Records the transitions the scores decided, with the score each was decided on."""
    changes = []
    for s in items:
        t, sc = s.transition, s.score
        assert t is not None
        details = {"score": sc.total, "grade": sc.grade, "model_version": ctx.version}
        if sc.fast_track:
            details["fast_track"] = sc.fast_track[1]
        if t.cause == "expired" and ctx.expiry is not None:
            details.update(expired_details(ctx, sc))
        from_status, to_status = str(t.from_status), str(t.to_status)
        if ctx.hold_alerts and to_status == Status.MQL:
            details[HELD] = HELD_VALUE
        snapshot = Snapshot(
            ctx.version,
            sc.total,
            sc.fit,
            sc.engagement,
            sc.grade,
            sc.breakdown_json(),
            f"to:{to_status}",
        )
        changes.append(
            Change(s.lead_id, from_status, to_status, t.cause, ctx.actor, t.at, details, snapshot)
        )
        key = f"{from_status}->{to_status}"
        summary.transitions[key] = summary.transitions.get(key, 0) + 1
        if to_status == Status.MQL:
            summary.alerts += 1
    recorder.record(ctx.session, changes, now=ctx.now, locale=ctx.locale)


def expired_details(ctx: Ctx, sc: Score) -> dict[str, Any]:
    """What an expiry was judged on and against, for the trail and the note in the thread."""
    assert ctx.expiry is not None
    th = ctx.model.thresholds
    return {
        "fit": sc.fit,
        "engagement": sc.engagement,
        "threshold": th.mql,
        "min_fit": th.min_fit,
        "min_engagement": th.min_engagement,
        "margin": ctx.expiry.margin,
        "grace_days": ctx.expiry.grace_seconds / 86400.0,
    }
