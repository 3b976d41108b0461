"""The feedback-loop benchmark's yardsticks beside the best ranking by the truth: what a plain
one-hot logistic regression reaches at the loop's MQL volume when it learns from every earlier
lead's true outcome (the ceiling: how much of the gap is the truth's hidden noise), and when it
learns from the very decisions the loop learned from (the learner: how much of the gap is what
the decisions can tell at all, rather than the points model)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np


def promote_chance(p: np.ndarray, args: Any) -> np.ndarray:
    """P(an SDR promotes) for a lead whose true chance of converting is `p`."""
    return args.noise + (1 - 2 * args.noise) * p


def _ranked_rate(
    fit: Any,
    vec: Any,
    rows: list[dict[str, float]],
    emails: list[str],
    truth: dict[str, Any],
    volume: int,
    args: Any,
) -> float:
    chance = fit.predict_proba(vec.transform(rows))[:, 1]
    chosen = [truth[emails[i]][0] for i in np.argsort(-chance)[:volume]]
    return float(promote_chance(np.array(chosen), args).mean())


class Ceiling:
    """What a model that sees all a points model could see, fitted to the true outcomes of
    the earlier weeks' leads (all of them, not only the MQLs; the latest TRAIN, so that the
    fits stay quick), reaches at the same volume: a one-hot logistic regression on the lead
    fields and capped event counts. It shows how much of the distance to the best is the
    truth's hidden noise rather than the loop."""

    TRAIN = 6000

    def __init__(self) -> None:
        self.rows: list[dict[str, float]] = []
        self.y: list[bool] = []

    def rate(self, week: Path, truth: dict[str, Any], volume: int, args: Any) -> float | None:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        emails, rows = _features(week)
        found = None
        if self.rows and volume and len(set(self.y)) == 2:
            vec = DictVectorizer()
            fit = LogisticRegression(C=0.5, max_iter=2000)
            fit.fit(vec.fit_transform(self.rows), self.y)
            found = _ranked_rate(fit, vec, rows, emails, truth, volume, args)
        self.rows = (self.rows + rows)[-self.TRAIN :]
        self.y = (self.y + [truth[e][1] for e in emails])[-self.TRAIN :]
        return found


def _features(week: Path) -> tuple[list[str], list[dict[str, float]]]:
    with (week / "leads.csv").open(newline="", encoding="utf-8") as fh:
        leads = list(csv.DictReader(fh))
    feats: dict[str, dict[str, float]] = {}
    for lead in leads:
        size = int(lead["company_size"] or 0)
        band = next((b for b in (1, 5, 20, 50, 200, 1000, 5000) if size < b), 10**9)
        feats[lead["email"]] = {
            f"{k}={lead[k]}": 1.0 for k in ("title", "industry", "country", "source")
        } | {f"size<{band}": 1.0}
    with (week / "events.csv").open(newline="", encoding="utf-8") as fh:
        for event in csv.DictReader(fh):
            path = event["url"].partition(".com")[2].split("/")[1:2]
            key = f"{event['type']}:{path[0] if path else ''}:{event['asset_type']}"
            row = feats[event["email"]]
            row[key] = min(3.0, row.get(key, 0.0) + 1.0)
    return list(feats), list(feats.values())


class SameDecisions:
    """A one-hot logistic regression fitted to the decisions the loop had when it chose the
    week's MQLs (the latest call per lead; a recycle weighs `RECYCLE`, as in the defaults)."""

    RECYCLE = 0.5

    def __init__(self) -> None:
        self.features: dict[str, dict[str, float]] = {}
        self.calls: dict[str, str] = {}

    def rate(
        self, week: Path, truth: dict[str, Any], volume: int, args: Any, calls: dict[str, str]
    ) -> float | None:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        emails, rows = _features(week)
        self.features.update(zip(emails, rows, strict=True))
        found = None
        y = [self.calls[e] == "promote" for e in self.calls]
        if volume and len(set(y)) == 2:
            vec = DictVectorizer()
            fit = LogisticRegression(C=0.5, max_iter=2000)
            w = [self.RECYCLE if self.calls[e] == "recycle" else 1.0 for e in self.calls]
            fit.fit(vec.fit_transform([self.features[e] for e in self.calls]), y, sample_weight=w)
            found = _ranked_rate(fit, vec, rows, emails, truth, volume, args)
        self.calls.update(calls)
        return found
