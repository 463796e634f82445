"""The Weak Hero Class chapter's logic (korean_ott.weak_hero) on the real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from korean_ott import titles
from korean_ott import weak_hero as wh


@pytest.fixture(scope="module")
def weeks(top10_weekly):
    return wh.weak_hero_weeks(top10_weekly)


@pytest.fixture(scope="module")
def marked(top10_weekly, engagement, catalogue):
    return titles.identify_korean_top10(top10_weekly, engagement, catalogue)


@pytest.fixture(scope="module")
def ranked(engagement):
    return wh.engagement_ranks(engagement, report="2025H1", kind="show")


# --- timeline -------------------------------------------------------------------

def test_timeline_rests_on_existing_dated_facts(facts):
    timeline = wh.build_timeline(facts)
    assert list(timeline["fact_id"]) == ["F012", "F011", "F010", "F001", "F038"]
    assert timeline["date"].is_monotonic_increasing
    for row in timeline.itertuples():
        register = facts.loc[row.fact_id]
        assert register["unit"] == "date"
        assert row.date == pd.Timestamp(register["value"])
        assert row.source == register["source_outlet"]


def test_timeline_dates_match_the_case(facts):
    dates = wh.build_timeline(facts).set_index("fact_id")["date"]
    assert dates["F012"] == pd.Timestamp("2022-11-18")
    assert dates["F001"] == pd.Timestamp("2025-03-25")
    assert dates["F038"] == pd.Timestamp("2025-04-25")


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


# --- Korean comparison -------------------------------------------------------------

def test_identification_cutoff_is_last_sunday_of_reports(engagement):
    cutoff = wh.identification_cutoff(engagement)
    assert cutoff == pd.Timestamp("2025-06-29")
    assert cutoff.day_of_week == 6


def test_identification_cutoff_on_a_sunday():
    frame = pd.DataFrame({"period_end": pd.to_datetime(["2025-06-29"])})
    assert wh.identification_cutoff(frame) == pd.Timestamp("2025-06-29")


def test_season_entries(marked, engagement):
    cutoff = wh.identification_cutoff(engagement)
    entries = wh.season_entries(marked, cutoff)
    assert (entries["first_week"] <= cutoff).all()
    assert not entries.duplicated(["show_title", "season_title"]).any()
    weak = entries[entries["show_title"] == wh.SHOW_TITLE].set_index("season_title")
    assert weak["is_korean"].all()
    assert weak.loc["Weak Hero: Class 1", "weeks_in_top10"] == 6
    assert weak.loc["Weak Hero: Class 2", "peak_rank"] == 1
    # Unidentifiable seasons form their own group, never 'other identified'.
    assert (entries.loc[~entries["identifiable"], "group"] == "not identifiable").all()
    assert (entries.loc[entries["is_korean"], "group"] == "Korean").all()


def test_compare_groups_has_intervals_around_estimates(marked, engagement):
    entries = wh.season_entries(marked, wh.identification_cutoff(engagement))
    table = wh.compare_groups(entries).set_index("group")
    assert set(table.index) == {"Korean", "other identified"}
    assert (table["share_low_pct"] <= table["share_top_pct"]).all()
    assert (table["share_top_pct"] <= table["share_high_pct"]).all()
    assert (table["median_low"] <= table["median_weeks"]).all()
    assert (table["median_weeks"] <= table["median_high"]).all()
    assert table.loc["Korean", "seasons"] == (entries["group"] == "Korean").sum()


def test_proportion_ci_exact():
    estimate = wh.proportion_ci(5, 20)
    assert estimate.estimate == 0.25
    assert estimate.low == pytest.approx(0.0866, abs=1e-4)
    assert estimate.high == pytest.approx(0.4910, abs=1e-4)
    with pytest.raises(ValueError):
        wh.proportion_ci(0, 0)


@pytest.mark.parametrize(("n", "low", "high"), [(10, 2, 9), (100, 40, 61)])
def test_median_ci_order_statistics(n, low, high):
    estimate = wh.median_ci(np.arange(1, n + 1))
    assert (estimate.low, estimate.high) == (low, high)


def test_median_ci_needs_enough_values():
    with pytest.raises(ValueError):
        wh.median_ci([1, 2, 3])


def test_bootstrap_difference_is_seeded():
    first, second = np.arange(20), np.arange(10, 30)
    a = wh.bootstrap_difference(first, second, np.median, draws=500, seed=1)
    b = wh.bootstrap_difference(first, second, np.median, draws=500, seed=1)
    assert a == b
    assert a.estimate == -10
    assert a.low <= a.estimate <= a.high


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


def test_dates_and_decimals():
    assert wh.date_text("2025-03-05") == "5 March 2025"
    assert wh.decimals("3.7") == 1 and wh.decimals("22") == 0


def test_percentile_rank():
    assert wh.percentile_rank([1, 2, 3, 4], 3) == 50.0
