"""Armenia: defends (readiness at the border, porcupine denial in depth), chooses its
concessions and whether to sign, and chooses whom to call on when attacked.

Seed 001, Kopalyan: at the border Armenia "remains at a severe disadvantage", but its
"porcupine strategy" of deterrence-by-denial aims "to make an attack so costly that
Azerbaijan will refrain from attacking". Seed 000, Tasits: the remaining conditions are
"the dissolution of the OSCE Minsk Group and the implementation of constitutional
reform". Every choice here is a two-option logit (:mod:`sim.actors.choice`): a
concession's relief from pressure against its domestic cost; signing's peace against
Moscow's pressure; invoking the CSTO against calling on the West, by Yerevan's trust in
the alliance, a Beta belief that falls each time the CSTO leaves an attack unanswered.
Two dated conditions bound those choices (the conditions timeline sets them): a member
that froze its CSTO participation (February 2024) does not invoke the treaty short of
an invasion, and a treaty can be signed only once its text is agreed (March 2025).
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.actors.base import Actor, keep
from sim.actors.choice import binary_choice, binary_probability, reference_utility
from sim.ladder import ATTACK_RUNG, DEPTH_RUNG, OPERATION_RUNG, CstoResponse, Rung
from sim.params import ActorParams, noise_param, param

S000 = "000_b6c8157d2dc91f0e.txt"
S001 = "001_9c941c53d8712548.txt"


@dataclass(frozen=True)
class Params(ActorParams):
    """Armenia's parameters: arrays over worlds, named as in scenario files (armenia.NAME)."""

    actor: ClassVar[str] = "armenia"

    border_readiness: np.ndarray = param(
        "readiness against localized 'hybrid' incursions at the border",
        "share",
        0.0,
        1.0,
        0.2,
        f'{S001}: Mikaelian "the border military infrastructure is ill-prepared, with feeble '
        'fortifications"; Kopalyan "border areas are generally manned by conscripts"',
    )
    denial_capacity: np.ndarray = param(
        "porcupine deterrence-by-denial against a corridor offensive or invasion, at the start",
        "share",
        0.0,
        1.0,
        0.45,
        f'{S001}: Kopalyan "Armenia is not trying to win a war, but rather to make an attack '
        'so costly that Azerbaijan will refrain from attacking"',
        resets="denial",
    )
    reform_rate: np.ndarray = param(
        "weekly growth of denial capacity as the porcupine reforms proceed",
        "share per week",
        0.0,
        0.02,
        0.002,
        f'{S001}: Kopalyan "Armenia has been slowly adopting and developing a small-state '
        'resiliency model"',
    )
    minsk_concession_rate: np.ndarray = param(
        "weekly chance of agreeing to dissolve the OSCE Minsk Group with no pressure: sets the "
        "domestic cost of the concession",
        "probability per week",
        0.0,
        0.5,
        0.02,
        f'{S000}: remaining conditions "the dissolution of the OSCE Minsk Group"; assumption '
        "for the rate: Yerevan signalled readiness, so months rather than years",
    )
    constitution_reform_rate: np.ndarray = param(
        "weekly chance of a constitutional reform removing the provisions Baku objects to, "
        "with no pressure: sets its domestic cost",
        "probability per week",
        0.0,
        0.5,
        0.004,
        f'{S000}: "the implementation of constitutional reform in Armenia"; assumption for '
        "the rate: a referendum takes years, about 20% within 12 months",
    )
    coercion_sensitivity: np.ndarray = param(
        "how much military pressure adds to Yerevan's gain from conceding (the odds of a "
        "concession are multiplied by 1 + sensitivity x pressure)",
        "multiplier",
        0.0,
        10.0,
        1.0,
        f"{S000}: Tasits \"using this tactic as a means of pressure to expedite Armenia's "
        'agreement to remaining conditions"',
    )
    peace_value: np.ndarray = param(
        "Yerevan's net gain from signing the treaty Baku offers, before Moscow's pressure",
        "utility units",
        -5.0,
        10.0,
        2.0,
        f'{S000}: Tasits "the key point is the restoration of trust"; assumption for the '
        "size: Yerevan signs an offered treaty in about nine weeks of ten",
    )
    csto_appeal: np.ndarray = param(
        "Armenia's trust in the CSTO at the start (the mean of its Beta prior): its weekly "
        "chance of invoking the treaty while a participating member under an incursion or "
        "corridor offensive",
        "probability",
        0.0,
        1.0,
        0.3,
        f'{S001}: Pashinyan on the need to "diversify security alliances"; '
        'Kopalyan "it no longer live under this false sense of security"',
        resets="trust",
    )
    csto_participation: np.ndarray = param(
        "Armenia's standing in the CSTO: 1 a participating member that may invoke the "
        "treaty, 0 participation frozen (no appeal short of an invasion); at unit noise it "
        "multiplies the odds of invoking the treaty",
        "share",
        0.0,
        1.0,
        0.0,
        "assumption: the state at the baseline's date, March 2025 (data/record/"
        'conditions_timeline.csv, 2024-02-22: "Armenia freezes its participation in the '
        'CSTO"; 2024-12-04: "effectively considers itself outside the CSTO"); the '
        "conditions timeline sets 1 before the freeze",
    )
    trust_strength: np.ndarray = param(
        "weight of that prior, in attacks observed: how many unanswered attacks it takes to "
        "halve the trust (about the same number)",
        "pseudo-observations",
        0.5,
        50.0,
        4.0,
        "assumption: the alliance's record toward Armenia is a handful of episodes (2021, "
        "2022, DOMAIN.md), so a few more move the belief",
        resets="trust",
    )
    treaty_text_agreed: np.ndarray = param(
        "whether a treaty text agreed by both foreign ministries is on the table (0 no agreed "
        "text, nothing to sign; 1 the text agreed); at unit noise it multiplies the odds "
        "that Yerevan signs an offered treaty",
        "share",
        0.0,
        1.0,
        1.0,
        "assumption: the state at the baseline's date, March 2025 (data/record/"
        'conditions_timeline.csv, 2025-03-13: "Peace-treaty text agreed by both foreign '
        'ministries"); the conditions timeline sets 0 before that date',
    )
    decision_noise: np.ndarray = noise_param("Yerevan's choices", "Yerevan's")


