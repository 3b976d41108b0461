"""`sdrbot model show | validate | apply | history | rollback`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy.engine import Engine

from bot.cli import recalibrate
from bot.cli.common import (
    actor,
    console,
    engine,
    err_console,
    fail,
    now,
    progress_bar,
    rescore_options,
)
from bot.usecases.learning.proposals import note_rollback
from bot.usecases.lifecycle.rescore import count_leads, rescore_all
from scoring.loader import load_model
from scoring.model import Labels, ModelError, ScoringModel
from storage.db import session_scope
from storage.repositories import model_versions


def register(app: typer.Typer) -> None:
    model = typer.Typer(
        help="The scoring model: show, validate, apply, history, rollback.", no_args_is_help=True
    )
    app.add_typer(model, name="model")
    model.command("show")(show_cmd)
    model.command("validate")(validate_cmd)
    model.command("apply")(apply_cmd)
    model.command("history")(history_cmd)
    model.command("rollback")(rollback_cmd)
    recalibrate.register_model(model)


def _read(file: Path) -> tuple[str, ScoringModel]:
    if not file.is_file():
        raise fail(f"{file}: no such file; give the path of a model .toml file", 2)
    text = file.read_text(encoding="utf-8")
    try:
        return text, load_model(text, source=str(file))
    except ModelError as exc:
        err_console.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from exc


def show_cmd(
    raw: bool = typer.Option(False, "--raw", help="Print the TOML text only (to edit it)."),
) -> None:
    """Show the active model: thresholds and every rule with its points."""
    with session_scope(engine()) as session:
        row = model_versions.ensure_active(session=session, now=now())
        m = model_versions.parsed(row)
    if raw:
        print(row.toml, end="")
        return
    th = m.thresholds
    console.print(f"[bold]Model v{row.version}[/]: {m.name}", markup=True)
    console.print(
        f"MQL at {th.mql:g} points with at least {th.min_fit:g} fit and "
        f"{th.min_engagement:g} engagement; nurture band {th.nurture_min:g}–{th.mql:g}. "
        f"Fast track: {', '.join(m.fast_track.events) or 'none'}."
    )
    table = Table(title="Rules")
    for column in ("dimension", "id", "label", "label (de)", "when", "points", "limits"):
        table.add_column(column, justify="right" if column == "points" else "left")
    for fr in m.fit_rules:
        table.add_row(
            "fit",
            fr.id,
            fr.label,
            _other(fr.labels),
            fr.condition.describe(),
            f"{fr.points:+d}",
            f"group {fr.group}" if fr.group else "",
        )
    for er in m.engagement_rules:
        when = er.event + "".join(f" & {c.describe()}" for c in er.where)
        limits = []
        if er.is_threshold:
            limits.append(f"{er.min_count}+ {'days' if er.distinct_days else 'times'}")
        if er.cap:
            limits.append(f"cap {er.cap}")
        if er.window_days:
            limits.append(f"{er.window_days}-day window")
        limits.append(f"half-life {er.half_life_days:g}d" if er.half_life_days else "no decay")
        table.add_row(
            "engagement",
            er.id,
            er.label,
            _other(er.labels),
            when,
            f"{er.points:+d}",
            ", ".join(limits),
        )
    console.print(table)
    console.print(
        "Edit a copy (`sdrbot model show --raw > model.toml`), check it with "
        "`sdrbot model validate model.toml`, activate it with `sdrbot model apply`."
    )


def validate_cmd(file: Path = typer.Argument(..., help="The model .toml file.")) -> None:
    """Check a model file; every mistake is named with its line, rule and field."""
    _, m = _read(file)
    console.print(
        f"{file} is valid: {len(m.fit_rules)} fit rule(s), "
        f"{len(m.engagement_rules)} engagement rule(s), MQL at {m.thresholds.mql:g}."
    )


def apply_cmd(
    file: Path = typer.Argument(..., help="The model .toml file."),
    note: str | None = typer.Option(None, help="Why this version (kept in the history)."),
) -> None:
    """Store the file as a new model version, activate it and rescore every lead."""
    text, m = _read(file)
    eng = engine()
    with session_scope(eng) as session:
        active = model_versions.ensure_active(session=session, now=now())
        if active.checksum == m.checksum:
            console.print(f"{file} is already the active model (v{active.version}); nothing to do.")
            return
        row = model_versions.add_version(
            session=session, text=text, created_by=actor(), now=now(), note=note, activate=True
        )
        version = row.version
    console.print(f"Model v{version} is active. Rescoring every lead …")
    _rescore(eng)


def history_cmd() -> None:
    """Every model version, newest first."""
    with session_scope(engine()) as session:
        model_versions.ensure_active(session=session, now=now())
        rows = model_versions.history(session=session)
    table = Table(title="Model versions")
    for column in ("version", "status", "name", "created", "by", "activated", "note"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r.version),
            r.status,
            r.name,
            f"{r.created_at:%Y-%m-%d %H:%M}",
            r.created_by,
            f"{r.activated_at:%Y-%m-%d %H:%M}" if r.activated_at else "",
            r.note or "",
        )
    console.print(table)


def rollback_cmd(
    version: int = typer.Argument(..., help="The version to make active again."),
) -> None:
    """Make an earlier model version active again and rescore every lead."""
    eng = engine()
    with session_scope(eng) as session:
        model_versions.ensure_active(session=session, now=now())
        row = model_versions.get_version(session=session, version=version)
        if row is None:
            known = ", ".join(str(r.version) for r in model_versions.history(session=session))
            raise fail(
                f"there is no model version {version}; known versions: {known} "
                "(see `sdrbot model history`)",
                2,
            )
        if row.status == "active":
            console.print(f"Model v{version} is already active; nothing to do.")
            return
        left = model_versions.get_active(session=session)
        undone = (
            note_rollback(session, left.version, by=actor(), now=now())
            if left and left.version
            else None
        )
        model_versions.activate_version(session=session, version=row, now=now())
    if undone is not None:
        console.print(f"This undoes the approval of proposal #{undone}.")
    console.print(f"Model v{version} is active again. Rescoring every lead …")
    _rescore(eng)


def _rescore(eng: Engine) -> None:
    with progress_bar("Rescoring", count_leads(eng)) as advance:
        summary = rescore_all(
            eng, now=now(), actor=f"{actor()} model change", progress=advance, **rescore_options()
        )
    console.print(f"Rescored {summary.scored} lead(s).")
    for key, count in sorted(summary.transitions.items()):
        console.print(f"  {key}: {count}")


def _other(labels: Labels) -> str:
    """The German label; "–" where the rule has none (Slack in German shows its `label`)."""
    return dict(labels).get("de", "–")
