"""What a finished sweep writes: the tidy table, figures, sensitivity, discovery."""

from pathlib import Path

import pandas as pd

from sim.files import atomic_write


def write_outputs(study, table: pd.DataFrame, out: Path) -> list[Path]:
    """Write results.csv/.parquet, figures, and sensitivity/discovery tables to ``out``."""
    import io

    from sim.experiments import figures
    from sim.experiments.sensitivity import sensitivity_table

    out = Path(out)
    paths = [atomic_write(out / "results.csv", table.to_csv(index=False))]
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    paths.append(atomic_write(out / "results.parquet", buf.getvalue()))
    paths += figures.response_figures(study, table, out)
    sens = sensitivity_table(study, table)
    if sens is not None:
        paths.append(atomic_write(out / "sensitivity.csv", sens.to_csv(index=False)))
        paths.append(figures.sensitivity_figure(study, sens, out / "sensitivity.png"))
    if study.discovery:
        from sim.experiments.discovery import prim_boxes

        boxes = prim_boxes(study, table)
        paths.append(atomic_write(out / "discovery.csv", boxes.to_csv(index=False)))
    return paths