PARAMS = Params.specs()


# Pressure felt by Yerevan on each rung (assumption: rhetoric presses a little, fighting
# more; under a corridor offensive or invasion Armenia fights rather than concedes).
PRESSURE_PROFILE = np.array([0.0, 0.5, 1.0, 1.5, 0.0, 0.0])
# What Moscow's work against the treaty takes from Yerevan's gain from conceding or
# signing (assumption: the threat of unrest and of losing Russian goodwill; seed 001,
# Yunusov: Moscow will "incite pro-Russian protests").
SPOILER_PRESSURE = 2.0


def readiness_for(rung: np.ndarray | int, border: np.ndarray, denial: np.ndarray) -> np.ndarray:
    """Readiness that applies to an operation on ``rung``: border readiness for clashes
    and incursions (rungs 2-3), denial in depth for the corridor and invasion (4-5).
    Seed 001, Kopalyan: "if the question is scaled up to an all-out war, then the
    dynamics are different"."""
    return np.where(np.asarray(rung) >= DEPTH_RUNG, denial, border)


def operation_success(
    rung: np.ndarray | int, advantage: np.ndarray, border: np.ndarray, denial: np.ndarray
) -> np.ndarray:
    """Chance that an Azerbaijani operation on ``rung`` gets past Armenia's defences and
    takes its ground: Baku's ``advantage`` (``azerbaijan.military_advantage``) less
    Armenia's readiness for that kind of fight (seed 001, Kopalyan: Azerbaijan "still
    maintains an exponential advantage"; border vs all-out war, :func:`readiness_for`)."""
    return advantage * (1.0 - readiness_for(rung, border, denial))


def repel_chance(
    rung: np.ndarray | int, advantage: np.ndarray, border: np.ndarray, denial: np.ndarray
) -> np.ndarray:
    """Weekly chance that Armenia's defence throws an operation (rungs 3-5) back: its
    readiness for that fight times the part of the contest Baku's edge does not decide
    (assumption for the form; seed 001, Kopalyan: Baku was deterred from continuing "due
    to the high rate of losses")."""
    return np.where(
        np.asarray(rung) >= OPERATION_RUNG,
        (1.0 - advantage) * readiness_for(rung, border, denial),
        0.0,
    )


def grow_denial(denial: np.ndarray, arm: Params) -> np.ndarray:
    """Porcupine reforms raise denial capacity each week, capped at 1 (seed 001,
    Kopalyan: "qualitative improvements in training, NCO modeling")."""
    return np.minimum(1.0, denial + arm.reform_rate)


