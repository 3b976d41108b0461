"""Learning a points model from labelled examples (SPEC §5): candidate rules, fitted points,
readable integers on the default model's scale, and the threshold for a target MQL→SQL rate.

Pure: examples in, a model text and its report data out; no files, no clock.

The modules are imported one by one (`scoring.calibrate.pipeline`, …), so reading a setting
that names a calibration type does not load scikit-learn into every process.
"""
