"""The record (data/record/), its checks, the month-to-week mapping, the conditions file
and scenarios set up as of a month."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.ladder import CstoResponse
from sim.record import (
    COLUMNS,
    load_conditions,
    load_record,
    month_weeks,
    observed_events,
    parameter_schedule,
    record_outcomes,
    scenario_as_of,
)
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.conditions import SHIPPED_CONDITIONS
from tests.conftest import BASELINE, RECORD, REPO


def rows_of(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict], columns=COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def problems_of(path: Path):
    with pytest.raises(ScenarioError) as exc:
        load_record(path)
    return exc.value.problems


def test_shipped_record_loads_with_the_readmes_counts():
    """The README's own counts: 42 months, rungs 0/1/2/3 in 23/6/9/4 months, 253 deaths,
    CSTO statements in 2021-05 and 2022-09, no sanctions, no treaty."""
    record = load_record(RECORD)
    f = record.frame
    assert (str(record.first_month), str(record.last_month), len(f)) == ("2021-01", "2024-06", 42)
    assert f["highest_rung"].value_counts().to_dict() == {0: 23, 1: 6, 2: 9, 3: 4}
    assert f["armenian_military_deaths"].sum() == 253
    assert f.index[f["csto_reaction"] == CstoResponse.STATEMENT].astype(str).tolist() == [
        "2021-05",
        "2022-09",
    ]
    events = observed_events(record)
    assert list(events.columns) == [o.name for o in record_outcomes()]
    assert events.sum().to_dict() == {
        "border_clash": 13,
        "limited_incursion": 4,
        "csto_statement": 2,
        "sanctions_imposed": 0,
        "peace_treaty": 0,
    }
    assert isinstance(f.index, pd.PeriodIndex) and f.index.freqstr == "M"


def test_treaty_step_reads_signed_only_when_it_says_so(tmp_path):
    rows = rows_of(RECORD)[:3]
    rows[0]["treaty_step"], rows[1]["treaty_step"] = "treaty initialled", "treaty signed"
    rows[2]["treaty_step"] = "text agreed, not signed"
    events = observed_events(load_record(write_rows(tmp_path / "r.csv", rows)))
    assert events["peace_treaty"].tolist() == [False, True, False]


def test_ground_taken_alone_counts_as_limited_incursion(tmp_path):
    rows = rows_of(RECORD)[:2]
    rows[0].update(highest_rung="1", ground_taken="true")
    events = observed_events(load_record(write_rows(tmp_path / "r.csv", rows)))
    assert events["limited_incursion"].tolist() == [True, False]
    assert events["border_clash"].tolist() == [False, False]


def test_missing_column_is_named(tmp_path):
    path = write_rows(
        tmp_path / "r.csv", rows_of(RECORD)[:3], [c for c in COLUMNS if c != "csto_reaction"]
    )
    (problem,) = problems_of(path)
    assert problem.line == 1 and "missing column 'csto_reaction'" in problem.message


@pytest.mark.parametrize(
    "column, value, words",
    [
        ("highest_rung", "9", "a rung from 0 to 5, found '9'"),
        ("month", "2021/02", "a month like 2022-01"),
        ("armenian_military_deaths", "-1", "at least 0"),
        ("ground_taken", "yes", "true or false"),
        ("csto_reaction", "statment", "did you mean 'statement'"),
    ],
)
def test_bad_values_name_file_line_and_column(tmp_path, column, value, words):
    rows = rows_of(RECORD)[:4]
    rows[1][column] = value
    path = write_rows(tmp_path / "r.csv", rows)
    problems = [p for p in problems_of(path) if p.key_path == column]
    assert problems and problems[0].line == 3 and words in problems[0].message
    assert str(problems[0]).startswith(f"{path}:3: {column}: ")


@pytest.mark.parametrize(
    "months, words",
    [
        (["2021-01", "2021-03", "2021-02"], "out of order"),
        (["2021-01", "2021-02", "2021-02"], "repeated"),
        (["2021-01", "2021-02", "2021-04"], "gap"),
    ],
)
def test_months_must_follow_one_another(tmp_path, months, words):
    rows = rows_of(RECORD)[:3]
    for row, month in zip(rows, months, strict=True):
        row["month"] = month
    (problem,) = problems_of(write_rows(tmp_path / "r.csv", rows))
    assert problem.line == 4 and words in problem.message


def test_missing_file_is_one_problem(tmp_path):
    (problem,) = problems_of(tmp_path / "none.csv")
    assert "file not found" in problem.message


def test_months_map_to_weeks_consistently():
    assert month_weeks("2022-01", 12) == [4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5, 4]
    for months in range(0, 40):
        assert sum(month_weeks("2021-01", months)) == round(months * 52 / 12)
    assert sum(month_weeks("2023-07", 24)) == 104
    with pytest.raises(ValueError, match="a month like"):
        month_weeks("2022-13", 3)


def test_shipped_conditions_validate_and_cover_the_issue_range():
    c = load_conditions()
    assert (str(c.first_month), str(c.last_month)) == ("2021-01", "2025-09")
    assert [ch.date for ch in c.changes] == sorted(ch.date for ch in c.changes)
    assert all(ch.source for ch in c.changes)
    assert "treaty track" in c.levers_without_parameter


def test_baseline_as_of_its_own_month_differs_only_where_the_timeline_moved_on():
    """The conditions describe departures from the scenario's present: as of March 2025
    only Armenia's CSTO appeal differs (frozen in 2024, after the baseline's sources) and
    the treaty text, agreed on 13 March 2025, after the 1st; as of April only the
    appeal."""
    base = load_scenario(BASELINE)
    now = scenario_as_of(base, "2025-03")
    changed = {k for k in base.parameters if now.parameters[k] != base.parameters[k]}
    assert changed == {"armenia.csto_appeal", "armenia.treaty_text_agreed"}
    assert now.parameters["armenia.csto_appeal"].dist.mean() == pytest.approx(0.02)
    assert now.parameters["armenia.treaty_text_agreed"].dist.mean() == 0.0
    assert now.initial == base.initial and str(now.as_of) == "2025-03-01"
    april = scenario_as_of(base, "2025-04")
    changed = {k for k in base.parameters if april.parameters[k] != base.parameters[k]}
    assert changed == {"armenia.csto_appeal"}


def test_side_outcomes_read_the_dated_conditions():
    """Armenia is a participating CSTO member until the freeze of 22 February 2024 (the
    baseline's frozen standing after it); the West has warned against an incursion from
    October 2023 (seed 001, Yunusov); no treaty text before 13 March 2025."""
    base = load_scenario(BASELINE)

    def mean(month, key):
        return scenario_as_of(base, month).parameters[key].dist.mean()

    participation = "armenia.csto_participation"
    assert [mean(m, participation) for m in ("2021-01", "2024-02", "2024-03")] == [1.0, 1.0, 0.0]
    warning = "usa_eu.incursion_warning"
    assert [mean(m, warning) for m in ("2021-01", "2023-10", "2023-11")] == [0.0, 0.0, 1.0]
    text = "armenia.treaty_text_agreed"
    assert [mean(m, text) for m in ("2021-01", "2025-03", "2025-04")] == [0.0, 0.0, 1.0]
    assert base.parameters[participation].dist.mean() == 0.0
    assert base.parameters[warning].dist.mean() == base.parameters[text].dist.mean() == 1.0


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_as_of_applies_changes_dated_on_or_before_the_first_of_the_month():
    base = load_scenario(BASELINE)
    before, after = scenario_as_of(base, "2022-02"), scenario_as_of(base, "2022-03")
    key = "russia.ukraine_constraint"
    assert before.parameters[key].dist.mean() == 0.0  # invasion on 24 February
    assert after.parameters[key] == base.parameters[key]
    assert scenario_as_of(base, "2021-05").initial.occupied_km2 == 0
    assert scenario_as_of(base, "2021-06").initial.occupied_km2 == 40
    assert scenario_as_of(base, "2025-09").initial.minsk_group_dissolved
    monitors = [
        scenario_as_of(base, m).parameters["usa_eu.monitor_presence"].dist.mean()
        for m in ("2022-10", "2022-11", "2023-01", "2023-03")
    ]
    assert monitors == [0.0, 0.3, 0.0, 0.7]
    assert scenario_as_of(base, pd.Period("2022-11", "M")).name == "baseline as of 2022-11"


@pytest.mark.parametrize("month", ["2020-12", "2025-10", "2022-1", "June"])
def test_as_of_outside_the_range_or_malformed(month):
    with pytest.raises(ScenarioError) as exc:
        scenario_as_of(load_scenario(BASELINE), month)
    assert "as_of" in str(exc.value)


def test_parameter_schedule_puts_changes_in_the_week_of_their_date():
    base = load_scenario(BASELINE)
    schedule = dict(parameter_schedule(base, "2022-01", 12))
    # 24 February: February starts in week 4 (January has 4 weeks) and has 5 weeks;
    # day 24 of 28 falls in its week (24 - 1) * 5 // 28 = 4, so week 8
    assert schedule[8] == {
        "russia.ukraine_constraint": base.parameters["russia.ukraine_constraint"].dist.mean()
    }
    assert max(schedule) < 52
    assert all(isinstance(v, float) for values in schedule.values() for v in values.values())
    assert parameter_schedule(base, "2023-11", 3) == []  # nothing dated in the window


def write_conditions(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED_CONDITIONS.read_text()
    assert old in text
    path = tmp_path / "conditions.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    "old, new, key_end, words",
    [
        (
            '    source: "widely reported"\n    parameters:\n      russia:\n'
            "        ukraine_constraint: "
            "scenario",
            "    parameters:\n      russia:\n        ukraine_constraint: scenario",
            ".source",
            "missing: every change needs source",
        ),
        (
            "ukraine_constraint: scenario",
            "ukraine_constrain: scenario",
            "parameters.russia.ukraine_constrain",
            "did you mean 'ukraine_constraint'",
        ),
        ("date: 2022-02-24", "date: 2022-02-30", "", "not a valid date: 2022-02-30"),
        ("date: 2022-04-06", "date: 2021-04-06", ".date", "out of date order"),
        ("          value: 0.3\n", "          value: 3\n", "monitor_presence", "outside the range"),
        (
            '          value: 0.05\n          source: "assumption: a member',
            '          value: 0.05\n          sauce: "assumption: a member',
            "csto_appeal",
            "missing source",
        ),
    ],
)
def test_bad_conditions_file(tmp_path, old, new, key_end, words):
    path = write_conditions(tmp_path, old, new)
    with pytest.raises(ScenarioError) as exc:
        load_conditions(path)
    match = [p for p in exc.value.problems if key_end in p.key_path and words in p.message]
    assert match, exc.value.problems
    assert match[0].file == str(path) and match[0].line is not None


def scenario_file(tmp_path: Path, body: str) -> Path:
    shutil.copy(BASELINE, tmp_path / "baseline.yaml")
    path = tmp_path / "case.yaml"
    path.write_text("name: case\nextends: baseline.yaml\n" + body)
    return path


def test_as_of_month_in_a_scenario_file_applies_conditions_then_the_files_own_keys(tmp_path):
    path = scenario_file(
        tmp_path, "as_of: 2021-06\nparameters:\n  usa_eu:\n    monitor_presence: 0.5\n"
    )
    case = load_scenario(path)
    assert case.initial.occupied_km2 == 40 and str(case.as_of) == "2021-06-01"
    assert case.parameters["russia.ukraine_constraint"].dist.mean() == 0.0
    assert case.parameters["usa_eu.monitor_presence"].dist.mean() == 0.5  # the file's own


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_a_full_date_sets_the_world_up_as_of_that_day(tmp_path):
    """as_of: 2021-06-15 is as of 15 June: the changes dated on or before that day (none
    between 1 and 15 June 2021, so the same parameters and initial state as as_of:
    2021-06), and as_of is the day itself."""
    month = load_scenario(scenario_file(tmp_path, "as_of: 2021-06\n"))
    for written, shown in (("2021-06-15", "2021-06-15"), ("'2021-06-30'", "2021-06-30")):
        day = load_scenario(scenario_file(tmp_path, f"as_of: {written}\n"))
        assert day.initial == month.initial and day.initial.occupied_km2 == 40
        assert day.parameters == month.parameters and str(day.as_of) == shown
    assert str(month.as_of) == "2021-06-01"
    # 24 February 2022: as of the 23rd Russia is not yet tied down in Ukraine; as of
    # the 28th it is (a month's form, 2022-02, reads the 1st: not yet).
    before = load_scenario(scenario_file(tmp_path, "as_of: 2022-02-23\n"))
    after = load_scenario(scenario_file(tmp_path, "as_of: 2022-02-28\n"))
    feb = load_scenario(scenario_file(tmp_path, "as_of: 2022-02\n"))
    key = "russia.ukraine_constraint"
    assert before.parameters[key].dist.mean() == 0.0 < after.parameters[key].dist.mean()
    assert feb.parameters[key].dist.mean() == 0.0


@pytest.mark.slow  # over 0.4 s (measured): kept out of the fast tier
def test_each_lens_is_set_up_as_of_its_articles_month():
    """Seed 001 (March 2024): Armenia had frozen its CSTO participation (22 February);
    seed 000 (20 March 2025): it considered itself outside (December 2024). Each lens
    gets the conditions of its month (Tasits: of its day) and keeps its own parameters
    over them."""
    experts = REPO / "scenarios" / "experts"
    appeal = "armenia.csto_appeal"
    conditions = load_conditions()
    dates = [("kopalyan", "2024-03", "2024-03-01"), ("pashinyan", "2024-03", "2024-03-01")]
    dates.append(("tasits", "2025-03", "2025-03-20"))  # the interview's day: the text agreed
    for name, month, day in dates:
        lens = load_scenario(experts / f"{name}.yaml")
        assert str(lens.as_of) == day, name
        expected = scenario_as_of(load_scenario(BASELINE), month, conditions)
        assert lens.parameters[appeal] == expected.parameters[appeal], name
        assert (
            lens.parameters[appeal].dist.mean()
            < load_scenario(BASELINE).parameters[appeal].dist.mean()
        )
    tasits = load_scenario(experts / "tasits.yaml")
    own = tasits.parameters["csto.obligation_strength"]
    assert own.origin == experts / "tasits.yaml" and own.dist.mean() == pytest.approx(0.75)


def test_as_of_in_a_scenario_file_with_its_own_conditions_file(tmp_path):
    write_conditions(tmp_path, "occupied_km2: 40 ", "occupied_km2: 55 ")
    case = load_scenario(scenario_file(tmp_path, "as_of: 2021-06\nconditions: conditions.yaml\n"))
    assert case.initial.occupied_km2 == 55


@pytest.mark.parametrize(
    "body, key_path, words",
    [
        ("as_of: 2019-05\n", "as_of", "outside the months the conditions file covers"),
        ("as_of: 2021-06\nconditions: nowhere.yaml\n", "conditions", "does not exist"),
        ("as_of: 2021-06-15\nconditions: nowhere.yaml\n", "conditions", "does not exist"),
        ("as_of: 2021-13\n", "as_of", "expected a month like 2024-03"),
        ("as_of: '2021-06-31'\n", "as_of", "expected a month like 2024-03"),
        ("as_of: 2026-01-15\n", "as_of", "2025-09 (conditions.yaml): give a month inside"),
        ("as_of: June\n", "as_of", "(or a date like 2024-03-15)"),
    ],
)
def test_bad_as_of_in_a_scenario_file(tmp_path, body, key_path, words):
    path = scenario_file(tmp_path, body)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (problem,) = [p for p in exc.value.problems if p.key_path == key_path]
    assert words in problem.message and problem.file == str(path) and problem.line is not None


def test_history_cases_are_as_of_scenarios():
    case = load_scenario(REPO / "scenarios" / "history" / "2021-05.yaml")
    assert case.initial.occupied_km2 == 40
    assert case.parameters["usa_eu.monitor_presence"].dist.mean() == 0.0
    assert case.observed.highest_rung == 3  # the record's 2021-11


def test_seed_quotes_in_the_conditions_file_are_in_the_seeds():
    """Sources that cite a seed file quote it word for word (as scenario sources do)."""
    from sim.provenance import missing_quotes

    seeds = REPO.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    sources = [
        s
        for ch in load_conditions().changes
        for s in [ch.source, *(e.source for e in ch.parameters.values() if e)]
    ]
    assert sum("001_9c941c53d8712548.txt" in s for s in sources) >= 2
    assert [q for s in sources for q in missing_quotes(s, seeds)] == []
