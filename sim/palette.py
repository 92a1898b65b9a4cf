"""The colours and captions every figure of a run shares (the outcome dots, the state
shares, the fan chart), in one place so that a rung looks the same in each."""

from sim.ladder import STATE_LABELS

TREATY_COLOUR = "#2e8b57"  # sea green
WAR_COLOUR = "#111111"
# One sequential colour per rung: pale for negotiation, dark red for full-scale invasion
# (matplotlib's YlOrRd, sampled so that neighbouring rungs stay distinguishable).
RUNG_COLOURS = ("#fff1b3", "#fed16b", "#fd9b43", "#f24a25", "#c20a23", "#6d0026")
STATE_COLOURS: tuple[str, ...] = RUNG_COLOURS + (TREATY_COLOUR, WAR_COLOUR)
if len(STATE_COLOURS) != len(STATE_LABELS):
    raise RuntimeError("one colour per state: sim.ladder.STATE_LABELS changed")


def run_subtitle(result) -> str:
    """``4,000 worlds, seed 5, horizon 52 weeks``: what a figure of one run was run on."""
    return f"{result.worlds:,} worlds, seed {result.seed}, horizon {result.horizon_weeks} weeks"
