"""`sdrbot recalibrate [--dry-run]` and `sdrbot model proposals | approve ID | reject ID`."""

from __future__ import annotations

import typer
from rich.table import Table

from bot.cli.common import actor, console, engine, fail, now
from bot.cli.proposal_report import show_evidence
from bot.settings import Settings, SettingsError
from bot.usecases.learning.proposals import ProposalRefused, approve, listing, reject
from scoring.calibrate.revised_text import RevisionTextError


def register(app: typer.Typer) -> None:
    app.command("recalibrate")(recalibrate_cmd)


def register_model(model: typer.Typer) -> None:
    model.command("proposals")(proposals_cmd)
    model.command("approve")(approve_cmd)
    model.command("reject")(reject_cmd)


def _settings() -> Settings:
    try:
        return Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc


def recalibrate_cmd(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show the proposal only: store nothing, post nothing."
    ),
) -> None:
    """Propose new points, rules and threshold from the SDRs' decisions (and CRM outcomes)."""
    # scikit-learn loads in seconds: only this command needs it, not every start of `sdrbot`
    from bot.usecases.learning.recalibrate import NotEnough, recalibrate

    settings = _settings()
    try:
        done = recalibrate(engine(), settings, now=now(), actor=actor(), dry_run=dry_run)
    except NotEnough as exc:
        raise fail(f"nothing to propose yet: {exc}", 2) from exc
    except RevisionTextError as exc:
        raise fail(str(exc), 2) from exc
    show_evidence(done.evidence)
    if done.proposal_id is None:
        console.print("Dry run: nothing was stored or posted. The proposed model file:")
        print(done.toml, end="")
        return
    channel = settings.learning.channel or settings.digest_channel
    console.print(
        f"Proposal #{done.proposal_id} is pending, posted to {channel}: {done.headline}. "
        f"Approve it with `sdrbot model approve {done.proposal_id}`."
    )
    for old in done.superseded:
        console.print(f"Proposal #{old} is superseded by it.")


def proposals_cmd(
    show: int | None = typer.Option(None, "--show", help="Show one proposal's evidence."),
) -> None:
    """The recalibration proposals, newest first: status, who decided and when."""
    rows = listing(engine())
    if show is not None:
        found = next((r for r in rows if r.id == show), None)
        if found is None:
            raise fail(f"there is no proposal #{show} among the newest 20", 2)
        show_evidence(found.evidence)
        return
    table = Table(title="Model proposals")
    for column in ("id", "status", "made", "based on", "decided", "by", "headline"):
        table.add_column(column)
    for r in rows:
        status = r.status
        if r.status == "approved" and r.approved_version:
            status = f"approved → v{r.approved_version}" + (" (rolled back)" if r.undone_at else "")
        table.add_row(
            str(r.id),
            status,
            f"{r.created_at:%Y-%m-%d %H:%M}",
            f"v{r.base_version}",
            f"{r.decided_at:%Y-%m-%d %H:%M}" if r.decided_at else "",
            r.decided_by or "",
            r.headline + (f" — rejected: {r.reason}" if r.reason else ""),
        )
    console.print(table)


def approve_cmd(proposal_id: int = typer.Argument(..., help="The proposal's id.")) -> None:
    """Approve a pending proposal: a new model version, every lead rescored."""
    try:
        done = approve(engine(), _settings(), proposal_id, by=actor(), now=now())
    except ProposalRefused as exc:
        raise fail(f"nothing changed: {exc}", 2) from exc
    how = "announced in one summary" if done.summary else "alerted"
    console.print(
        f"Proposal #{proposal_id} approved: model v{done.version} is active; "
        f"{done.rescored} lead(s) rescored, {done.new_mqls} new MQL(s) {how}. "
        f"`sdrbot model rollback VERSION` undoes it."
    )


def reject_cmd(
    proposal_id: int = typer.Argument(..., help="The proposal's id."),
    reason: str = typer.Option(..., "--reason", help="Why: kept with the proposal."),
) -> None:
    """Reject a pending proposal, with the reason."""
    try:
        reject(engine(), _settings(), proposal_id, by=actor(), reason=reason, now=now())
    except ProposalRefused as exc:
        raise fail(f"nothing changed: {exc}", 2) from exc
    console.print(f"Proposal #{proposal_id} rejected.")