def concession_gains(
    rung: np.ndarray, spoiling: np.ndarray, arm: Params
) -> tuple[np.ndarray, np.ndarray]:
    """Yerevan's net utility of meeting each remaining condition this week (Minsk Group,
    constitution): relief from military pressure less the domestic cost, less Moscow's
    pressure when it works against the treaty.

    Seed 000, Tasits: the shooting allegations are "a means of pressure to expedite
    Armenia's agreement to remaining conditions". The domestic cost is the one the rate
    parameters state (:func:`sim.actors.choice.reference_utility`); at unit noise the
    relief multiplies the odds by 1 + ``coercion_sensitivity`` x pressure.
    """
    relief = np.log1p(arm.coercion_sensitivity * PRESSURE_PROFILE[rung])
    spoiled = SPOILER_PRESSURE * spoiling
    return (
        reference_utility(arm.minsk_concession_rate, arm.decision_noise) + relief - spoiled,
        reference_utility(arm.constitution_reform_rate, arm.decision_noise) + relief - spoiled,
    )


def concede(
    minsk: np.ndarray,
    constitution: np.ndarray,
    rung: np.ndarray,
    spoiling: np.ndarray,
    arm: Params,
    u_minsk: np.ndarray,
    u_constitution: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The conditions met after this week: each unmet one is conceded by logit choice on
    :func:`concession_gains` (seed 000, Tasits); once met, a condition stays met."""
    g_minsk, g_constitution = concession_gains(rung, spoiling, arm)
    return (
        minsk | binary_choice(g_minsk, arm.decision_noise, u_minsk),
        constitution | binary_choice(g_constitution, arm.decision_noise, u_constitution),
    )


def log_share(share: np.ndarray) -> np.ndarray:
    """A share in [0, 1] as a utility term: log(share), so at unit noise it multiplies
    the odds of the action by the share (assumption: the form, as for the coercion
    relief); 0 (the action impossible) becomes a utility low enough that no logit
    takes it (about -690), without log(0)'s warning."""
    return np.log(np.maximum(share, 1e-300))


def sign_gain(spoiling: np.ndarray, arm: Params) -> np.ndarray:
    """Yerevan's net utility of signing the treaty Baku offers: the value of peace (seed
    000, Tasits: "the restoration of trust") less Moscow's pressure when it works
    against the treaty (seed 001: Russia's interest "to reestablish dominance over
    Armenia"), on an agreed text: ``treaty_text_agreed`` enters as
    :func:`log_share` (the conditions timeline: the text was agreed on 13 March 2025,
    so no treaty is signed before it)."""
    return arm.peace_value - SPOILER_PRESSURE * spoiling + log_share(arm.treaty_text_agreed)


def accept_treaty(
    offer: np.ndarray, spoiling: np.ndarray, arm: Params, u: np.ndarray
) -> np.ndarray:
    """True where a treaty is signed this week: Baku offered and Yerevan accepts by
    logit choice on :func:`sign_gain` (a treaty is both sides' choice; seed 000)."""
    return offer & binary_choice(sign_gain(spoiling, arm), arm.decision_noise, u)


def appeal_gain(trust: np.ndarray, arm: Params) -> np.ndarray:
    """Yerevan's net utility of invoking the CSTO under an operation on its soil: the
    utility its trust stands for as a reference chance, plus its standing in the
    alliance as :func:`log_share` (``csto_participation``: a member that froze its
    participation, as Armenia did on 22 February 2024, does not invoke it). Seed 001,
    Kopalyan: Armenia "no longer live under this false sense of security"."""
    return reference_utility(trust, arm.decision_noise) + log_share(arm.csto_participation)


def appeal_probability(rung: np.ndarray | int, trust: np.ndarray, arm: Params) -> np.ndarray:
    """Chance that Armenia invokes the CSTO while an operation (rung 3 or more) takes
    its ground: the logit of :func:`appeal_gain` (its trust and its standing in the
    alliance), below an open invasion (seed 001, Kopalyan:
    Armenia "no longer live under this false sense of security"); an invasion of the
    whole country triggers the appeal regardless (assumption: no government would forgo
    it, frozen or not). Also what Baku and the West expect of Yerevan. ``rung`` is (n,)
    or a (6, 1) column."""
    rung = np.asarray(rung)
    p = binary_probability(appeal_gain(trust, arm), arm.decision_noise)
    # The treaty is invoked against an operation that takes ground, not an exchange of
    # fire: the record's appeals (2021-05, 2022-09) followed incursions, and none of its
    # nine clash months without one brought an appeal.
    return np.where(rung >= Rung.FULL_SCALE_INVASION, 1.0, np.where(rung >= OPERATION_RUNG, p, 0.0))


def call_for_help(
    rung: np.ndarray, trust: np.ndarray, arm: Params, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Whether Armenia invokes the CSTO this week, and whether it calls on the West
    instead (seed 001, Pashinyan: "diversify security alliances"); under an invasion it
    does both. Drawn from :func:`appeal_probability`, the chance the others expect."""
    appeal = u < appeal_probability(rung, trust, arm)
    attacked = rung >= ATTACK_RUNG
    invasion = rung >= Rung.FULL_SCALE_INVASION
    return attacked & appeal, attacked & (~appeal | invasion)


def trust_prior(arm: Params) -> tuple[np.ndarray, np.ndarray]:
    """The Beta prior counts (a, b) of Armenia's trust in the CSTO: mean ``csto_appeal``,
    weight ``trust_strength`` (assumption: a conjugate Beta-Bernoulli belief)."""
    return arm.csto_appeal * arm.trust_strength, (1.0 - arm.csto_appeal) * arm.trust_strength


def learn_trust(
    a: np.ndarray, b: np.ndarray, operation_ended: np.ndarray, csto_level: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Beta-Bernoulli update of Yerevan's trust at the end of each operation on its
    territory: helped (a CSTO military response) adds to ``a``, left alone to ``b``.
    Seed 001, Kopalyan: Armenia "no longer live under this false sense of security"; the
    CSTO's silence in 2021 and 2022 (DOMAIN.md)."""
    helped = csto_level >= CstoResponse.MILITARY
    return a + (operation_ended & helped), b + (operation_ended & ~helped)


class Armenia(Actor):
    """Responds after Baku's move: calls for help, may concede a condition or accept the
    treaty; its reforms go on."""

    actor, label, draws_per_week = "armenia", "Armenia", 4
    decides = ("minsk_dissolved", "constitution_reformed", "treaty", "appealed", "west_call")
    writes, learns = ("denial",), ("trust_a", "trust_b")

    def decide(self, w, v, u):
        """Conditions met, treaty signed, and calls for help after this week
        (:func:`concede`, :func:`accept_treaty`, :func:`call_for_help`)."""
        minsk, constitution = concede(
            w.minsk_dissolved, w.constitution_reformed, w.rung, w.spoiling, v.armenia, u[0], u[1]
        )
        treaty = w.treaty | accept_treaty(w.sign_offer, w.spoiling, v.armenia, u[2])
        appealed, west = call_for_help(w.rung, w.trust_belief(), v.armenia, u[3])
        return minsk, constitution, treaty, appealed, west

    def consequences(self, w, v, u, before):
        """The porcupine reforms go on (:func:`grow_denial`)."""
        w.denial = keep(w.active, grow_denial(w.denial, v.armenia), w.denial)

    def record(self, w, before):
        a = w.active
        return {
            "minsk": a & w.minsk_dissolved & ~before["minsk_dissolved"],
            "constitution": a & w.constitution_reformed & ~before["constitution_reformed"],
            "signed": a & w.treaty & ~before["treaty"],
            "refused": a & w.sign_offer & ~w.treaty,
            "pressed": w.spoiling.copy(),  # Moscow's work against the treaty last week
            # A call for help is told when Yerevan turns to an ally it did not call on
            # last week, not every week of the same fight.
            "appealed": a & w.appealed & ~before["appealed"],
            "west": a & w.west_call & ~before["west_call"],
        }

    def learn(self, w, v, operation_ended):
        a, b = learn_trust(w.trust_a, w.trust_b, operation_ended & w.active, w.csto_level)
        w.trust_a, w.trust_b = a, b

    def events(self, i):
        said = []
        if self.last["signed"][i]:
            said.append(f"{self.label} accepts: the peace treaty is signed")
        elif self.last["refused"][i]:
            why = " under Russian pressure" if self.last["pressed"][i] else ""
            said.append(f"{self.label} turns the offer down{why}")
        if self.last["minsk"][i]:
            said.append(f"{self.label} agrees to dissolve the OSCE Minsk Group")
        if self.last["constitution"][i]:
            said.append(f"{self.label} reforms its constitution")
        if self.last["appealed"][i] and self.last["west"][i]:
            said.append(f"{self.label} invokes the CSTO and calls on the West")
        elif self.last["appealed"][i]:
            said.append(f"{self.label} invokes the CSTO")
        elif self.last["west"][i]:
            said.append(f"{self.label} calls on the West rather than the CSTO")
        return said
