"""Turkey: Baku's patron, driving or restraining it.

Seed 001 experts disagree: Mikaelian calls Erdogan "Aliyev's main patron" and the driver
of Baku's uncompromising line; Yunusov says Turkey "now seeks to mitigate tensions"
because a war would provoke the West. ``turkey.stance`` spans that disagreement.
"""

import numpy as np

from sim.params import ParamSpec

S001 = "001_9c941c53d8712548.txt"

PARAMS = (
    ParamSpec(
        "turkey", "stance",
        "Turkey's line toward Baku's escalation: +1 drives it, -1 restrains it",
        "signed share", -1.0, 1.0, 0.0,
        f"{S001}: Mikaelian \"Erdoğan plays the leading role here, certainly\" vs Yunusov "
        "\"Turkey is now less actively supporting Azerbaijan\"",
    ),
    ParamSpec(
        "turkey", "influence",
        "how much Turkey's line moves Baku's choice at the top of the ladder",
        "utility units", 0.0, 6.0, 2.0,
        f"{S001}: Mikaelian \"Roughly 90% of Azerbaijan's army officers graduated from courses "
        "in Turkey\"",
    ),
    ParamSpec(
        "turkey", "western_sensitivity",
        "how far Turkey swings toward restraint once the West has imposed sanctions",
        "signed share", 0.0, 2.0, 0.5,
        f"{S001}: Yunusov \"Turkey recognizes that a conflict between Azerbaijan and Armenia "
        "would provoke strong Western reactions, which is not in Turkey's interest\"",
    ),
)

# Where Turkey's line bears (assumption): little on rhetoric, most on open war, where its
# drones, training and diplomatic cover matter and where the Western reaction is largest.
INFLUENCE_PROFILE = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])


def current_stance(p: dict[str, np.ndarray], sanctioned: np.ndarray) -> np.ndarray:
    """Turkey's stance this week: its line, pulled toward restraint once sanctions are
    imposed (seed 001, Yunusov, above). Clipped to [-1, 1]."""
    return np.clip(p["turkey.stance"] - p["turkey.western_sensitivity"] * sanctioned, -1.0, 1.0)
