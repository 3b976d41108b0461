"""Learning a points model from labelled examples (SPEC §5): candidate rules, fitted points,
readable integers on the default model's scale, and the threshold for a target MQL→SQL rate.

Pure: examples in, a model text and its report data out; no files, no clock.
"""

from scoring.calibrate.examples import Example, Options
from scoring.calibrate.learn import CalibrationError
from scoring.calibrate.pipeline import (
    Calibration,
    calibrate,
    cross_validate,
    learn_model,
    prepare,
)

__all__ = [
    "Calibration",
    "CalibrationError",
    "Example",
    "Options",
    "calibrate",
    "cross_validate",
    "learn_model",
    "prepare",
]
