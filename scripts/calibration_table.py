"""Write the table of the shipped calibration in docs/calibration.md from
docs/calibration_diagnostics.json (written by ``make calibrate``), so no number of it is
typed by hand.

    python scripts/calibration_table.py            # rewrite docs/snippets/calibration-table.md
    python scripts/calibration_table.py --check    # compare instead (exit 1 on a difference)

``tests/test_docs.py`` runs it again and compares.
"""

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIAGNOSTICS = REPO / "docs" / "calibration_diagnostics.json"
OUTPUT = REPO / "docs" / "snippets" / "calibration-table.md"


def _g(x: float) -> str:
    return f"{x:.3g}"


def table(diagnostics: dict) -> str:
    """Markdown: one row per calibrated parameter (and the derived ratio): prior, prior
    mean (sd), posterior median [90%] (sd), sd ratio, verdict; then the run's settings."""
    rows = [
        "| parameter | prior | prior mean (sd) | posterior median [90%] (sd) | sd ratio "
        "| verdict |",
        "|---|---|---|---|---|---|",
    ]
    for key, p in diagnostics["parameters"].items():
        prior, post = p["prior_summary"], p["posterior"]
        lo, hi = post["90"]
        verdict = p.get("verdict") or ("identified" if p.get("identified") else "not identified")
        rows.append(
            f"| {key} | {p.get('prior', '(derived)')} | {_g(prior['mean'])} ({_g(prior['sd'])}) "
            f"| {_g(post['median'])} [{_g(lo)}, {_g(hi)}] ({_g(post['sd'])}) "
            f"| {p['sd_ratio']:.2f} | {verdict} |"
        )
    settings = diagnostics["settings"]
    rows += [
        "",
        f"Record {settings['record']} up to {settings['until']}, seed {settings['seed']}, "
        f"method {settings['method']}; rule: {diagnostics['identification_rule']}",
    ]
    return "\n".join(rows) + "\n"


def main(argv: list[str]) -> int:
    text = table(json.loads(DIAGNOSTICS.read_text(encoding="utf-8")))
    if "--check" in argv:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run python scripts/calibration_table.py")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
