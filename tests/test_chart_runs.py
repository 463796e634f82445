"""Season runs in the non-English TV Top 10 (korean_ott.chart_runs): hand-worked cases and the real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from korean_ott import chart_runs as cr

LIST = cr.TOP10_LIST


def week(n: int) -> pd.Timestamp:
    """The n-th Sunday of a made-up data set (week 0 is the data's first week)."""
    return pd.Timestamp("2024-01-07") + pd.Timedelta(weeks=n)


def marked_rows(show: str, weeks: list[int], korean: bool = False, identifiable: bool = True,
                ranks: list[int] | None = None, category: str = LIST) -> list[dict]:
    ranks = ranks or [5] * len(weeks)
    return [{"week": week(w), "category": category, "weekly_rank": r, "show_title": show,
             "season_title": f"{show}: Season 1", "weekly_hours_viewed": 1_000_000 * (11 - r),
             "cumulative_weeks_in_top_10": i + 1, "is_korean": korean,
             "identifiable": identifiable or korean,
             "korean_evidence": "engagement report" if korean else pd.NA}
            for i, (w, r) in enumerate(zip(weeks, ranks))]


@pytest.fixture()
def small_marked() -> pd.DataFrame:
    rows = (marked_rows("Early", [0, 1, 2], korean=True)          # left-truncated
            + marked_rows("K-long", [1, 2, 3, 4, 6], korean=True, ranks=[3, 1, 2, 4, 9])  # re-entry
            + marked_rows("Other", [2, 3])
            + marked_rows("Mystery", [3], identifiable=False)
            + marked_rows("Late", [8, 9, 10])                     # starts after the cut-off; censored
            + marked_rows("English", [2], category="TV (English)"))
    return pd.DataFrame(rows)


@pytest.fixture()
def small_runs(small_marked) -> pd.DataFrame:
    return cr.runs_from_marked(small_marked, cutoff=week(7))


# --- building runs --------------------------------------------------------------

def test_one_row_per_season_of_the_list(small_runs):
    assert list(small_runs["show_title"]) == ["Early", "K-long", "Other", "Mystery", "Late"]
    assert list(small_runs.columns) == list(cr.RUN_COLUMNS)


def test_run_lengths_peaks_and_groups(small_runs):
    runs = small_runs.set_index("show_title")
    # K-long: weeks 1-4 and 6, a re-entry counts: 5 weeks, best rank 1.
    assert runs.loc["K-long", "weeks_in_top10"] == 5
    assert runs.loc["K-long", "peak_rank"] == 1
    assert runs.loc["K-long", "first_week"] == week(1)
    assert runs.loc["K-long", "last_week"] == week(6)
    assert runs.loc["K-long", "peak_hours"] == 10_000_000
    assert runs["group"].to_dict() == {"Early": "Korean", "K-long": "Korean", "Other": "other identified",
                                       "Mystery": "unidentified", "Late": "other identified"}
    assert runs.loc["K-long", "korean_evidence"] == "engagement report"
    assert runs.loc["Other", "korean_evidence"] == ""


def test_truncation_and_censoring_flags(small_runs):
    runs = small_runs.set_index("show_title")
    assert runs["left_truncated"].to_dict() == {"Early": True, "K-long": False, "Other": False,
                                                "Mystery": False, "Late": False}
    assert runs["right_censored"].to_dict() == {"Early": False, "K-long": False, "Other": False,
                                                "Mystery": False, "Late": True}
    assert not runs.loc["Late", "within_identification"]
    assert runs.loc["K-long", "within_identification"]


def test_selection_drops_truncated_unidentified_and_late(small_runs):
    selected = cr.select_runs(small_runs)
    assert list(selected["show_title"]) == ["K-long", "Other"]
    counts = cr.selection_counts(small_runs).set_index("step")["seasons"]
    assert counts.iloc[0] == 5
    assert counts.iloc[1:4].to_list() == [1, 1, 1]  # late, truncated, unidentified
    assert counts["kept for the comparison"] == 2
    assert counts["of which still listed in the data's last week"] == 0


def test_selection_text_states_the_rule():
    text = cr.RUN_SELECTION
    for words in ("first week of the data", "engagement reports", "lower bound", "could not be identified"):
        assert words in text


# --- bad input ------------------------------------------------------------------

def test_missing_column_is_named(small_marked):
    with pytest.raises(ValueError, match="is_korean"):
        cr.runs_from_marked(small_marked.drop(columns="is_korean"), cutoff=week(7))


def test_rank_outside_the_list_is_an_error(small_marked):
    bad = small_marked.copy()
    bad.loc[3, "weekly_rank"] = 11  # K-long, week 1
    with pytest.raises(ValueError, match=r"K-long: Season 1.*2024-01-14.*weekly_rank 11"):
        cr.runs_from_marked(bad, cutoff=week(7))


def test_season_listed_twice_in_a_week_is_an_error(small_marked):
    bad = pd.concat([small_marked, small_marked.iloc[[3]]], ignore_index=True)
    with pytest.raises(ValueError, match="more than once"):
        cr.runs_from_marked(bad, cutoff=week(7))


def test_empty_list_is_an_error(small_marked):
    with pytest.raises(ValueError, match="no rows"):
        cr.runs_from_marked(small_marked, cutoff=week(7), category="Films (English)")


def test_select_rejects_a_foreign_table():
    with pytest.raises(ValueError, match="season_runs"):
        cr.select_runs(pd.DataFrame({"show_title": ["x"]}))


# --- comparing runs, worked by hand -------------------------------------------------

def hand_runs(korean_weeks, other_weeks, censored=()) -> pd.DataFrame:
    rows = []
    for group, values in ((cr.KOREAN, korean_weeks), (cr.OTHER, other_weeks)):
        for i, weeks in enumerate(values):
            name = f"{group} {i}"
            rows.append({"show_title": name, "season_title": name, "group": group, "korean_evidence": "",
                         "first_week": week(1 + i), "last_week": week(1 + i + weeks),
                         "weeks_in_top10": weeks, "peak_rank": 5, "peak_hours": 1,
                         "left_truncated": False, "right_censored": name in censored,
                         "within_identification": True})
    return pd.DataFrame(rows)


def test_compare_runs_by_hand():
    # Korean 1..7: median 4, four of seven last 4+ weeks. Other: median 2, one of six.
    table = cr.compare_runs(hand_runs([1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 2, 3, 8]), draws=1000, seed=1)
    assert table.index.equals(pd.RangeIndex(6))
    t = table.set_index(["group", "measure"])
    assert t.loc[("Korean", "median_weeks"), "estimate"] == 4
    # n = 7: order statistics 1 and 7 (P(Bin(7, 1/2) <= 0) = 1/128 <= 0.025 < 8/128).
    assert (t.loc[("Korean", "median_weeks"), "low"], t.loc[("Korean", "median_weeks"), "high"]) == (1, 7)
    assert t.loc[("other identified", "median_weeks"), "estimate"] == 2
    assert t.loc[("Korean", "share_min_weeks_pct"), "count"] == 4
    assert t.loc[("Korean", "share_min_weeks_pct"), "estimate"] == pytest.approx(400 / 7)
    assert t.loc[("other identified", "share_min_weeks_pct"), "estimate"] == pytest.approx(100 / 6)
    assert t.loc[("Korean minus other", "median_weeks"), "estimate"] == 2
    assert t.loc[("Korean minus other", "share_min_weeks_pct"), "estimate"] == pytest.approx(400 / 7 - 100 / 6)
    assert t.loc[("Korean", "median_weeks"), "n"] == 7
    assert t.loc[("Korean minus other", "median_weeks"), "n"] == 13
    for _, row in table.iterrows():
        assert row["low"] <= row["estimate"] <= row["high"]


def test_compare_runs_is_seeded():
    runs = hand_runs(list(range(1, 21)), [1, 2] * 10)
    first = cr.compare_runs(runs, draws=500, seed=7)
    pd.testing.assert_frame_equal(first, cr.compare_runs(runs, draws=500, seed=7))


def test_verdict_rule():
    longer = cr.compare_runs(hand_runs([5, 6, 7, 8, 9, 10] * 5, [1, 1, 2, 2, 3, 1] * 5), draws=500)
    assert cr.run_verdict(longer) == cr.VERDICT_LONGER
    shorter = cr.compare_runs(hand_runs([1, 1, 2, 2, 3, 1] * 5, [5, 6, 7, 8, 9, 10] * 5), draws=500)
    assert cr.run_verdict(shorter) == cr.VERDICT_SHORTER
    same = cr.compare_runs(hand_runs([1, 2, 3, 4, 5, 6] * 5, [1, 2, 3, 4, 5, 6] * 5), draws=500)
    assert cr.run_verdict(same) == cr.VERDICT_INCONCLUSIVE


def test_verdict_needs_a_comparison_table():
    with pytest.raises(ValueError, match="compare_runs"):
        cr.run_verdict(pd.DataFrame({"group": ["Korean"], "measure": ["median_weeks"], "low": [1], "high": [2]}))


def test_short_censored_run_is_refused():
    runs = hand_runs([1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 2, 3, 8], censored={"Korean 1"})  # 2 weeks, still on
    with pytest.raises(ValueError, match="still listed"):
        cr.compare_runs(runs, draws=200)
    # A long censored run cannot move the median or the 4-week share: accepted.
    cr.compare_runs(hand_runs([1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 2, 3, 8], censored={"Korean 6"}), draws=200)


def test_too_few_runs_is_an_error():
    with pytest.raises(ValueError, match="only 3 selected Korean runs"):
        cr.compare_runs(hand_runs([1, 2, 3], [1, 2, 3, 4, 5, 6]), draws=200)


# --- small estimates ----------------------------------------------------------------

def test_proportion_ci_exact():
    estimate = cr.proportion_ci(5, 20)
    assert estimate.estimate == 0.25
    assert estimate.low == pytest.approx(0.0866, abs=1e-4)
    assert estimate.high == pytest.approx(0.4910, abs=1e-4)
    with pytest.raises(ValueError):
        cr.proportion_ci(0, 0)
    with pytest.raises(ValueError):
        cr.proportion_ci(21, 20)


@pytest.mark.parametrize(("n", "low", "high"), [(10, 2, 9), (100, 40, 61)])
def test_median_ci_order_statistics(n, low, high):
    estimate = cr.median_ci(np.arange(1, n + 1))
    assert (estimate.low, estimate.high) == (low, high)


def test_median_ci_needs_enough_values():
    with pytest.raises(ValueError, match="too few"):
        cr.median_ci([1, 2, 3])


def test_bootstrap_difference():
    first, second = np.arange(20), np.arange(10, 30)
    a = cr.bootstrap_difference(first, second, np.median, draws=500, seed=1)
    assert a == cr.bootstrap_difference(first, second, np.median, draws=500, seed=1)
    assert a.estimate == -10
    assert a.low <= a.estimate <= a.high
    with pytest.raises(ValueError):
        cr.bootstrap_difference([], second, np.median)


def test_identification_cutoff():
    frame = pd.DataFrame({"period_end": pd.to_datetime(["2025-06-30"])})  # a Monday
    assert cr.identification_cutoff(frame) == pd.Timestamp("2025-06-29")
    frame = pd.DataFrame({"period_end": pd.to_datetime(["2025-06-29"])})  # a Sunday
    assert cr.identification_cutoff(frame) == pd.Timestamp("2025-06-29")


# --- the real data ------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_runs(top10_weekly, engagement, catalogue):
    return cr.season_runs(top10_weekly, engagement, catalogue)


def test_real_runs_one_per_season(real_runs):
    assert not real_runs.duplicated(["show_title", "season_title"]).any()
    assert real_runs["group"].isin(cr.GROUPS).all()


def test_real_selection_counts(real_runs):
    selected = cr.select_runs(real_runs)
    assert selected["group"].value_counts().to_dict() == {"other identified": 450, "Korean": 136}
    counts = cr.selection_counts(real_runs)["seasons"].to_list()
    assert counts == [783, 178, 10, 9, 586, 0]


def test_real_weak_hero_runs(real_runs):
    weak = real_runs[real_runs["show_title"] == "Weak Hero"].set_index("season_title")
    assert weak.loc["Weak Hero: Class 1", "weeks_in_top10"] == 6
    assert weak.loc["Weak Hero: Class 2", "peak_rank"] == 1
    assert (weak["group"] == "Korean").all()


def test_real_comparison(real_runs):
    table = cr.compare_runs(real_runs).set_index(["group", "measure"])
    assert table.loc[("Korean", "median_weeks"), "estimate"] == 4
    assert table.loc[("other identified", "median_weeks"), "estimate"] == 2
    assert table.loc[("Korean", "share_min_weeks_pct"), "count"] == 74
    assert table.loc[("other identified", "share_min_weeks_pct"), "count"] == 111


# --- gluing -------------------------------------------------------------------------

@pytest.fixture()
def captured(monkeypatch) -> dict:
    glued = {}
    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    return glued


def test_glue_run_comparison_keys_and_values(captured):
    table = cr.compare_runs(hand_runs([1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 2, 3, 8]), draws=1000, seed=1)
    cr.glue_run_comparison(table, draws=1000, seed=1)
    assert all(key.startswith("ev_runs_") for key in captured)
    assert captured["ev_runs_n_korean"] == 7 and captured["ev_runs_n_other"] == 6
    assert captured["ev_runs_median_korean"] == 4 and captured["ev_runs_median_other"] == 2
    assert captured["ev_runs_diff_median"] == 2
    assert captured["ev_runs_share4_korean_pct"] == 57     # 4 of 7
    assert captured["ev_runs_share4_other_pct"] == 17      # 1 of 6
    assert captured["ev_runs_diff_share4_pp"] == 40.5      # 57.14 - 16.67
    assert captured["ev_runs_min_weeks"] == 4
    assert captured["ev_runs_boot_draws"] == 1000 and captured["ev_runs_boot_seed"] == 1
    assert captured["ev_runs_verdict"] == cr.run_verdict(table)
    assert captured["ev_runs_verdict_rule"] == cr.VERDICT_RULE
    for stem in ("median_korean", "median_other", "diff_median", "share4_korean_pct", "diff_share4_pp"):
        assert captured[f"ev_runs_{stem}_low"] <= captured[f"ev_runs_{stem}"] <= captured[f"ev_runs_{stem}_high"]


def test_half_week_medians_keep_one_decimal(captured):
    table = cr.compare_runs(hand_runs([1, 2, 3, 4, 5, 6], [1, 1, 2, 2, 3, 8]), draws=200)  # 3.5 and 2
    cr.glue_run_comparison(table, draws=200)
    assert captured["ev_runs_median_korean"] == 3.5
    assert captured["ev_runs_median_other"] == 2.0


def test_glue_run_selection(captured, small_runs):
    cr.glue_run_selection(small_runs)
    assert captured == {"ev_runs_sel_all": 5, "ev_runs_sel_after_cutoff": 1, "ev_runs_sel_left_truncated": 1,
                        "ev_runs_sel_unidentified": 1, "ev_runs_sel_kept": 2, "ev_runs_sel_censored": 0,
                        "ev_runs_selection": cr.RUN_SELECTION}


# --- release pattern (Korean seasons, MyDramaList air dates) --------------------------

def test_parse_air_date_formats():
    assert cr.parse_air_date("2022-06-18") == pd.Timestamp("2022-06-18")
    assert cr.parse_air_date("Aug  2, 2023") == pd.Timestamp("2023-08-02")
    assert pd.isna(cr.parse_air_date("Aug, 2017 - 2017"))   # month only: cannot classify
    assert pd.isna(cr.parse_air_date("2017"))
    assert pd.isna(cr.parse_air_date(None))


def mdl_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["drama_name", "start_dt", "end_dt"])


