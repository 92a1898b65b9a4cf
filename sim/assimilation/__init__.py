"""Data assimilation: the worlds of one batched model filtered through the record
(:mod:`sim.assimilation.filter`), forecasts from the filtered ensemble
(:mod:`sim.assimilation.forecast`), the ``forecast`` and ``evidence`` commands
(:mod:`sim.assimilation.cli`, :mod:`sim.assimilation.evidence`) and :func:`assimilate`."""


def assimilate(scenario, record, as_of=None, horizon_months: int = 12, **options):
    """Filter the worlds of ``scenario`` (a path or a Scenario) through ``record`` (a path
    or a Record) up to ``as_of`` (default: the month after the record's last) and
    forecast ``horizon_months`` from there: a
    :class:`sim.assimilation.nowcast.RecordForecast` (what ``escsim forecast`` prints:
    ``.table()``, ``.to_dict()``, ``.months``, ``.run``, ``.plot(path)``). Options:
    ``n_worlds``, ``replicates``, ``seed``, ``observation`` ("default", "sharper",
    "softer", "uninformative" or an ObservationModel), ``conditions``, ``workers``."""
    from sim.assimilation.nowcast import filter_and_forecast

    return filter_and_forecast(scenario, record, as_of, horizon_months, **options)
