"""Tests for korean_ott.migration: the hand-curated tables and the chapter's statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from korean_ott import data, migration


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


def test_poisson_trend_recovers_known_rate():
    quarters = pd.period_range("2021Q3", "2025Q2", freq="Q").astype(str)
    identifiable = np.full(len(quarters), 1000)
    years = np.arange(len(quarters)) / 4
    korean = np.round(identifiable * 0.3 * 0.9 ** years)
    table = pd.DataFrame({"quarter": quarters, "identifiable": identifiable, "korean": korean,
                          "in_fit_window": True})
    fit = migration.fit_count_trend(table)
    assert fit["model"] == "Poisson"
    assert fit["rate_ratio"] == pytest.approx(0.9, abs=0.01)
    assert fit["low"] < fit["rate_ratio"] < fit["high"]


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


def test_chart_runs_and_survival(marked):
    runs = migration.chart_runs(marked)
    assert runs["title_key"].is_unique
    assert not runs.loc[runs["eligible"], "left_truncated"].any()
    result = migration.survival_comparison(runs)
    assert set(result["summary"]["group"]) == {"Korean", "other non-English"}
    assert 0 <= result["p_value"] <= 1
    table = migration.km_table(result["curves"]["Korean"])
    assert table["survival"].is_monotonic_decreasing
    assert ((table["ci_low"] <= table["survival"]) & (table["survival"] <= table["ci_high"])).all()


def test_platform_finance_reads_register():
    finance = migration.platform_finance()
    assert len(finance) == len(migration.FINANCE_ROWS)
    wavve_2023 = finance.query("platform == 'Wavve' and metric == 'operating loss' and year == 2023")
    assert wavve_2023["bn_krw"].item() == data.fact_number("F101")
    for chosen, alternative, _ in migration.FINANCE_ALTERNATIVES:
        assert data.fact(chosen)["as_of"] == data.fact(alternative)["as_of"]
