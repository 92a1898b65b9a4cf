"""One world told in words, week by week: what each actor did.

Reads what the agents record in ``last`` after each step; decides nothing itself.
Used by ``escsim watch`` to follow a single replication.
"""

from sim.agents import Armenia, Azerbaijan, Csto, Russia, Turkey, UsEu
from sim.ladder import CstoResponse, Rung

CSTO_WORDS = {
    CstoResponse.STATEMENT: "the CSTO issues a statement",
    CstoResponse.MONITORING_MISSION: "the CSTO sends a monitoring mission",
    CstoResponse.MILITARY: "the CSTO and Russia respond militarily: a regional war",
}


def _agent(model, cls):
    return next(a for a in model.actors if isinstance(a, cls))


def week_events(model, i: int = 0) -> list[str]:
    """What happened in world ``i`` in the week just stepped, as short phrases."""
    w = model.world
    events = []
    az = _agent(model, Azerbaijan).last
    if az["signed"][i]:
        events.append("Azerbaijan signs the peace treaty")
    elif az["move"][i] > 0:
        events.append(f"Azerbaijan escalates to {Rung(int(w.rung[i])).label}")
    elif az["move"][i] < 0:
        events.append(f"Azerbaijan steps down to {Rung(int(w.rung[i])).label}")
    elif w.rung[i] >= Rung.BORDER_CLASH and w.active[i]:
        events.append(f"Azerbaijan keeps up the {Rung(int(w.rung[i])).label}")
    arm = _agent(model, Armenia).last
    if arm["minsk"][i]:
        events.append("Armenia agrees to dissolve the OSCE Minsk Group")
    if arm["constitution"][i]:
        events.append("Armenia reforms its constitution")
    raised = int(_agent(model, Csto).last["raised_to"][i])
    if raised:
        events.append(CSTO_WORDS[CstoResponse(raised)])
    ru = _agent(model, Russia).last
    if ru["corridor"][i]:
        events.append("Russian troops take control of the corridor")
    if ru["unrest"][i]:
        events.append("pro-Russian unrest breaks out in Armenia")
    if _agent(model, UsEu).last["sanctioned"][i]:
        events.append("the US/EU impose sanctions")
    if w.war[i] and raised != CstoResponse.MILITARY and not any("war" in e for e in events):
        events.append("the war spreads to a third state: a regional war")
    return events


def describe_turkey(model, i: int = 0) -> str:
    """Turkey's line this week in words (seed 001: driver or restrainer)."""
    stance = float(_agent(model, Turkey).last["stance"][i])
    if stance > 0.2:
        return "Turkey backs Baku"
    if stance < -0.2:
        return "Turkey restrains Baku"
    return "Turkey stays neutral"


def narrate(model, i: int = 0, quiet_weeks: bool = False):
    """Step ``model`` to its horizon, yielding one line per week with events (every
    week if ``quiet_weeks``), e.g. "Week 12: Azerbaijan escalates to border clash; the
    US/EU impose sanctions"."""
    was_active = True
    while model.running and model.steps < model.horizon_weeks and was_active:
        model.step()
        events = week_events(model, i)
        if events or quiet_weeks:
            text = "; ".join(events) if events else f"quiet ({describe_turkey(model, i)})"
            yield f"Week {model.world.week}: {text}"
        was_active = bool(model.world.active[i])