def test_release_windows_classify_and_drop_ambiguous():
    windows = cr.release_windows(mdl_frame([
        ("Drop", "Jan  5, 2024", "Jan  5, 2024"),     # one day: whole season at once
        ("Weekly", "2024-01-06", "2024-02-25"),        # eight weeks: weekly episodes
        ("Vague", "Aug, 2017 - 2017", "2017"),         # not day-precise: left out
        ("Twice", "2024-01-01", "2024-01-01"), ("Twice", "2022-01-01", "2022-02-01"),  # ambiguous
    ])).set_index("title_key")
    assert windows["pattern"].to_dict() == {"drop": cr.WHOLE, "weekly": cr.WEEKLY}


def test_release_windows_reject_backwards_dates():
    with pytest.raises(ValueError, match=r"row 0 \('Odd'\).*before the first"):
        cr.release_windows(mdl_frame([("Odd", "2024-03-01", "2024-02-01")]))


def test_release_windows_need_their_columns():
    with pytest.raises(ValueError, match="end_dt"):
        cr.release_windows(pd.DataFrame({"drama_name": ["x"], "start_dt": ["2024-01-01"]}))


def pattern_runs() -> pd.DataFrame:
    runs = hand_runs([8, 9, 10, 7, 6, 12, 2, 3, 4, 5, 1, 6, 20], [1, 1, 2, 2, 3, 8])
    names = ["W1", "W2", "W3", "W4", "W5", "W6", "D1", "D2", "D3", "D4", "D5", "D6", "Late"]
    korean = runs["group"] == cr.KOREAN
    runs.loc[korean, "show_title"] = names
    runs.loc[korean, "first_week"] = [pd.Timestamp("2024-01-14")] * 6 + [pd.Timestamp("2024-01-07")] * 6 \
        + [pd.Timestamp("2024-06-02")]
    return runs


