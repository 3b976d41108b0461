"""The outbox kinds of learning (`jobs.proposal…`, `jobs.exploration…`): a proposal posted to
the marketing-ops channel, updated in place once decided, a note in its thread, and the one
summary of the many MQLs a model change made at once (delivered by
bot/slack/proposal_delivery.py); an exploration alert of a lead under the MQL line, and its
update once answered (bot/slack/exploration_delivery.py). All go through the scheduled jobs'
sender; the rows hold ids, the words are rendered at delivery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar


class _Stored:
    """A learning message's row payload: every field, as JSON holds it (ids and words' keys
    only: the message is rendered at delivery)."""

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


@dataclass(frozen=True)
class ProposalPost(_Stored):
    kind: ClassVar[str] = "jobs.proposal"
    lead_id: ClassVar[None] = None
    proposal_id: int
    channel: str
    locale: str = "en"

    def dedupe_key(self) -> str:
        return f"proposal:{self.proposal_id}"


@dataclass(frozen=True)
class ProposalUpdate(_Stored):
    """The proposal's message re-rendered in place: decided, superseded; its buttons gone."""

    kind: ClassVar[str] = "jobs.proposal_update"
    lead_id: ClassVar[None] = None
    proposal_id: int
    channel: str
    status: str  # what it was updated for: one update per status
    locale: str = "en"

    def dedupe_key(self) -> str:
        return f"proposal:{self.proposal_id}:update:{self.status}"


@dataclass(frozen=True)
class ProposalNote(_Stored):
    """A reply in the proposal's thread: approved (the new version, leads rescored, MQLs
    made) or rejected (with the reason)."""

    kind: ClassVar[str] = "jobs.proposal_note"
    lead_id: ClassVar[None] = None
    proposal_id: int
    channel: str
    status: str
    facts: Mapping[str, Any]
    locale: str = "en"

    def dedupe_key(self) -> str:
        return f"proposal:{self.proposal_id}:note:{self.status}"


@dataclass(frozen=True)
class MqlSummary(_Stored):
    """One message for the many MQLs of a model change, in place of an alert each."""

    kind: ClassVar[str] = "jobs.mql_summary"
    lead_id: ClassVar[None] = None
    proposal_id: int
    channel: str
    count: int
    lead_ids: tuple[int, ...]  # the first few, to name them
    locale: str = "en"

    def dedupe_key(self) -> str:
        return f"proposal:{self.proposal_id}:summary"


@dataclass(frozen=True)
class ExplorationPost(_Stored):
    """A lead of the exploration sample, shown to the SDRs though it is under the MQL line."""

    kind: ClassVar[str] = "jobs.exploration"
    sample_id: int
    lead_id: int
    channel: str
    locale: str = "en"

    def dedupe_key(self) -> str:
        return f"exploration:{self.sample_id}"


@dataclass(frozen=True)
class ExplorationUpdate(_Stored):
    """The exploration alert re-rendered in place once answered: the answer, no buttons."""

    kind: ClassVar[str] = "jobs.exploration_update"
    sample_id: int
    lead_id: int
    channel: str
    locale: str = "en"

    def dedupe_key(self) -> str:
        return f"exploration:{self.sample_id}:answered"


ProposalMessage = ProposalPost | ProposalUpdate | ProposalNote | MqlSummary
ExplorationMessage = ExplorationPost | ExplorationUpdate
LearningMessage = ProposalMessage | ExplorationMessage
LEARNING_KINDS: dict[str, type[LearningMessage]] = {
    cls.kind: cls
    for cls in (
        ProposalPost,
        ProposalUpdate,
        ProposalNote,
        MqlSummary,
        ExplorationPost,
        ExplorationUpdate,
    )
}


def parse_learning(kind: str, payload: Mapping[str, Any]) -> LearningMessage:
    values = dict(payload)
    if kind == MqlSummary.kind:
        values["lead_ids"] = tuple(values.get("lead_ids") or ())
    return LEARNING_KINDS[kind](**values)
