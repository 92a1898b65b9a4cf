"""Data assimilation: the worlds of one batched model filtered through the record
(:mod:`sim.assimilation.filter`), forecasts from the filtered ensemble
(:mod:`sim.assimilation.forecast`) and the ``forecast`` command
(:mod:`sim.assimilation.cli`)."""
