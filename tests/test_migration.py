"""Tests for korean_ott.migration: the hand-curated tables and the chapter's statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from korean_ott import data, migration
from korean_ott.glue import rounded


@pytest.fixture(scope="module")
def events():
    return migration.load_migration_events()


@pytest.fixture(scope="module")
def mau():
    return migration.load_mau()


@pytest.fixture(scope="module")
def marked(top10_weekly, engagement, catalogue):
    return migration.mark_korean(top10_weekly, engagement, catalogue)


# --- hand-curated tables agree with the facts register -------------------------

def test_every_event_fact_id_exists(events, facts):
    ids = {fact_id for cell in events["fact_ids"] for fact_id in migration.fact_ids(cell)}
    assert ids, "no fact ids"
    assert ids <= set(facts.index), ids - set(facts.index)


def test_event_dates_agree_with_register(events, facts):
    assert migration.check_events_against_facts(events, facts) == []


def test_event_check_catches_a_wrong_date(events, facts):
    broken = events.copy()
    row = broken.index[broken["event_id"] == "E15"][0]
    broken.loc[row, "date"] = pd.Timestamp("2025-03-26")  # the founding article's date, not F001's
    problems = migration.check_events_against_facts(broken, facts)
    assert len(problems) == 1 and "E15" in problems[0]


def test_event_check_catches_unknown_fact(events, facts):
    broken = events.copy()
    broken.loc[0, "fact_ids"] = broken.loc[0, "fact_ids"] + ";F999"
    assert any("F999" in problem for problem in migration.check_events_against_facts(broken, facts))


def test_events_cover_the_issue(events):
    storylines = set(events["storyline"])
    assert {"Weak Hero", "Crime Scene", "Beat Coin / Screwballs", "Broadcaster supply to Wavve",
            "Tving-Wavve merger", "Netflix investment"} <= storylines
    assert events["date"].is_monotonic_increasing


def test_mau_agrees_with_register(mau, facts):
    assert migration.check_mau_against_facts(mau, facts) == []


def test_mau_is_one_panel(mau):
    assert "F138" not in set(mau["fact_id"]), "WiseApp (F138) must not be mixed with Mobile Index"
    assert set(mau["platform"]) == {"Netflix", "Tving", "Wavve", "Coupang Play"}


def test_mau_check_catches_a_wrong_figure(mau, facts):
    broken = mau.copy()
    broken.loc[broken["fact_id"] == "F136", "mau_million"] += 1
    assert len(migration.check_mau_against_facts(broken, facts)) == int((mau["fact_id"] == "F136").sum())


def test_curated_files_are_registered(resources):
    for name in ("migration_events", "ott_mau_mobile_index"):
        assert resources[name]["retrieved"] == "2026-11-24"
        assert resources[name]["hash"].startswith("sha256:")


# --- statistics -------------------------------------------------------------------

def test_quarterly_counts_add_up(marked):
    table = migration.quarterly_korean_counts(marked)
    rows = marked[marked["category"] == migration.NON_ENGLISH_TV]
    assert table["entries"].sum() == len(rows)
    assert table["korean"].sum() == rows["is_korean"].sum()
    assert (table["korean"] <= table["identifiable"]).all()
    assert table.loc[table["in_fit_window"], "quarter"].tolist()[0] == "2021Q3"
    assert table.loc[table["in_fit_window"], "quarter"].tolist()[-1] == "2025Q2"


def test_engagement_shares_are_proportions(engagement):
    shares = migration.engagement_korean_shares(engagement, n_boot=200)
    assert set(shares["scope"]) == {"shows", "all titles"}
    assert "2023H1" not in set(shares.loc[shares["scope"] == "shows", "report"])
    assert ((shares["boot_low"] <= shares["share"]) & (shares["share"] <= shares["boot_high"])).all()


def test_release_age_classes():
    frame = pd.DataFrame({"period_start": pd.to_datetime(["2025-01-01"] * 4),
                          "release_date": pd.to_datetime(["2025-03-25", "2024-05-01", "2019-01-01", None])})
    assert list(migration.release_age_class(frame)) == migration.AGE_CLASSES


def test_weak_hero_class_1_is_a_new_release_in_the_report(engagement):
    rank = migration.rank_among_korean_shows(engagement, "2025H1", "Weak Hero: Class 1")
    assert len(rank) == 1
    assert rank.loc[0, "age"] == "released in the period"


def test_platform_finance_reads_register():
    finance = migration.platform_finance()
    assert len(finance) == len(migration.FINANCE_ROWS)
    wavve_2023 = finance.query("platform == 'Wavve' and metric == 'operating loss' and year == 2023")
    assert wavve_2023["bn_krw"].item() == data.fact_number("F101")
    for chosen, alternative, _ in migration.FINANCE_ALTERNATIVES:
        assert data.fact(chosen)["as_of"] == data.fact(alternative)["as_of"]


# --- reporting helpers ---------------------------------------------------------------

def _windows(pairs):
    return pd.DataFrame(pairs, columns=["low", "high"])


def test_verdict_rising_only_when_every_window_is_above_one():
    assert migration.window_verdict(_windows([(1.1, 1.5), (1.01, 2.0)])).startswith("rising: every one of the 2")
    assert migration.window_verdict(_windows([(0.5, 0.9), (0.7, 0.99)])).startswith("falling")


def test_verdict_inconclusive_states_the_range_not_no_change():
    # Lowest low 0.42 (a fall of 58%), highest high 1.43 (a rise of 43%).
    verdict = migration.window_verdict(_windows([(0.42, 1.2), (0.8, 1.43)]))
    assert verdict == ("no trend detectable: the 95% intervals of the 2 windows together run from a fall "
                       "of 58% to a rise of 43% in the odds per year")
    assert "no change" not in verdict


def test_verdict_mixed_windows_are_not_robust():
    verdict = migration.window_verdict(_windows([(1.1, 1.5), (0.9, 1.6), (0.95, 1.4)]))
    assert verdict.startswith("direction not robust: 1 of 3 windows show a rise")


@pytest.mark.parametrize("frame, message", [
    (_windows([]), "at least one"), (_windows([(1.2, 1.1)]), "low > high"),
    (_windows([(float("nan"), 1.1)]), "complete 'low'"), (pd.DataFrame({"low": [0.9]}), "complete 'high'"),
])
def test_verdict_refuses_bad_input(frame, message):
    with pytest.raises(ValueError, match=message):
        migration.window_verdict(frame)


# --- Korean share of the non-English TV chart ------------------------------------

def _slots(korean_at_0, korean_at_1, per_week=4):
    """Two weeks a year apart, ``per_week`` identifiable slots each, every slot its own series."""
    rows = []
    for years, korean in ((0.0, korean_at_0), (1.0, korean_at_1)):
        for slot in range(per_week):
            rows.append({"week": pd.Timestamp("2022-01-02") + pd.Timedelta(days=int(years * 365)),
                         "years": years, "is_korean": slot < korean, "series": f"s{years}-{slot}",
                         "quarter": pd.Period("2022Q1", "Q") + int(4 * years)})
    return pd.DataFrame(rows)


def test_share_trend_hand_worked_odds_ratio():
    # Odds 1/3 at year 0 and 2/2 = 1 at year 1: the saturated logit gives an odds ratio of 3.
    fit = migration.fit_korean_share(_slots(1, 2))
    assert fit["odds_ratio"] == pytest.approx(3.0, rel=1e-6)
    assert fit["low"] < 3 < fit["high"]
    assert (fit["n_weeks"], fit["n_slots"], fit["n_titles"], fit["n_korean_slots"]) == (2, 8, 8, 3)
    assert fit["window"] == "2022Q1\u20132023Q1"


def test_share_trend_clustering_widens_the_interval():
    slots = _slots(1, 2)
    one_cluster_per_slot = migration.fit_korean_share(slots)
    slots["series"] = np.where(slots["is_korean"], "korean hit", slots["series"])
    clustered = migration.fit_korean_share(slots)
    assert clustered["odds_ratio"] == pytest.approx(one_cluster_per_slot["odds_ratio"])
    assert clustered["n_titles"] == 6


def test_share_trend_needs_both_outcomes():
    with pytest.raises(ValueError, match="both Korean and non-Korean"):
        migration.fit_korean_share(_slots(0, 0))


@pytest.mark.parametrize("start, end, message", [
    ("2021Q2", "2025Q2", "can be identified"), ("2021Q3", "2025Q3", "can be identified"),
    ("2024Q1", "2023Q1", "after its end"), ("spring", "2025Q2", "quarter such as"),
])
def test_share_window_is_checked(marked, start, end, message):
    with pytest.raises(ValueError, match=message):
        migration.korean_share_slots(marked, start, end)


def test_share_slots_need_marked_rows(top10_weekly):
    with pytest.raises(ValueError, match="mark_korean"):
        migration.korean_share_slots(top10_weekly)


def test_korean_share_on_the_data(top10_weekly, engagement, catalogue, marked):
    result, sensitivity, verdict = migration.korean_share_evidence(top10_weekly, engagement, catalogue)
    assert result["window"] == "2021Q3\u20132025Q2"
    slots = migration.korean_share_slots(marked)
    assert result["n_slots"] == len(slots) and result["n_korean_slots"] == slots["is_korean"].sum()
    assert result["n_weeks"] == slots["week"].nunique()
    assert result["low"] < result["odds_ratio"] < result["high"]
    assert len(sensitivity) == 25
    full = sensitivity.query("drop_leading == 0 and drop_trailing == 0").iloc[0]
    assert full["odds_ratio"] == pytest.approx(result["odds_ratio"])
    assert sensitivity["weeks"].max() == result["n_weeks"]
    assert verdict == migration.window_verdict(sensitivity)


def test_korean_share_sensitivity_refuses_too_many_drops(top10_weekly, engagement, catalogue):
    with pytest.raises(ValueError, match="fewer than four"):
        migration.korean_share_window_sensitivity(top10_weekly, engagement, catalogue, max_drop=7)


def test_glue_korean_share_keys(monkeypatch):
    glued = {}
    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    result = {"odds_ratio": 0.9745, "low": 0.7939, "high": 1.1961, "p_value": 0.8046, "n_weeks": 209,
              "n_titles": 488, "n_slots": 2026, "share": 0.34008, "window": "2021Q3\u20132025Q2"}
    out = migration.glue_korean_share(result, "no trend detectable")
    assert out == glued
    assert all(key.startswith("ev_kshare_") for key in glued)
    assert (glued["ev_kshare_or"], glued["ev_kshare_or_low"], glued["ev_kshare_or_high"]) == (0.97, 0.79, 1.2)
    assert glued["ev_kshare_pct"] == -2.5 and glued["ev_kshare_p"] == "0.80"
    assert glued["ev_kshare_share"] == 34.0 and glued["ev_kshare_verdict"] == "no trend detectable"


# --- where Korean dramas are first released ---------------------------------------

@pytest.mark.parametrize("org_net, names", [
    ("MBC every1", ["MBC every1"]), ("Naver TV Cast,  vLive,", ["Naver TV Cast", "vLive"]),
    ("Disney+ Hulu", ["Disney+", "Hulu"]), ("jTBC Netflix TVING", ["jTBC", "Netflix", "TVING"]),
    ("DRAMAcube ENA SBS SBS Plus", ["DRAMAcube", "ENA", "SBS", "SBS Plus"]), (None, []), (pd.NA, []),
])
def test_parse_networks(org_net, names):
    assert migration.parse_networks(org_net) == names


@pytest.mark.parametrize("org_net, origin", [
    ("Netflix", "global only"), ("Disney+ Hulu", "global only"), ("jTBC Netflix", "global with domestic"),
    ("Amazon Prime TVING", "global with domestic"), ("tvN", "domestic"), ("KBS2 Viki", "domestic"),
    ("iQiyi Viki", "other foreign only"), ("BS TV Tokyo Netflix", "global only"), (None, "unknown"),
])
def test_classify_release(org_net, origin):
    assert migration.classify_release(org_net) == origin


def test_unclassified_network_is_an_error_naming_the_drama():
    with pytest.raises(ValueError, match=r"drama 'X'.*'Wavve2'"):
        migration.classify_release("Wavve2 tvN", "drama 'X'")


def _mdl(rows, last_start="2022-12-20"):
    frame = pd.DataFrame(rows, columns=["drama_name", "year", "org_net"])
    frame["kdrama_id"] = [f"id{i}" for i in range(len(frame))]
    frame["start_dt"] = [f"{year}-03-01" for year in frame["year"]]
    frame.loc[len(frame) - 1, "start_dt"] = last_start
    return frame


def test_release_origin_by_year_hand_worked():
    mdl = _mdl([("a", 2021, "Netflix"), ("b", 2021, "tvN Netflix"), ("c", 2021, "KBS2"), ("d", 2021, None),
                ("e", 2022, "Netflix"), ("f", 2022, "SBS"), ("g", 2022, "Viki")])
    table = migration.release_origin_by_year(mdl).set_index("year")
    assert table.loc[2021, ["global_only", "global_with_domestic", "domestic", "unknown", "known"]].tolist() == [1, 1, 1, 1, 3]
    assert table.loc[2021, "global_only_share"] == pytest.approx(1 / 3)
    assert table.loc[2022, "other_foreign_only"] == 1
    assert table["full_year"].all()
    # Wilson interval for 1 of 3, from its formula.
    z, n, p = 1.959963984540054, 3, 1 / 3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert table.loc[2021, "global_only_low"] == pytest.approx(centre - half)
    assert table.loc[2021, "global_only_high"] == pytest.approx(centre + half)


def test_release_origin_flags_a_partial_last_year():
    mdl = _mdl([("a", 2021, "Netflix"), ("b", 2022, "tvN")], last_start="Aug  2, 2022")
    table = migration.release_origin_by_year(mdl).set_index("year")
    assert table.loc[2021, "full_year"] and not table.loc[2022, "full_year"]


def test_release_origin_refuses_missing_year():
    mdl = _mdl([("a", 2021, "Netflix"), ("b", None, "tvN")])
    with pytest.raises(ValueError, match="drama 'b' has no year"):
        migration.release_origin_by_year(mdl)


def _by_year(k, n, first=2015, full=None):
    years = list(range(first, first + len(k)))
    return pd.DataFrame({"year": years, "global_only": k, "global_with_domestic": k, "known": n,
                         "dramas": [x + 1 for x in n], "full_year": full or [True] * len(k)})


@pytest.mark.filterwarnings("ignore:Perfect separation")
def test_release_origin_trend_hand_worked():
    # Odds 1/4, 1 and 4: exactly linear in the logit, an odds ratio of 4 a year, no residual.
    fit = migration.release_origin_trend(_by_year([1, 2, 4], [5, 4, 5]))
    assert fit["odds_ratio"] == pytest.approx(4.0, rel=1e-6)
    assert fit["low"] < 4 < fit["high"] and not fit["scaled"]
    assert (fit["n_years"], fit["n_dramas"], fit["window"]) == (3, 14, "2015\u20132017")


def test_release_origin_trend_scales_for_overdispersion():
    k, n = [2, 30, 5, 60, 10, 80], [100] * 6
    fit = migration.release_origin_trend(_by_year(k, n))
    assert fit["scaled"] and fit["dispersion"] > 1
    raw = sm.GLM(np.column_stack([k, [100 - x for x in k]]), sm.add_constant(np.arange(6.0)),
                 family=sm.families.Binomial()).fit()
    raw_low = np.exp(raw.conf_int()[1][0])
    assert fit["low"] < raw_low


@pytest.mark.parametrize("kwargs, message", [
    ({"outcome": "netflix"}, "outcome must be"), ({"start": 2016, "end": 2015}, "after its end"),
    ({"start": 2015, "end": 2016}, "at least three"), ({"end": 2018}, "does not fully cover"),
    ({"denominator": "users"}, "denominator"),
])
def test_release_origin_trend_refuses_bad_windows(kwargs, message):
    table = _by_year([1, 2, 4, 5], [5, 4, 5, 6], full=[True, True, True, False])
    with pytest.raises(ValueError, match=message):
        migration.release_origin_trend(table, **kwargs)


def test_release_origin_trend_refuses_impossible_counts():
    with pytest.raises(ValueError, match="between 0 and known"):
        migration.release_origin_trend(_by_year([1, 6, 4], [5, 4, 5]))


def test_release_origin_on_the_data(mdl_dramas):
    evidence = migration.release_origin_evidence(mdl_dramas)
    table = evidence["by_year"]
    assert table["dramas"].sum() == len(mdl_dramas)
    assert table.loc[~table["full_year"], "year"].tolist() == [2023]
    assert evidence["global_only"]["trend"]["window"] == "2015\u20132022"
    assert len(evidence["global_only"]["sensitivity"]) == 9
    assert evidence["global_only"]["trend_all"]["n_dramas"] == table.query("year <= 2022")["dramas"].sum()


def test_later_licensing_hand_worked():
    mdl = pd.DataFrame({"drama_name": ["Signal", "Kingdom", "Twin", "Twin"], "year": [2016, 2019, 2018, 2019],
                        "org_net": ["tvN", "Netflix", "KBS2", "MBC"]})
    catalogue = pd.DataFrame({"title": ["Signal", "Kingdom", "Twin", "Other"],
                              "country": ["South Korea", "South Korea", "South Korea", "Japan"],
                              "type": ["TV Show"] * 4,
                              "date_added": pd.to_datetime(["2021-04-14", "2019-01-25", "2020-01-01", "2020-01-01"])})
    matched = migration.later_licensing(mdl, catalogue)
    assert matched["title"].tolist() == ["Signal", "Kingdom"]  # "Twin" is ambiguous, dropped
    assert matched["lag_years"].tolist() == [5, 0]
    summary = migration.later_licensing_summary(matched).set_index("origin")
    assert summary.loc["domestic", "a later year"] == 1 and summary.loc["global only", "same year (or before)"] == 1


def test_later_licensing_refuses_an_impossible_match():
    matched = pd.DataFrame({"title": ["x"], "origin": ["domestic"], "lag_years": [-3]})
    with pytest.raises(ValueError, match="before it first aired"):
        migration.later_licensing_summary(matched)


def _shows(rows):
    frame = pd.DataFrame(rows, columns=["report", "period_start", "release_date", "hours_viewed"])
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["release_date"] = pd.to_datetime(frame["release_date"])
    frame["kind"] = "show"
    frame["title"] = [f"Show {i} // 드라마 {i}" for i in range(len(frame))]
    return frame


def test_library_decomposition_hand_worked():
    # First report 2023H2: a 2020 release is in the fixed cohort; in 2025H1 a 2022 release has aged in.
    frame = _shows([("2023H2", "2023-07-01", "2020-05-01", 30), ("2023H2", "2023-07-01", "2022-05-01", 50),
                    ("2023H2", "2023-07-01", None, 20),
                    ("2025H1", "2025-01-01", "2020-05-01", 20), ("2025H1", "2025-01-01", "2022-05-01", 40),
                    ("2025H1", "2025-01-01", "2025-02-01", 40)])
    table = migration.library_cohort_decomposition(frame).set_index(["report", "group"])
    assert table.loc[("2023H2", "fixed library cohort"), "share"] == pytest.approx(0.3)
    assert table.loc[("2023H2", "recent releases"), "share"] == pytest.approx(0.5)
    assert table.loc[("2025H1", "fixed library cohort"), "share"] == pytest.approx(0.2)
    assert table.loc[("2025H1", "aged into the library"), "share"] == pytest.approx(0.4)
    assert table.loc[("2025H1", "no release date"), "titles"] == 0
    assert table.groupby("report")["share"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_library_decomposition_refuses_bad_input():
    frame = _shows([("2023H2", "2023-07-01", "2020-05-01", -5)])
    with pytest.raises(ValueError, match="negative hours"):
        migration.library_cohort_decomposition(frame)
    frame = _shows([("2023H2", "2023-07-01", "2020-05-01", 5), ("2023H2", "2023-08-01", "2020-05-01", 5)])
    with pytest.raises(ValueError, match="more than one period_start"):
        migration.library_cohort_decomposition(frame)
    with pytest.raises(ValueError, match="lack the column 'hours_viewed'"):
        migration.library_cohort_decomposition(frame.drop(columns="hours_viewed"))


def test_library_decomposition_on_the_data(engagement):
    table = migration.library_cohort_decomposition(engagement)
    assert table["report"].min() == "2023H2"  # H1 2023 does not separate shows
    fixed = table[table["group"] == "fixed library cohort"].set_index("report")["titles"]
    assert fixed.max() - fixed.min() <= 5  # the same set of titles, give or take the threshold


def test_window_sensitivity_matches_the_evidence(top10_weekly, engagement, catalogue):
    table = migration.korean_share_window_sensitivity(top10_weekly, engagement, catalogue, max_drop=1)
    _, evidence, _ = migration.korean_share_evidence(top10_weekly, engagement, catalogue, max_drop=1)
    pd.testing.assert_frame_equal(table, evidence)
    assert table[["drop_leading", "drop_trailing"]].values.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert table.loc[3, "window"] == "2021Q4\u20132025Q1"
    with pytest.raises(ValueError, match="must not be negative"):
        migration.korean_share_window_sensitivity(top10_weekly, engagement, catalogue, max_drop=-1)


def test_parse_networks_refuses_non_text():
    with pytest.raises(ValueError, match="must be text"):
        migration.parse_networks(3, "drama 'Y'")


def test_coverage_end_needs_a_readable_date():
    mdl = _mdl([("a", 2021, "Netflix")], last_start="sometime")
    with pytest.raises(ValueError, match="no readable start_dt"):
        migration.mdl_coverage_end(mdl)
    assert migration.mdl_coverage_end(_mdl([("a", 2021, "tvN"), ("b", 2022, "tvN")])) == pd.Timestamp("2022-12-20")


def test_release_origin_sensitivity_windows():
    table = _by_year([1, 2, 4, 5, 7], [9, 8, 9, 9, 10])
    sensitivity = migration.release_origin_sensitivity(table, max_drop=1)
    assert sensitivity["window"].tolist() == ["2015\u20132019", "2015\u20132018", "2016\u20132019", "2016\u20132018"]
    with pytest.raises(ValueError, match="must not be negative"):
        migration.release_origin_sensitivity(table, max_drop=-1)


def test_glue_release_origin_keys(monkeypatch, mdl_dramas):
    glued = {}
    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    evidence = migration.release_origin_evidence(mdl_dramas)
    out = migration.glue_release_origin(evidence)
    assert out == glued and all(key.startswith("ev_origin_") for key in glued)
    last = evidence["by_year"].query("year == 2022").iloc[0]
    assert glued["ev_origin_last_year"] == "2022" and glued["ev_origin_partial_year"] == "2023"
    assert glued["ev_origin_go_last_pct"] == rounded(100 * last["global_only_share"], 1)
    assert glued["ev_origin_go_or"] == rounded(evidence["global_only"]["trend"]["odds_ratio"], 2)
    assert glued["ev_origin_go_verdict"] == evidence["global_only"]["verdict"]
    assert glued["ev_origin_n"] == evidence["global_only"]["trend"]["n_dramas"]
