"""Calibration by simulation-based inference: ABC-SMC (pyabc) on the monthly record.

``escsim calibrate`` (:mod:`sim.calibration.cli`). What is compared and why:
:mod:`sim.calibration.summary`; the batched simulator: :mod:`sim.calibration.simulator`;
priors and the default parameters: :mod:`sim.calibration.priors`; the reproducible
sampler: :mod:`sim.calibration.sampler`; the run and its diagnostics:
:mod:`sim.calibration.inference`; files written: :mod:`sim.calibration.outputs`.
"""
