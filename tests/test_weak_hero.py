"""The Weak Hero Class chapter's logic (korean_ott.weak_hero) on the real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from korean_ott import weak_hero as wh


@pytest.fixture(scope="module")
def weeks(top10_weekly):
    return wh.weak_hero_weeks(top10_weekly)


@pytest.fixture(scope="module")
def ranked(engagement):
    return wh.engagement_ranks(engagement, report="2025H1", kind="show")


# --- timeline -------------------------------------------------------------------

def test_timeline_rests_on_existing_dated_facts(facts):
    timeline = wh.build_timeline(facts)
    assert list(timeline["fact_id"]) == ["F012", "F204", "F205", "F206", "F038"]
    assert timeline["date"].is_monotonic_increasing
    for row in timeline.itertuples():
        register = facts.loc[row.fact_id]
        assert register["unit"] == "date"
        assert row.date == pd.Timestamp(register["value"])
        assert row.source == register["source_outlet"]


def test_timeline_dates_match_the_case(facts):
    dates = wh.build_timeline(facts).set_index("fact_id")["date"]
    assert dates["F012"] == pd.Timestamp("2022-11-18")
    assert dates["F206"] == pd.Timestamp("2025-03-25")
    assert dates["F204"] == pd.Timestamp("2023-12-01")
    assert dates["F205"] == pd.Timestamp("2023-12-04")
    assert dates["F038"] == pd.Timestamp("2025-04-25")


def test_timeline_primary_sources_agree_with_the_rows_they_supersede(facts):
    # F204/F205 replace entertainment-site rows F011/F010 for the same events.
    assert facts.loc["F204", "value"] == facts.loc["F011", "value"]
    assert facts.loc["F205", "value"] == facts.loc["F010", "value"]
    assert facts.loc["F206", "value"] == facts.loc["F001", "value"]


def test_timeline_rejects_missing_or_undated_rows(facts):
    with pytest.raises(KeyError, match="F999"):
        wh.build_timeline(facts, events=(("F999", "nothing", "none"),))
    with pytest.raises(ValueError, match="F013"):  # an episode count, not a date
        wh.build_timeline(facts, events=(("F013", "episodes", "Wavve"),))


# --- weekly Top 10 -----------------------------------------------------------------

def test_weak_hero_weeks(weeks):
    assert len(weeks) == 9
    assert weeks.groupby("season").size().to_dict() == {"Class 1": 6, "Class 2": 3}
    first = weeks.sort_values("week").iloc[0]
    assert (first["season"], first["rank"], first["hours"], first["views"]) == ("Class 1", 2, 36_800_000, 6_700_000)
    s2 = weeks[weeks["season"] == "Class 2"].set_index("week")
    assert s2.loc[pd.Timestamp("2025-04-27"), "rank"] == 1
    # cumulative weeks count 1, 2, ... within each season
    for _, part in weeks.groupby("season"):
        assert list(part["cumulative_weeks"]) == list(range(1, len(part) + 1))


def test_views_are_hours_over_runtime(weeks):
    ratio = weeks["hours"] / weeks["runtime_h"]
    assert np.allclose(ratio, weeks["views"], atol=100_000)


def test_overlap_weeks(weeks):
    overlap = wh.overlap_weeks(weeks)
    assert list(overlap["week"]) == [pd.Timestamp("2025-04-27"), pd.Timestamp("2025-05-04")]
    assert list(overlap["hours_combined"]) == [45_400_000, 48_900_000]
    assert (overlap["hours_combined"] == overlap["hours_class_1"] + overlap["hours_class_2"]).all()


def test_both_tv_lists_ranked_together(top10_weekly):
    table = wh.week_list(top10_weekly, "2025-03-30")
    assert len(table) == 20
    row = table[table["show_title"] == wh.SHOW_TITLE].iloc[0]
    assert (row["weekly_rank"], row["rank_by_views"]) == (2, 4)
    assert table.iloc[0]["show_title"] == "Adolescence"


# --- engagement report -------------------------------------------------------------

def test_engagement_ranks(ranked):
    assert len(ranked) == 7508
    assert ranked["hangul"].sum() == 591
    rows = wh.weak_hero_engagement(ranked).set_index("season")
    assert rows.loc["Class 1", "rank_views"] == 36
    assert rows.loc["Class 2", "rank_views"] == 45
    assert rows.loc["Class 1", "rank_hours"] == 59
    assert rows.loc["Class 2", "rank_hours"] == 72
    assert rows.loc["Class 1", "rank_views_hangul"] == 6
    assert rows.loc["Class 2", "rank_views_hangul"] == 7
    assert rows.loc["Class 1", "release_date"] == pd.Timestamp("2025-03-25")


def test_engagement_ranks_unknown_report(engagement):
    with pytest.raises(KeyError):
        wh.engagement_ranks(engagement, report="1999H1")


# --- press figures and helpers -----------------------------------------------------

def test_press_checks_all_agree(facts, weeks, ranked):
    checks = wh.press_checks(facts, weeks, wh.weak_hero_engagement(ranked))
    assert len(checks) == len(wh.PRESS_CHECKS)
    assert checks["agrees"].all()
    assert set(checks["fact_id"]) <= set(facts.index)


def test_press_checks_flags_disagreement(facts, weeks, ranked):
    wrong_week = (("F030", "Class 1", "views", "2025-03-30"),)  # 6.7 M that week, not 3.7 M
    checks = wh.press_checks(facts, weeks, wh.weak_hero_engagement(ranked), checks=wrong_week)
    assert not checks["agrees"].iloc[0]


def test_date_gap_verdict():
    assert wh.date_gap_verdict("2025-03-26", "2025-03-25") == "differs by one day"
    assert wh.date_gap_verdict("2025-03-24", "2025-03-25") == "differs by one day"
    assert wh.date_gap_verdict("2025-03-25", "2025-03-25") == "agrees"
    assert wh.date_gap_verdict("2025-03-28", "2025-03-25") == "differs by three days"
    assert wh.date_gap_verdict("2025-04-25", "2025-03-25") == "differs by 31 days"
    with pytest.raises(ValueError, match="both dates"):
        wh.date_gap_verdict(None, "2025-03-25")


def test_seed_release_date_against_the_register(facts):
    assert wh.date_gap_verdict(facts.loc["F002", "value"], facts.loc["F206", "value"]) == "differs by one day"


def test_dates_and_decimals():
    assert wh.date_text("2025-03-05") == "5 March 2025"
    assert wh.decimals("3.7") == 1 and wh.decimals("22") == 0


def test_percentile_rank():
    assert wh.percentile_rank([1, 2, 3, 4], 3) == 50.0
