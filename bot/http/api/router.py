"""POST /api/v1/identify, /track, /page, /batch and /outcomes (and the same at /v1/…).

The router parses and authenticates; each request is then one call of the use case
(bot/usecases/ingest/request.py: one transaction, run again when it loses a race), whose
errors become answers here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.engine import Engine

from bot.http.api import convert, items
from bot.http.api.auth import authenticator
from bot.http.api.errors import ApiError
from bot.http.api.schemas import (
    Ack,
    Batch,
    BatchAck,
    ErrorBody,
    FieldError,
    Identify,
    Outcome,
    Page,
    RejectedItem,
    Track,
)
from bot.ingest.event_map import EventMap
from bot.ingest.outcomes import OutcomeIn
from bot.ingest.records import EventIn, Identity
from bot.usecases.ingest.apply_calls import IdentifyIn, IdentityConflict
from bot.usecases.ingest.rejected import CallRejected, Rejection
from bot.usecases.ingest.request import DatabaseBusy, IngestRequests
from bot.usecases.lifecycle.crm_outcomes import TransitionError, UnknownLead

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A field is wrong; `field` names it."},
    401: {"model": ErrorBody, "description": "No API key, or an unknown or revoked one."},
    413: {
        "model": ErrorBody,
        "description": "The body is larger than its limit (one call: 32 KB; a batch: 4 MB "
        "after decompression unless `[ingest] max_batch_mb` says otherwise).",
    },
}


# /api/v1 is ours; /v1 is where every Segment and RudderStack SDK posts when it is given only
# a host (analytics-node, the mobile libraries), so none needs a path option
PREFIXES = ("/api/v1", "/v1")


def _busy() -> ApiError:
    return ApiError(503, "body", "the database is busy; send the request again")


# long: the routes are closures over the engine, the clock and the event map, one short function
# each, as a FastAPI router factory has them
def build_router(
    engine: Engine,
    clock: Callable[[], datetime],
    events: EventMap,
    *,
    read_engine: Engine | None = None,
    atomic: bool = False,
) -> APIRouter:
    """`engine` takes the writes; `read_engine` (default: the same) checks the keys. `atomic`
    (`[ingest] batch = "atomic"`) refuses a batch with any invalid call, as before; else its
    valid calls are stored and its invalid ones kept as rejected calls."""
    router = APIRouter(tags=["ingest"], responses=ERRORS)  # included under PREFIXES
    caller = Depends(authenticator(read_engine or engine, clock, write_engine=engine))
    requests = IngestRequests(engine)

    def ingest(key: str, calls: list[IdentifyIn | EventIn]) -> Ack:
        try:
            requests.calls(calls, key=key, now=clock())
        except IdentityConflict as exc:
            raise ApiError(409, exc.error.field, exc.error.message) from None
        except DatabaseBusy:
            raise _busy() from None
        return Ack()

    @router.post("/identify", response_model=Ack, summary="Create or update a lead")
    def identify(call: Identify, key: str = caller) -> Ack:
        return ingest(key, [convert.to_identify(call, now=clock())])

    @router.post("/track", response_model=Ack, summary="Record an event")
    def track(call: Track, key: str = caller) -> Ack:
        return ingest(key, [convert.to_event(call, events, clock())])

    @router.post("/page", response_model=Ack, summary="Record a page view")
    def page(call: Page, key: str = caller) -> Ack:
        return ingest(key, [convert.to_event(call, events, clock())])

    @router.post(
        "/batch",
        response_model=BatchAck | Ack,
        summary="Several calls: the valid ones stored, the invalid ones kept as rejected",
    )
    def batch(body: Batch, key: str = caller) -> BatchAck | Ack:
        now = clock()
        envelope = items.envelope_of(body.context, body.sentAt)
        calls: list[tuple[int, IdentifyIn | EventIn, Any]] = []
        rejections: list[Rejection] = []
        for i, raw in enumerate(body.batch):
            try:
                call = items.check_item(
                    raw, i, events, now, context=body.context, sent_at=body.sentAt
                )
            except CallRejected as exc:
                rejections.append(Rejection(i, raw, envelope, exc.errors))
                continue
            if call is not None:
                calls.append((i, call, raw))
        if atomic:
            if rejections:
                errors = [e for r in rejections for e in r.errors]
                raise ApiError(400, *errors[0], more=errors[1:])
            return ingest(key, [call for _, call, _ in calls])  # as before: all or nothing
        try:
            kept = requests.batch(calls, rejections, key=key, now=now, envelope=envelope)
        except DatabaseBusy:
            raise _busy() from None
        return BatchAck(
            accepted=len(body.batch) - len(kept),
            rejected=len(kept),
            rejections=[
                RejectedItem(
                    index=r.index,
                    id=row_id,
                    errors=[FieldError(field=f, message=m) for f, m in r.errors],
                )
                for r, row_id in kept
            ],
        )

    @router.post(
        "/outcomes",
        response_model=Ack,
        summary="A CRM outcome for a lead",
        responses={
            404: {"model": ErrorBody, "description": "No such lead."},
            409: {"model": ErrorBody, "description": "The lead cannot move to that stage."},
        },
    )
    def outcomes(body: Outcome, key: str = caller) -> Ack:
        now = clock()
        email = convert.email_of(body.email, "email")
        user = convert.id_of(body.userId, "userId")
        if not email and not user:
            raise ApiError(400, "email", "the outcome names no lead: give an email or a userId")
        item = OutcomeIn(
            Identity(email, user),
            body.stage,
            convert.when(body.timestamp, now, "timestamp"),
            None if body.amount is None else float(body.amount),
            body.messageId,
        )
        try:
            requests.outcome(item, key=key, now=now)
        except DatabaseBusy:
            raise _busy() from None
        except UnknownLead as exc:
            raise ApiError(404, "email" if email else "userId", str(exc)) from None
        except TransitionError as exc:
            raise ApiError(409, "stage", str(exc)) from None
        return Ack()

    def ignored(key: str = caller) -> Ack:  # alias, group, screen: nothing a score uses
        return Ack()

    # analytics.js posts each call to <apiHost>/<the call type's first letter> (and batches to
    # /b): with apiHost "<our host>/api/v1" a website's snippet sends here unchanged
    for path, endpoint in (
        ("/t", track),
        ("/i", identify),
        ("/p", page),
        ("/b", batch),
        ("/a", ignored),
        ("/g", ignored),
        ("/s", ignored),
    ):
        router.add_api_route(path, endpoint, methods=["POST"], include_in_schema=False)
    return router
