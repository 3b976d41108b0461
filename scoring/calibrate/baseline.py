"""The yardstick: a plain scikit-learn logistic regression on one-hot features (numbers as
numbers, standardised, with a flag for a missing one), cross-validated on the same folds."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OneHotEncoder

from scoring.calibrate.candidates import is_numeric
from scoring.calibrate.examples import Example
from scoring.calibrate.pipeline import columns_of
from scoring.conditions import _text, as_number, is_empty


def encode(examples: Sequence[Example]) -> sparse.csr_matrix:
    """Every attribute, whatever it holds: text one-hot, numbers standardised."""
    parts = []
    text_columns = []
    for values in columns_of(examples).values():
        if is_numeric(values):
            numbers = np.array([as_number(v) for v in values], dtype=float)
            missing = np.isnan(numbers)
            filled = np.where(missing, np.nanmedian(numbers), numbers)
            std = filled.std() or 1.0
            parts.append(sparse.csr_matrix(((filled - filled.mean()) / std)[:, None]))
            if missing.any():
                parts.append(sparse.csr_matrix(missing[:, None].astype(float)))
        else:
            text_columns.append(["" if is_empty(v) else _text(v) for v in values])
    if text_columns:
        table = np.array(text_columns, dtype=object).T
        parts.append(OneHotEncoder(handle_unknown="ignore").fit_transform(table))
    return sparse.hstack(parts).tocsr()


def cross_validate(
    x: sparse.csr_matrix, y: np.ndarray, folds: Sequence[tuple[np.ndarray, np.ndarray]]
) -> list[float]:
    aucs = []
    for train, test in folds:
        model = LogisticRegression(max_iter=1000).fit(x[train], y[train])
        aucs.append(float(roc_auc_score(y[test], model.predict_proba(x[test])[:, 1])))
    return aucs
