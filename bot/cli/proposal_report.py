"""How `sdrbot recalibrate` and `sdrbot model proposals` show a proposal's evidence."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from bot.cli.common import console


def _rate(n: int, rate: float) -> str:
    return f"{n} ({rate:.0%})" if n else "0"


def _quality(q: dict[str, Any] | None) -> str:
    if not q:
        return "–"
    auc = f", AUC {q['auc']:.2f}" if q.get("auc") is not None else ""
    if q["precision"] is None:
        return f"no held-out lead at or above the line, recall 0%{auc}"
    return f"precision {q['precision']:.0%}, recall {q['recall']:.0%}{auc}"


def show_evidence(ev: dict[str, Any]) -> None:
    console.print(
        f"Learned from {ev['decisions']} decided lead(s): {ev['positives']} promoted, "
        f"{ev['negatives']} recycled, disqualified or sent back ({ev['from_crm']} labelled "
        f"by a CRM outcome, {ev.get('from_ae', 0)} by an AE's answer to the handover; a recycle "
        f"counts {ev['recycle_weight']:g} of a no, a send-back "
        f"{ev.get('sent_back_weight', 1.0):g}; {ev.get('from_exploration', 0)} answer(s) to "
        "exploration alerts, each weighed 1 / its sampling share)."
    )
    table = Table(title="Rules: points and the decisions behind them")
    for column in ("rule", "old", "new", "decided with it (promoted)", "without it (promoted)"):
        table.add_column(column, justify="right" if column in ("old", "new") else "left")
    for r in ev["rules"]:
        table.add_row(
            r["label"],
            f"{r['old']:+d}",
            f"{r['new']:+d}",
            _rate(r["with_n"], r["with_rate"]),
            _rate(r["without_n"], r["without_rate"]),
        )
    for r in ev["new_rules"]:
        table.add_row(
            f"new: {r['label']}",
            "",
            f"{r['points']:+d}",
            _rate(r["with_n"], r["with_rate"]),
            _rate(r["without_n"], r["without_rate"]),
        )
    console.print(table)
    th = ev["threshold"]
    console.print(
        f"MQL line: {th['old']} → {th['new']} (the fit puts it at {th['aim']} for a promote "
        f"rate of {th['target']:.0%}; a run goes part of the way, and lets at most a quarter "
        f"more or a tenth fewer leads qualify). Expected promote rate above the new line: "
        f"{th['expected_rate']:.0%}."
    )
    fit, eng = th.get("min_fit", [0, 0]), th.get("min_engagement", [0, 0])
    if fit[0] != fit[1] or eng[0] != eng[1]:
        console.print(
            f"Minimum points per dimension (carried over to the new points, and lowered where "
            f"they kept out leads as good as those at the line): "
            f"fit {fit[0]:g} → {fit[1]:g}, engagement {eng[0]:g} → {eng[1]:g}."
        )
    bt = ev["backtest"]
    if bt["skipped"]:
        console.print(f"Backtest: none — {bt['skipped']}.")
    else:
        console.print(
            f"Backtest (learned from the older {bt['train']} decisions, judged on the latest "
            f"{bt['test']}): before {_quality(bt['before'])}; after {_quality(bt['after'])}."
        )
    ch = ev["change"]
    console.print(
        f"Of {ch['looked_at']} current lead(s), {ch['become_mql']} would become MQLs; "
        f"{ch['qualify']} would be at or above the new line."
    )
