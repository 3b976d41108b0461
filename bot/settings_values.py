"""Reading one value of the config file: the checks every section shares (a positive number, a
non-empty string, a list of strings), each failing with the key and what it must be."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SettingsError(ValueError):
    pass


def ingest_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "ingest.batch" in config:
        if config["ingest.batch"] not in ("partial", "atomic"):
            raise SettingsError(
                'ingest.batch must be "partial" (keep the valid calls of a batch) or "atomic" '
                f"(refuse a batch with any invalid call), not {config['ingest.batch']!r}"
            )
        out["ingest_batch"] = config["ingest.batch"]
    if "ingest.max_batch_mb" in config:
        mb = number("ingest.max_batch_mb", config["ingest.max_batch_mb"], False)
        out["ingest_max_batch"] = int(mb * 1024 * 1024)
    return out


def outbox_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "outbox.burst" in config:
        burst = config["outbox.burst"]
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise SettingsError(f"outbox.burst must be a whole number, 1 or more, not {burst!r}")
        out["outbox_burst"] = burst
    return out


def number(key: str, value: Any, zero_ok: bool) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < 0
        or (value == 0 and not zero_ok)
    ):
        kind = "a number, 0 or more" if zero_ok else "a positive number"
        raise SettingsError(f"{key} must be {kind}, not {value!r}")
    return float(value)


def text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{key} must be a non-empty string, not {value!r}")
    return value.strip()


def texts(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise SettingsError(f"{key} must be a list of strings, not {value!r}")
    return tuple(text(f"{key}[{i}]", v) for i, v in enumerate(value))
