"""What the week's funnel says about the MQL definition (seed 000, Fehler 1 and 2).

Too lax: SDRs turn most MQLs away, so fewer than one in five becomes an SQL. Too strict: far
fewer leads become MQLs than the benchmark expects (under half its lower bound) — the SDRs
are starved while good leads wait in nurturing. Weeks with too few MQLs to tell say so.
"""

from __future__ import annotations

LAX_BELOW = 0.20  # MQL→SQL under this: the MQL definition lets too much through
STRICT_FACTOR = 0.5  # Lead→MQL under half the band's lower bound: too little
MIN_DECIDED = 10  # MQLs that left the stage: fewer cannot carry a verdict on MQL→SQL
MIN_NEW_LEADS = 50  # new leads: fewer cannot carry a verdict on Lead→MQL

BANDS: dict[str, tuple[float, float]] = {  # seed 000's benchmarks
    "lead_mql": (0.10, 0.15),
    "mql_sql": (0.25, 0.40),
    "sql_opp": (0.50, 0.70),
    "opp_won": (0.25, 0.35),
}

VERDICTS = ("too_lax", "too_strict", "healthy", "off_band", "too_few")


def verdict(*, new_leads: int, first_mqls: int, mql_exits: int, promoted: int) -> str:
    """too_lax | too_strict | healthy (both rates within or above their bands) | off_band
    (neither lax nor strict, but outside a band) | too_few (either rate has too little to
    go on, and the other shows nothing wrong)."""
    lax = mql_exits >= MIN_DECIDED and promoted / mql_exits < LAX_BELOW
    judged_mqls = new_leads >= MIN_NEW_LEADS
    strict = judged_mqls and first_mqls / new_leads < BANDS["lead_mql"][0] * STRICT_FACTOR
    if lax:
        return "too_lax"
    if strict:
        return "too_strict"
    if mql_exits < MIN_DECIDED or not judged_mqls:  # "right" needs both rates to say so
        return "too_few"
    in_band = (
        first_mqls / new_leads >= BANDS["lead_mql"][0]
        and promoted / mql_exits >= BANDS["mql_sql"][0]
    )
    return "healthy" if in_band else "off_band"
