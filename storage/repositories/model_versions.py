"""Model versions: the active one, history, apply and rollback."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from scoring.loader import default_model_text, load_model
from scoring.model import ScoringModel
from storage.tables import ModelVersion

_cache: dict[str, ScoringModel] = {}


def parsed(row: ModelVersion) -> ScoringModel:
    """The ScoringModel of a stored version (parsed once per process per text)."""
    model = _cache.get(row.checksum)
    if model is None:
        model = _cache[row.checksum] = load_model(row.toml, source=f"model version {row.version}")
    return model


def get_active(*, session: Session) -> ModelVersion | None:
    return session.exec(select(ModelVersion).where(ModelVersion.status == "active")).first()


def ensure_active(*, session: Session, now: datetime) -> ModelVersion:
    """The active version; a fresh database starts with the default model as version 1."""
    row = get_active(session=session)
    if row is None:
        row = add_version(
            session=session,
            text=default_model_text(),
            created_by="sdrbot default",
            now=now,
            note="default model (seed 000/002)",
            activate=True,
        )
    return row


def active_model(*, session: Session, now: datetime) -> tuple[int, ScoringModel]:
    """The active version's number and its parsed model, for the hot paths that score on every
    request: the TOML text is read only when this process has not parsed that version yet."""
    found = stored_active_model(session=session)
    if found is not None:
        return found
    row = ensure_active(session=session, now=now)
    assert row.version is not None
    return row.version, parsed(row)


def stored_active_model(*, session: Session) -> tuple[int, ScoringModel] | None:
    """As `active_model`, but None where no version is stored yet (it writes nothing)."""
    found = session.execute(
        select(ModelVersion.version, ModelVersion.checksum).where(ModelVersion.status == "active")
    ).first()
    if found is None:
        return None
    if found.checksum not in _cache:
        row = get_active(session=session)
        if row is None:  # replaced in between: the caller's transaction sees no active one
            return None
        return int(found.version), parsed(row)
    return int(found.version), _cache[found.checksum]


def model_of(*, session: Session, version: int) -> ScoringModel | None:
    """The parsed model of a version (the one a stored score was made under); None when gone.
    Only the checksum is read where this process has parsed that text before."""
    checksum = session.execute(
        select(ModelVersion.checksum).where(ModelVersion.version == version)
    ).scalar_one_or_none()
    if checksum is None:
        return None
    if checksum in _cache:
        return _cache[checksum]
    row = get_version(session=session, version=version)
    return None if row is None else parsed(row)


def add_version(
    *,
    session: Session,
    text: str,
    created_by: str,
    now: datetime,
    note: str | None = None,
    activate: bool = False,
) -> ModelVersion:
    model = load_model(text)  # raises ModelError: nothing invalid is ever stored
    row = ModelVersion(
        toml=text,
        name=model.name,
        checksum=model.checksum,
        status="proposed",
        created_at=now,
        created_by=created_by,
        note=note,
    )
    session.add(row)
    session.flush()
    if activate:
        activate_version(session=session, version=row, now=now)
    return row


def activate_version(*, session: Session, version: ModelVersion, now: datetime) -> None:
    for other in session.exec(select(ModelVersion).where(ModelVersion.status == "active")):
        if other.version != version.version:
            other.status = "archived"
            session.add(other)
    session.flush()
    version.status = "active"
    version.activated_at = now
    session.add(version)
    session.flush()


def get_version(*, session: Session, version: int) -> ModelVersion | None:
    return session.get(ModelVersion, version)


def history(*, session: Session) -> list[ModelVersion]:
    return list(session.exec(select(ModelVersion).order_by(col(ModelVersion.version).desc())))
