"""API keys for the ingest API: create (the secret is shown once), list, revoke, verify.

Only a SHA-256 of the secret is stored, so a leaked database does not leak usable keys.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from storage.db import session_scope
from storage.repositories import api_keys as repo
from storage.tables import ApiKey

log = logging.getLogger(__name__)
KEY_PREFIX = "sdr_"
MAX_NAME = 100  # the column's length
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
# writing last_used_at on every request would make each read-only check a write
TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyError(ValueError):
    pass


@dataclass(frozen=True)
class NewKey:
    name: str
    prefix: str
    secret: str = field(repr=False)
    renamed: str | None = None  # the new name of the revoked key that had this name


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _active_exists(name: str) -> str:
    return (
        f"a key named {name!r} is active; revoke it first (`sdrbot apikey revoke {name}`) "
        "or choose another name"
    )


def create(session: Session, name: str, *, now: datetime, actor: str) -> NewKey:
    """A new key; a name held only by a revoked key is taken over (rotation under one name)."""
    name = name.strip()
    if not _NAME.match(name):
        raise ApiKeyError(
            f"{name!r} is not a valid key name: use 1 to 100 letters, digits, "
            "'.', '_' or '-', starting with a letter or digit"
        )
    if repo.active_key_id(session, name) is not None:
        raise ApiKeyError(_active_exists(name))
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    prefix = secret[: len(KEY_PREFIX) + 6]
    try:
        with session.begin_nested():
            renamed = _retire_name(session, name)
            repo.add_key(
                session, name=name, prefix=prefix, hash=digest(secret), now=now, actor=actor
            )
    except IntegrityError:  # a concurrent create with the same name
        raise ApiKeyError(_active_exists(name)) from None
    return NewKey(name, prefix, secret, renamed)


def _retire_name(session: Session, name: str) -> str | None:
    """Rename the revoked key named `name`, if any, and return its new name.

    Names are unique (one index, no migration), so a revoked key would block its name for
    good; renamed it stays in the list with its history. The suffix holds characters a key
    name cannot have, so it never collides with a name someone picks, and the id keeps it
    unique; the name is shortened to fit the column's 100 characters.
    """
    old = repo.revoked_key(session, name)
    if old is None:
        return None
    suffix = f" (revoked {old.revoked_at:%Y-%m-%d} #{old.id})"
    new_name = name[: MAX_NAME - len(suffix)] + suffix
    repo.rename_key(session, old.id, new_name)
    return new_name


def list_keys(session: Session) -> list[ApiKey]:
    return repo.all_keys(session)


def revoke(session: Session, name: str, *, now: datetime) -> ApiKey:
    name = name.strip()
    key = repo.key_named(session, name)
    if key is None:
        active = ", ".join(k.name for k in list_keys(session) if k.revoked_at is None)
        raise ApiKeyError(
            f"no key is named {name!r}; the active keys are: {active or 'none'} "
            "(`sdrbot apikey list` shows all)"
        )
    if key.revoked_at is not None:
        raise ApiKeyError(
            f"the key {name!r} was revoked already on "
            f"{key.revoked_at:%Y-%m-%d %H:%M} UTC; to replace it, create a key of "
            f"the same name (`sdrbot apikey create {name}`)"
        )
    key.revoked_at = now
    session.add(key)
    return key


@dataclass(frozen=True)
class LiveKey:
    id: int
    name: str
    last_used_at: datetime | None

    def touch_due(self, now: datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= TOUCH_EVERY


def lookup(session: Session, secret: str) -> LiveKey | None:
    """The live (not revoked) key with this secret, or None. Reads only."""
    if not secret.startswith(KEY_PREFIX):
        return None
    wanted = digest(secret)
    row = repo.key_by_hash(session, wanted)
    # the lookup is by hash already; the constant-time compare guards against a lax collation
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.hash, wanted):
        return None
    return LiveKey(row.id, str(row.name), row.last_used_at)


def touch(session: Session, key: LiveKey, *, now: datetime) -> None:
    repo.note_use(session, key.id, now=now)


def verify(session: Session, secret: str, *, now: datetime) -> str | None:
    """The name of the live key with this secret, or None; notes the use (once a minute)."""
    key = lookup(session, secret)
    if key is None:
        return None
    if key.touch_due(now):
        touch(session, key, now=now)
    return key.name


def check(
    engine: Engine, secret: str, *, now: datetime, write_engine: Engine | None = None
) -> str | None:
    """The name of the live key with this secret, or None: the check of every API request.

    It reads on `engine`, which never waits for writers; noting the key's use (once a minute)
    writes on `write_engine` (default: the same), and a database too busy for that only costs
    a log line. Raises OperationalError when the database cannot answer the check.
    """
    with session_scope(engine) as session:
        key = lookup(session, secret)
    if key is None:
        return None
    if key.touch_due(now):
        try:
            with session_scope(write_engine or engine) as session:
                touch(session, key, now=now)
        except OperationalError:
            log.warning("could not note the use of API key %r", key.name)
    return key.name
