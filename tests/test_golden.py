"""Tier 1: seeded known answers. A fixed seed must reproduce these counts exactly.

If the model is changed on purpose, regenerate with
``python -m tests.test_golden`` and explain the change in the commit message.
"""

import json
from pathlib import Path

from sim.montecarlo import run_scenario
from sim.scenario import load_scenario
from tests.conftest import REPO

GOLDEN = Path(__file__).with_name("golden") / "baseline_seed1_n3000.json"


def current() -> dict:
    s = load_scenario(REPO / "scenarios" / "baseline.yaml")
    r = run_scenario(s, n_worlds=3_000, seed=1, chunk_size=1_000)
    return {
        "counts": {name: est.k for name, est in r.outcomes().items()},
        "median_first_clash_week": r.median_first_clash_week(),
        "final_state_counts": r.tally.state_counts[-1].tolist(),
        "occupied_km2_sum": round(r.tally.occupied_km2_sum, 6),
    }


def test_baseline_reproduces_its_known_answer():
    assert current() == json.loads(GOLDEN.read_text())


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(current(), indent=2) + "\n")
    print(f"wrote {GOLDEN}")
