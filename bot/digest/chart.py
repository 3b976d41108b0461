"""The digest's chart (matplotlib, Agg: no display needed): this week's four rates against
their benchmark bands, and the five weeks' new MQLs with their MQL→SQL rate. PNG bytes out."""

from __future__ import annotations

import io

from bot.digest.numbers import DigestNumbers
from bot.digest.texts import labels, rate_of

COLOURS = {"below": "#d9534f", "within": "#5cb85c", "above": "#2b7bb9", "none": "#999999"}


def digest_chart(numbers: DigestNumbers, locale: str) -> bytes:
    words = labels("chart_labels", locale, week=numbers.week)
    names = labels("rates", locale)
    # matplotlib loads slowly, and only a digest needs it: not imported with the CLI
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # a Figure of its own on the Agg canvas, not pyplot: no global state, safe in any thread
    figure = Figure(figsize=(11, 4.2), dpi=100)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
    rates = list(reversed(numbers.funnel.rates))  # the funnel reads top-down
    for y, r in enumerate(rates):
        left.barh(
            y,
            r.high - r.low,
            left=r.low,
            height=0.8,
            color="#e8e8e8",
            label=words["band"] if y == 0 else None,
        )
        value = r.value or 0.0
        left.barh(
            y,
            value,
            height=0.4,
            color=COLOURS[r.position],
            label=words["this_week"] if y == 0 else None,
        )
        left.text(value + 0.01, y, f"{value * 100:.0f} %", va="center", fontsize=9)
    left.set_yticks(range(len(rates)), [names[r.name] for r in rates])
    left.set_xlim(0, max(0.8, *((r.value or 0) + 0.1 for r in rates)))
    left.xaxis.set_major_formatter(lambda x, _: f"{x * 100:.0f} %")
    left.set_xlabel(words["rates"])
    left.set_title(words["title"], fontsize=10)
    left.legend(loc="lower right", fontsize=8)

    weeks = [w.week.split("-")[1] for w in numbers.trend]
    right.bar(weeks, [w.mqls for w in numbers.trend], color="#8fb3d9", label=words["mqls"])
    right.set_ylabel(words["mqls"])
    right.set_title(words["trend"], fontsize=10)
    share = right.twinx()
    values = [rate_of(w, "mql_sql") for w in numbers.trend]
    share.plot(
        weeks,
        [v * 100 if v is not None else float("nan") for v in values],
        color="#d9534f",
        marker="o",
        label=words["mql_sql"],
    )
    share.axhspan(25, 40, color="#d9534f", alpha=0.08)
    share.axhline(20, color="#d9534f", linestyle=":", linewidth=1)
    share.set_ylim(0, 100)
    share.set_ylabel(f"{words['mql_sql']} (%)")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def alt_text(locale: str, week: str) -> str:
    return labels("chart_labels", locale, week=week)["alt"]
