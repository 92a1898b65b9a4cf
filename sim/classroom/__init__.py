"""The classroom: students play the actors against the model (``escsim classroom``).

A student picks an actor (Baku, Yerevan, Moscow, Ankara or the West) and decides for it
each week among the options the model's own rule chooses among, seeing what that actor
sees; the other actors follow the model. The student's world is world ``i`` of the
scenario's Monte Carlo run, with the same random stream (common random numbers), so a
student who always picks what the rule picks replays the model's own world. At the end
the history is placed against the run's distribution.

One responsibility per module:

- :mod:`.crn`: one world of a Monte Carlo run, rebuilt on its own (its parameters and
  its random stream);
- :mod:`.decisions`: what a turn offers (questions, options, the rule's utilities,
  probabilities and pick), independent of any actor;
- :mod:`.adapters` and :mod:`.baku`: for each actor, the turn its rule faces this week
  (read from the actor's own pure functions) and how a student's answer becomes the
  actor's decision;
- :mod:`.roles`: the roles a student can play and the agents each controls;
- :mod:`.engine`: the play itself, through the agents' ``decide`` override hook;
- :mod:`.distribution`: the Monte Carlo run of the same scenario and seed, per world,
  and where a history falls in it;
- :mod:`.session`: a class session (code, players, validation of everything typed);
- :mod:`.pages`, :mod:`.chart`, :mod:`.export`: the HTML pages, the history chart, the
  CSV and HTML exports;
- :mod:`.web` and :mod:`.cli`: the small ASGI app and the ``escsim classroom`` command.
"""
