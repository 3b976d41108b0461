"""Answering one Web API call: faults, rate limit, auth, contract, then the method's handler.

Every call is recorded, and every answer that means "the caller sent something wrong" is also
recorded as a `Problem`, so a test can assert that the bot never sent Slack anything invalid.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.sandbox.slackapi import chat, directory, surfaces
from bot.sandbox.slackapi.api import Context, SlackError
from bot.sandbox.slackapi.contracts import check_args, load_contracts
from bot.sandbox.slackapi.faults import Faults
from bot.sandbox.slackapi.wire import Dropped, Response, bearer, decoded, json_response, parse_args
from bot.sandbox.slackapi.workspace import Workspace

HANDLERS = {**chat.HANDLERS, **surfaces.HANDLERS, **directory.HANDLERS}
# Answers that mean the caller sent something wrong (as opposed to "no such user").
VALIDATION_ERRORS = frozenset(
    {
        "unknown_method",
        "not_authed",
        "invalid_auth",
        "invalid_arguments",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_metadata_format",
        "no_text",
        "msg_too_long",
        "markdown_text_conflict",
        "invalid_json",
        "invalid_form_data",
        "invalid_trigger_id",
        "exchanged_trigger_id",
        "view_too_large",
        "not_implemented",
    }
)


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]  # token removed; JSON-string arguments decoded
    at: float
    status: int
    ok: bool
    error: str | None
    transport: str  # "json" | "form" | "upload"


@dataclass(frozen=True)
class Problem:
    method: str
    error: str
    messages: tuple[str, ...]
    fatal: bool  # False: Slack would accept it, but it is still a bug on our side


class Api:
    def __init__(
        self,
        workspace: Workspace,
        faults: Faults,
        lock: threading.RLock,
        tokens: list[str],
        strict_args: bool,
        root_url: Callable[[], str],
    ) -> None:
        self.workspace = workspace
        self.faults = faults
        self.lock = lock
        self.tokens = tokens
        self.strict_args = strict_args
        self.root_url = root_url
        self.calls: list[Call] = []
        self.problems: list[Problem] = []

    def call(self, method: str, query: str, headers: Mapping[str, str], body: bytes) -> Response:
        try:
            args, transport, body_token = parse_args(query, headers, body)
        except SlackError as err:
            return self._answer(method, {}, "form", 200, {"error": err.error}, fatal=True)
        if method not in load_contracts():
            return self._answer(
                method, args, transport, 200, {"error": "unknown_method"}, fatal=True
            )
        fault = self.faults.take(method)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
            if fault.drop:
                raise Dropped
            fault = None
        if fault is not None:
            extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return self._answer(
                method, args, transport, fault.status, {"error": fault.error}, headers=extra
            )
        limited = self._rate_limited(method, args)
        if limited:
            return self._answer(
                method,
                args,
                transport,
                429,
                {"error": "ratelimited"},
                headers={"Retry-After": str(max(1, math.ceil(limited)))},
            )
        token = bearer(headers) or body_token
        if not token:
            return self._answer(method, args, transport, 200, {"error": "not_authed"}, fatal=True)
        if token not in self.tokens:
            return self._answer(method, args, transport, 200, {"error": "invalid_auth"}, fatal=True)
        return self._run(method, args, transport)

    def _run(self, method: str, args: dict[str, Any], transport: str) -> Response:
        contract = load_contracts()[method]
        problems = check_args(contract, args)
        hard = [p for p in problems if p.kind != "unknown" or self.strict_args]
        if hard:
            missing_channel = any(p.kind == "missing" and p.arg == "channel" for p in hard)
            error = (
                "channel_not_found"
                if missing_channel and "channel_not_found" in contract.errors
                else "invalid_arguments"
            )
            messages = [p.message() for p in problems]
            return self._answer(
                method,
                args,
                transport,
                200,
                {"error": error, "response_metadata": {"messages": messages}},
                fatal=True,
            )
        handler = HANDLERS.get(method)
        if handler is None:
            return self._answer(
                method, args, transport, 200, {"error": "not_implemented"}, fatal=True
            )
        ctx = Context(method, self.root_url())
        ctx.warnings.extend(p.message() for p in problems)
        with self.lock:
            try:
                result = {"ok": True, **handler(self.workspace, args, ctx)}
            except SlackError as err:
                result = {"ok": False, "error": err.error}
                if err.messages:
                    result["response_metadata"] = {"messages": err.messages}
            if ctx.warnings:
                self.problems.append(Problem(method, "warning", tuple(ctx.warnings), False))
        headers = (
            {"X-OAuth-Scopes": ",".join(self.workspace.scopes)}
            if method == "auth.test" and result["ok"]
            else None
        )
        return self._answer(
            method,
            args,
            transport,
            200,
            result,
            fatal=result.get("error") in VALIDATION_ERRORS,
            headers=headers,
        )

    def _answer(
        self,
        method: str,
        args: dict[str, Any],
        transport: str,
        status: int,
        body: dict[str, Any],
        *,
        fatal: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        body = {"ok": False, **body} if "ok" not in body else body
        error = body.get("error")
        with self.lock:
            self.calls.append(
                Call(method, decoded(args), time.time(), status, bool(body["ok"]), error, transport)
            )
            if fatal and error:
                messages = tuple(body.get("response_metadata", {}).get("messages", ()))
                self.problems.append(Problem(method, error, messages, True))
        return json_response(status, body, headers)

    def _rate_limited(self, method: str, args: Mapping[str, Any]) -> float:
        if not self.faults.has_limit(method):
            return 0.0
        with self.lock:
            channel = self.workspace.resolve_channel(str(args.get("channel") or ""))
        key = channel.id if channel else str(args.get("channel"))
        return self.faults.wait_needed(method, key, time.monotonic())

    def upload(self, file_id: str, body: bytes) -> Response:
        with self.lock:
            upload = self.workspace.files.get(file_id)
            if upload is not None:
                upload.content = body
            self.calls.append(
                Call(
                    "(upload)",
                    {"file_id": file_id, "bytes": len(body)},
                    time.time(),
                    200 if upload else 404,
                    upload is not None,
                    None if upload else "file_not_found",
                    "upload",
                )
            )
        if upload is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return 200, {"Content-Type": "text/plain"}, f"OK - {len(body)}".encode()
