"""`sdrbot lead`, `sdrbot leads`, `sdrbot rescore`, `sdrbot export leads`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text
from sqlmodel import Session

from bot.cli.common import (
    actor,
    console,
    engine,
    fail,
    now,
    points,
    progress_bar,
    rescore_options,
)
from bot.usecases.lifecycle.rescore import count_leads, rescore_all
from bot.usecases.queries.leads import search
from scoring.lifecycle import Status
from storage.db import session_scope
from storage.repositories import leads as repo
from storage.tables import Lead, LeadScore

EXPORT_COLUMNS = [
    "id",
    "external_id",
    "email",
    "status",
    "score",
    "fit",
    "engagement",
    "grade",
    "is_mql",
]


def register(app: typer.Typer) -> None:
    app.command("lead")(lead_cmd)
    app.command("leads")(leads_cmd)
    app.command("rescore")(rescore_cmd)
    export = typer.Typer(help="Export data as CSV.", no_args_is_help=True)
    app.add_typer(export, name="export")
    export.command("leads")(export_cmd)


def lead_cmd(query: str = typer.Argument(..., help="E-mail, CRM id or sdrbot id.")) -> None:
    """Show one lead: status, score, grade, the breakdown, recent events and transitions."""
    with session_scope(engine()) as session:
        lead = _one_lead(session, query)
        assert lead.id is not None
        sc = repo.score_of(session=session, lead_id=lead.id)
        events = repo.recent_events(session=session, lead_id=lead.id)
        history = repo.transitions_of(session=session, lead_id=lead.id)
    _print_head(lead)
    _print_score(sc)
    if events:
        table = Table(title="Recent events")
        for column in ("when (UTC)", "type", "properties"):
            table.add_column(column)
        for ev in events:
            table.add_row(
                f"{ev.occurred_at:%Y-%m-%d %H:%M}",
                ev.type,
                Text(json.dumps(ev.properties, ensure_ascii=False)[:80]),
            )
        console.print(table)
    if history:
        table = Table(title="Lifecycle")
        for column in ("when (UTC)", "from", "to", "cause", "by"):
            table.add_column(column)
        for t in history:
            table.add_row(
                f"{t.at:%Y-%m-%d %H:%M}", t.from_status, t.to_status, t.cause, Text(t.actor)
            )
        console.print(table)


def _one_lead(session: Session, query: str) -> Lead:
    """The lead the query names, or an exit that lists the matches or says what to try."""
    lead = repo.find_lead(session=session, query=query)
    if lead is not None:
        return lead
    # the same search and ranking as Slack's /lead, so both count the same matches
    found, total = search(session, query)
    if total == 1:
        return found[0].lead
    if found:
        shown = f"; the first {len(found)}" if total > len(found) else ""
        console.print(
            f"{total} leads match {query!r}{shown} (exact matches and open MQLs first); "
            "name one of them:"
        )
        for m in (f.lead for f in found):
            console.print(
                Text(
                    f"  {m.id}  {m.email or m.external_id}  {m.name}  {m.company or ''}  {m.status}"
                )
            )
        raise typer.Exit(1)
    raise fail(
        f"no lead matches {query!r}; try an e-mail, a CRM id, or part of a "
        "name or company (see `sdrbot leads`)"
    )


def _print_head(lead: Lead) -> None:
    head = Text()
    head.append(f"{lead.name}", style="bold")
    head.append(
        f"  <{lead.email or '-'}>  id {lead.id}"
        f"{'  CRM ' + lead.external_id if lead.external_id else ''}\n"
    )
    head.append(
        f"{lead.title or '-'} at {lead.company or '-'} · {lead.industry or '-'} · "
        f"{lead.company_size if lead.company_size is not None else '?'} employees · "
        f"{lead.country or '-'} · source {lead.source or '-'}\n"
    )
    head.append(f"Status {lead.status.upper()}", style="bold")
    head.append(f" since {lead.status_since:%Y-%m-%d %H:%M} UTC · owner {lead.owner or '-'}")
    console.print(head)
    if lead.attributes:
        console.print(
            Text("Attributes: " + ", ".join(f"{k}={v}" for k, v in sorted(lead.attributes.items())))
        )


def _print_score(sc: LeadScore | None) -> None:
    if sc is None:
        console.print("Not scored yet (run `sdrbot rescore`).")
        return
    console.print(
        Text(
            f"Score {sc.score:g} = fit {sc.fit:g} + engagement {sc.engagement:g}"
            f" · grade {sc.fit_grade}{sc.engagement_level} · {sc.band}"
            f"{' · FAST TRACK (' + sc.fast_track + ')' if sc.fast_track else ''}"
            f" · model v{sc.model_version}",
            style="bold",
        )
    )
    table = Table(title="Breakdown", show_lines=False)
    for column in ("dimension", "rule", "points", "evidence"):
        table.add_column(column, justify="right" if column == "points" else "left")
    for line in sc.breakdown:
        table.add_row(
            line["dim"], Text(line["label"]), points(line["points"]), Text(_evidence(line))
        )
    console.print(table)


def _evidence(line: dict[str, object]) -> str:
    ev = line.get("evidence") or {}
    assert isinstance(ev, dict)
    if line["dim"] == "fit":
        return f"{ev.get('field')} = {ev.get('value')}"
    text = f"{ev.get('count')}× {ev.get('event')}, last {str(ev.get('last'))[:10]}"
    nominal = line.get("nominal")
    if isinstance(nominal, int | float) and nominal != line["points"]:
        text += f" (nominal {points(nominal)}{', capped' if ev.get('capped') else ''})"
    return text


def leads_cmd(
    status: str | None = typer.Option(None, help="Only leads in this status, e.g. mql."),
    limit: int = typer.Option(20, min=1, help="How many to show."),
) -> None:
    """List leads by score, highest first."""
    if status is not None:
        status = status.strip().lower()  # `--status MQL` as Slack's `/lead Queue`
        if status not in {s.value for s in Status}:
            raise fail(
                f"unknown status {status!r}; use one of {', '.join(s.value for s in Status)}", 2
            )
    eng = engine()
    with session_scope(eng) as session:
        rows = repo.ranked(session=session, status=status, limit=limit)
    table = Table(title=f"Leads{' in ' + status if status else ''} by score")
    # a narrow terminal gets the essentials; the rest of a lead is one `sdrbot lead ID` away
    columns = ["id", "name", "company", "status", "score", "grade"]
    if console.width >= 100:
        columns.append("top reason")
    for column in columns:
        table.add_column(
            column,
            justify="right" if column in ("id", "score") else "left",
            no_wrap=column not in ("name", "company"),
            overflow="ellipsis",
        )
    for lead, sc in rows:
        top = max(sc.breakdown, key=lambda ln: ln["points"])["label"] if sc and sc.breakdown else ""
        cells: list[str | Text] = [
            str(lead.id),
            Text(lead.name),
            Text(lead.company or ""),
            lead.status,
            f"{sc.score:g}" if sc else "-",
            f"{sc.fit_grade}{sc.engagement_level}" if sc else "-",
            Text(top),
        ]
        table.add_row(*cells[: len(columns)])
    console.print(table)
    if not rows and status and count_leads(eng) > 0:
        console.print(f"No lead is in status '{status}' now; `sdrbot leads` lists them all.")
    elif not rows:
        console.print(
            "No leads yet: `sdrbot import leads FILE.csv` (or `sdrbot generate` for a sample)."
        )


def rescore_cmd(
    every: bool = typer.Option(
        False,
        "--all",
        help="Compute every lead, not only those whose "
        "score can have changed since it was last computed.",
    ),
) -> None:
    """Bring every score to now under the active model (decay, expiry, new MQLs)."""
    eng = engine()
    total = count_leads(eng)
    with progress_bar("Rescoring", total) as advance:
        summary = rescore_all(
            eng,
            now=now(),
            actor=f"{actor()} rescore",
            progress=advance,
            force=every,
            **rescore_options(),
        )
        advance(max(0, total - summary.scored))  # the leads that needed no computing
    unchanged = total - summary.scored
    console.print(
        f"Rescored {summary.scored} lead(s)"
        + (
            f"; {unchanged} could not have changed and were skipped (--all computes them too)."
            if unchanged
            else "."
        )
    )
    for key, count in sorted(summary.transitions.items()):
        console.print(f"  {key}: {count}")
    if summary.alerts:
        console.print(f"  MQL alerts queued: {summary.alerts}")


def export_cmd(out: Path = typer.Option(..., "--out", help="The CSV file to write.")) -> None:
    """One row per lead: ids, status, score, fit, engagement, grade, is_mql and its attributes."""
    if out.parent and not out.parent.exists():
        raise fail(f"the folder {out.parent} does not exist; create it first", 2)
    with session_scope(engine()) as session:
        rows = list(repo.iter_export_rows(session=session))
    attr_names = sorted({k for r in rows for k in (r["attributes"] or {})})
    # an attribute named like a fixed column (a CRM's own "id" or "score") keeps its value
    # under a prefixed name instead of vanishing or shadowing ours
    headers = [f"attribute_{a}" if a in EXPORT_COLUMNS else a for a in attr_names]
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(EXPORT_COLUMNS + headers)
        for r in rows:
            grade = f"{r['fit_grade']}{r['engagement_level']}" if r["fit_grade"] else ""
            attrs = r["attributes"] or {}
            writer.writerow(
                [
                    r["id"],
                    r["external_id"] or "",
                    r["email"] or "",
                    r["status"],
                    _num(r["score"]),
                    _num(r["fit"]),
                    _num(r["engagement"]),
                    grade,
                    "true" if r["status"] == "mql" else "false",
                    *[attrs.get(a, "") for a in attr_names],
                ]
            )
    console.print(f"Wrote {len(rows)} lead(s) to {out}.")


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
