"""Method contracts: which arguments a Slack Web API method requires and knows.

The JSON files in `contracts/` are Slack's own method descriptions (copied from the shared
reference; the two `conversations.*` ones were written from Slack's public docs because the
reference lacks them). Checking against them, rather than against what our code happens to
send, is what lets the fake catch a misspelt or invented argument.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CONTRACT_DIR = Path(__file__).parent / "contracts"

# Arguments every method accepts on the wire although the contracts do not list them:
# slack_sdk may add `team_id` from a client default.
UNIVERSAL_ARGS = frozenset({"token", "team_id"})


@dataclass(frozen=True)
class Contract:
    method: str
    required: frozenset[str]
    properties: dict[str, Any]
    errors: frozenset[str]

    def knows(self, arg: str) -> bool:
        return arg in self.properties or arg in UNIVERSAL_ARGS


@cache
def load_contracts() -> dict[str, Contract]:
    contracts = {}
    for path in sorted(CONTRACT_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        args = data.get("args") or {}
        method = path.stem
        contracts[method] = Contract(
            method=method,
            required=frozenset(args.get("required") or ()) - {"token"},
            properties=dict(args.get("properties") or {}),
            errors=frozenset(data.get("errors") or ()),
        )
    return contracts


_TRUTHY = {"true", "1"}
_FALSY = {"false", "0", ""}


def _is_type(expected: str, value: Any, structured: bool) -> bool:
    # Form bodies carry every value as a string, so a scalar type is satisfied by its spelling.
    if expected == "null":
        return value is None
    if expected == "string":
        if isinstance(value, dict | list):
            return structured
        return isinstance(value, str | int | float) and not isinstance(value, bool)
    if expected == "boolean":
        return (
            isinstance(value, bool)
            or (isinstance(value, int) and value in (0, 1))
            or (isinstance(value, str) and value.lower() in _TRUTHY | _FALSY)
        )
    if expected == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())
    if expected == "number":
        try:
            float(value)
        except (TypeError, ValueError):
            return False
        return not isinstance(value, bool)
    if expected == "object":
        return isinstance(value, dict) or (isinstance(value, str) and _json_is(value, dict))
    if expected == "array":
        return isinstance(value, list) or (isinstance(value, str) and _json_is(value, list))
    return True


def _json_is(text: str, kind: type) -> bool:
    try:
        return isinstance(json.loads(text), kind)
    except ValueError:
        return False


def accepts(spec: dict[str, Any], value: Any, structured: bool = False) -> bool:
    """Whether `value` fits a property spec; `schema` references are not resolved (any value).

    `structured`: the argument is documented as JSON text, which a JSON body may carry as a
    JSON value instead of a string.
    """
    if "anyOf" in spec and not any(accepts(s, value, structured) for s in spec["anyOf"]):
        return False
    if "allOf" in spec and not all(accepts(s, value, structured) for s in spec["allOf"]):
        return False
    if "type" in spec and not _is_type(spec["type"], value, structured):
        return False
    return not ("enum" in spec and isinstance(value, str) and value not in spec["enum"])


@dataclass(frozen=True)
class ArgProblem:
    kind: str  # "missing" | "unknown" | "type"
    arg: str

    def message(self) -> str:
        if self.kind == "missing":
            return f"[ERROR] missing required field: {self.arg}"
        if self.kind == "unknown":
            return f"[ERROR] unknown argument: {self.arg}"
        return f"[ERROR] invalid type for field: {self.arg}"


def check_args(contract: Contract, args: dict[str, Any]) -> list[ArgProblem]:
    problems = [
        ArgProblem("missing", name)
        for name in sorted(contract.required)
        if args.get(name) in (None, "")
    ]
    for name, value in args.items():
        if not contract.knows(name):
            problems.append(ArgProblem("unknown", name))
        elif name in contract.properties and value is not None:
            spec = contract.properties[name]
            if not accepts(spec, value, structured="JSON" in str(spec.get("desc", ""))):
                problems.append(ArgProblem("type", name))
    return problems


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in _TRUTHY
    return bool(value)