def pattern_windows() -> pd.DataFrame:
    rows = [(f"W{i}", "2024-01-06", "2024-02-25") for i in range(1, 7)]
    rows += [(f"D{i}", "2024-01-05", "2024-01-05") for i in range(1, 7)]
    rows += [("Late", "2024-01-05", "2024-01-05")]        # charted months after its release
    return cr.release_windows(mdl_frame(rows))


def test_korean_release_patterns_keep_runs_inside_the_air_window():
    patterns = cr.korean_release_patterns(pattern_runs(), pattern_windows(), grace_days=13)
    assert sorted(patterns["show_title"]) == sorted([f"W{i}" for i in range(1, 7)] + [f"D{i}" for i in range(1, 7)])
    assert (patterns.loc[patterns["show_title"].str.startswith("W"), "pattern"] == cr.WEEKLY).all()
    with pytest.raises(ValueError, match="grace_days"):
        cr.korean_release_patterns(pattern_runs(), pattern_windows(), grace_days=-1)


def test_compare_release_patterns_by_hand():
    runs = pattern_runs()
    table = cr.compare_release_patterns(cr.korean_release_patterns(runs, pattern_windows()), runs,
                                        draws=500, seed=3).set_index("group")
    # Weekly: 6 7 8 9 10 12 -> median 8.5, all six last 4+ weeks.
    assert table.loc[f"Korean, {cr.WEEKLY}", "median_weeks"] == 8.5
    assert table.loc[f"Korean, {cr.WEEKLY}", "share_min_weeks_pct"] == 100
    # Whole season: 1 2 3 4 5 6 -> median 3.5, three of six last 4+ weeks.
    assert table.loc[f"Korean, {cr.WHOLE}", "median_weeks"] == 3.5
    assert table.loc[f"Korean, {cr.WHOLE}", "share_min_weeks_pct"] == 50
    # Others: 1 1 2 2 3 8 -> median 2, one of six.
    diff = table.loc[f"Korean {cr.WHOLE} minus other"]
    assert diff["median_weeks"] == 1.5
    assert diff["share_min_weeks_pct"] == pytest.approx(50 - 100 / 6)
    assert diff["median_low"] <= diff["median_weeks"] <= diff["median_high"]


def test_real_release_patterns(real_runs, mdl_dramas):
    selected = cr.select_runs(real_runs)
    patterns = cr.korean_release_patterns(selected, cr.release_windows(mdl_dramas))
    assert patterns["pattern"].value_counts().to_dict() == {cr.WEEKLY: 22, cr.WHOLE: 18}


def test_release_pattern_verdict():
    runs = pattern_runs()
    table = cr.compare_release_patterns(cr.korean_release_patterns(runs, pattern_windows()), runs, draws=500)
    # Six whole-season runs against six others: the intervals are wide and include zero.
    assert cr.release_pattern_verdict(table) == cr.PATTERN_POSSIBLE
    clear = table.copy()
    clear.loc[clear["group"].str.endswith("minus other"), ["median_low", "share_low"]] = [0.5, 3.0]
    assert cr.release_pattern_verdict(clear) == cr.PATTERN_NOT_ALONE
    clear.loc[clear["group"].str.endswith("minus other"), "share_low"] = 0.0   # touching zero is not above it
    assert cr.release_pattern_verdict(clear) == cr.PATTERN_POSSIBLE
    with pytest.raises(ValueError, match="compare_release_patterns"):
        cr.release_pattern_verdict(table.iloc[:3])
