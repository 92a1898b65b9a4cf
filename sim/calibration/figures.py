"""Figures of a calibration: prior against posterior, and the posterior predictive check."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.calibration.summary import MonthlyRecord  # noqa: E402
from sim.outcomes import BY_NAME  # noqa: E402

CLASH = int(BY_NAME["border_clash"].rung or 0)  # the rung of the running count


def prior_posterior(priors, post, prior_draws: dict[str, np.ndarray], path: Path) -> Path:
    """One panel per calibrated parameter: the prior's density (a histogram of draws)
    and the posterior's (a histogram of the particles, weighted)."""
    n = len(priors)
    cols = min(n, 4)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.7 * rows), squeeze=False)
    for ax, prior in zip(axes.flat, priors, strict=False):
        lo, hi = prior.dist.support()
        bins = np.linspace(lo, hi, 31)
        ax.hist(prior_draws[prior.key], bins=bins, density=True, color="0.75", label="prior")
        ax.hist(
            post[prior.key],
            bins=bins,
            weights=post["weight"],
            density=True,
            histtype="step",
            linewidth=2,
            color="C0",
            label="posterior",
        )
        ax.set_title(prior.key, fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle("Calibrated parameters: prior (grey) and posterior (line)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def predictive_check(
    months: list[str],
    observed: MonthlyRecord,
    posterior: MonthlyRecord,
    prior: MonthlyRecord | None,
    path: Path,
) -> Path:
    """The observed monthly series against what the calibrated model simulates over the
    same months: each month's highest rung (the record, and the 5-95% band and mean of
    the simulated records under the posterior), and the running count of months at a
    border clash or more (the record, and the 5-95% bands under the posterior and, for
    comparison, under the prior)."""
    x = np.arange(len(months))
    obs = observed.rung[0]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True)
    lo, hi = np.percentile(posterior.rung, [5, 95], axis=0)
    top.fill_between(
        x, lo, hi, step="mid", color="C0", alpha=0.3, label="posterior: 5-95% of simulated records"
    )
    top.plot(x, posterior.rung.mean(axis=0), color="C0", label="posterior: mean")
    top.step(x, obs, where="mid", color="k", label="record")
    top.set_ylabel("highest rung of the month")
    top.set_ylim(-0.1, 5.1)
    top.legend(fontsize=8, loc="upper right")
    running = np.cumsum(posterior.rung >= CLASH, axis=1)
    lo, mid, hi = np.percentile(running, [5, 50, 95], axis=0)
    bottom.fill_between(x, lo, hi, color="C0", alpha=0.3, label="posterior: 5-95%")
    bottom.plot(x, mid, color="C0", linewidth=1, label="posterior: median")
    if prior is not None:
        lo, hi = np.percentile(np.cumsum(prior.rung >= CLASH, axis=1), [5, 95], axis=0)
        bottom.plot(x, lo, color="0.4", linestyle="--", linewidth=1, label="prior: 5-95%")
        bottom.plot(x, hi, color="0.4", linestyle="--", linewidth=1)
    bottom.step(x, np.cumsum(obs >= CLASH), where="mid", color="k", label="record")
    bottom.set_ylabel(f"months at rung >= {CLASH} so far")
    bottom.legend(fontsize=8, loc="upper left")
    step = max(1, len(months) // 14)
    bottom.set_xticks(x[::step], [months[i] for i in x[::step]], rotation=45, fontsize=8)
    fig.suptitle("Posterior predictive check: the record against the calibrated model", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
