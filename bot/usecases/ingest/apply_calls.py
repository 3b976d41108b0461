"""Use case `apply_calls`: identify and track calls of the HTTP API, in order, in one transaction.

Events of an anonymous visitor (known only by a cookie id) are stored against a lead of their
own, external id "anon:<id>". When an identify names the person and that anonymous id, the
anonymous lead becomes the person's lead, or, if the person is known already, its events move
to the person's lead and its state is rebuilt from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ingest.records import EventIn, Identity, LeadIn, RowError
from bot.usecases.ingest import identities
from bot.usecases.ingest.lead_work import settle_leads
from bot.usecases.ingest.record_events import record_events
from bot.usecases.ingest.upsert_leads import upsert_leads
from bot.usecases.lifecycle.scoring_pass import ANON_PREFIX, Ctx, SettleSummary
from storage.repositories import aliases, leads, messages
from storage.repositories.locks import lock_leads


class IdentityConflict(ValueError):
    def __init__(self, error: RowError, call: IdentifyIn | None = None) -> None:
        super().__init__(error.message)
        self.error, self.call = error, call  # the identify that conflicts


@dataclass
class IdentifyIn:
    lead: LeadIn
    anonymous: str | None  # the external id of the anonymous lead this identify links
    where: str = ""  # the call's place in the request ("batch[3]."), for error messages
    message_id: str | None = None  # a delivery id: a repeat is ignored


@dataclass
class CallsResult:
    events: int = 0
    duplicates: int = 0
    leads_created: int = 0
    identified: int = 0
    merged: int = 0
    settle: SettleSummary = field(default_factory=SettleSummary)


def apply_calls(ctx: Ctx, calls: list[IdentifyIn | EventIn], *, source: str = "api") -> CallsResult:
    result = CallsResult()
    follow_aliases(ctx, calls)
    _lock_known(ctx, calls)
    pending: list[EventIn] = []
    for call in calls:
        if isinstance(call, EventIn):
            pending.append(call)
            continue
        _flush(ctx, pending, result, source)  # earlier events first: an identify may merge them
        pending = []
        _identify(ctx, call, result)
    _flush(ctx, pending, result, source)
    return result


def _anonymous(ident: Identity) -> bool:
    return ident.email is None and (ident.external_id or "").startswith(ANON_PREFIX)


def follow_aliases(ctx: Ctx, calls: list[IdentifyIn | EventIn]) -> None:
    """Calls that name only an anonymous id an earlier identify linked go to that person."""
    named = [c.identity if isinstance(c, EventIn) else c.lead.identity for c in calls]
    wanted = [i.external_id for i in named if _anonymous(i) and i.external_id]
    if not wanted:
        return
    persons = aliases.identities(ctx.session, wanted)
    for call in calls:
        ident = call.identity if isinstance(call, EventIn) else call.lead.identity
        person = persons.get(ident.external_id or "") if _anonymous(ident) else None
        if person is None:
            continue
        if isinstance(call, EventIn):
            call.identity = Identity(*person)
        else:
            call.lead.identity = Identity(*person)


def _lock_known(ctx: Ctx, calls: list[IdentifyIn | EventIn]) -> None:
    """Lock every known lead of the request at once, in id order, when identifies split its
    events into several flushes: locking flush by flush, two requests could each hold a lead
    the other waits for. Events alone are one flush, which locks its leads itself."""
    if all(isinstance(call, EventIn) for call in calls):
        return
    idents: list[Identity] = []
    for call in calls:
        if isinstance(call, EventIn):
            idents.append(call.identity)
        else:
            idents.append(call.lead.identity)
            if call.anonymous:
                idents.append(Identity(None, call.anonymous))
    found, _ = identities.resolve(ctx.session, idents, create=False, now=ctx.now)
    lock_leads(ctx.session, found.values())


def _flush(ctx: Ctx, events: list[EventIn], result: CallsResult, source: str) -> None:
    if not events:
        return
    res = record_events(ctx, events, source=source)
    result.events += res.accepted
    result.duplicates += res.duplicates
    result.leads_created += res.leads_created
    result.settle.add(res.settle)


def _identify(ctx: Ctx, call: IdentifyIn, result: CallsResult) -> None:
    s = ctx.session
    if call.message_id and not messages.first_time(s, "identify", call.message_id, now=ctx.now):
        # a retried delivery: applying its traits again could undo a newer identify
        result.duplicates += 1
        return
    ident = call.lead.identity
    merged_into: int | None = None
    if call.anonymous:
        anon_id = leads.lead_ids_by(s, "external_id", [call.anonymous]).get(call.anonymous)
        if anon_id is not None:
            found, _ = identities.resolve(s, [ident], create=False, now=ctx.now)
            person = found.get(ident.key)
            if person is None:
                # the visitor is the person: the lead keeps its events, score and history
                leads.rename_lead(
                    s, anon_id, email=ident.email, external_id=ident.external_id, now=ctx.now
                )
            elif person != anon_id:
                leads.merge_lead(s, anon_id, into=person)
                merged_into = person
            result.merged += 1
    res = upsert_leads(ctx, [call.lead])
    if res.errors:
        raise IdentityConflict(
            RowError(0, f"{call.where}traits.email", res.errors[0].message), call
        )
    result.identified += 1
    result.leads_created += res.created
    result.settle.add(res.settle)
    if call.anonymous and not _anonymous(ident):
        found, _ = identities.resolve(s, [ident], create=False, now=ctx.now)
        aliases.link(s, call.anonymous, found[ident.key], now=ctx.now)
    if merged_into is not None:
        # the moved events are in no state yet: the person's is rebuilt from all of them
        result.settle.add(settle_leads(ctx, [merged_into]))
