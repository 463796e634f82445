"""Properties of the two expert-view models and the evidence helpers (korean_ott.expert_views)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from korean_ott import expert_views


@pytest.fixture
def base() -> expert_views.ReinvestmentParams:
    return expert_views.calibrate_reinvestment(ad_share=0.25, share0=0.4, reinvest_rate=0.6,
                                         depreciation=0.25, fixed_cost_share=0.3)


# --- reinvestment feedback -------------------------------------------------------

def test_calibrated_start_is_a_steady_state(base):
    path = expert_views.simulate_reinvestment(base, 40)
    assert np.allclose(path["content"], base.content0)
    assert np.allclose(path["share"], base.share0)
    assert np.allclose(path["revenue"], 100.0)


def test_calibrated_state_is_among_analytic_steady_states(base):
    states = expert_views.reinvestment_steady_states(base)
    assert any(math.isclose(s, base.content0, rel_tol=1e-9) for s in states)
    assert states == sorted(states)


def test_each_steady_state_is_a_fixed_point(base):
    for state in expert_views.reinvestment_steady_states(base):
        share = expert_views.target_share(state, base.global_content) if state > 0 else 0.0
        params = replace(base, content0=state, share0=share)
        path = expert_views.simulate_reinvestment(params, 30)
        assert np.allclose(path["content"], state, atol=1e-9)


def test_more_reinvestment_never_means_less_content(base):
    finals = [expert_views.final_content(replace(base, reinvest_rate=r), 30) for r in np.linspace(0, 1, 21)]
    assert all(b >= a - 1e-12 for a, b in zip(finals, finals[1:]))


def test_threshold_separates_collapse_from_recovery(base):
    zero, low, high = expert_views.reinvestment_steady_states(base)
    assert zero == 0.0 and 0 < low < high

    def start(q):
        return replace(base, content0=q, share0=expert_views.target_share(q, base.global_content))

    below = expert_views.simulate_reinvestment(start(0.9 * low), 300)
    above = expert_views.simulate_reinvestment(start(1.1 * low), 300)
    assert below["content"].iloc[-1] < 1e-3 * low
    assert math.isclose(above["content"].iloc[-1], high, rel_tol=1e-3)


def test_no_reinvestment_decays_geometrically(base):
    path = expert_views.simulate_reinvestment(replace(base, reinvest_rate=0.0), 10)
    expected = base.content0 * (1 - base.depreciation) ** np.arange(11)
    assert np.allclose(path["content"], expected)


def test_falling_ads_lower_revenue_and_content(base):
    path = expert_views.simulate_reinvestment(replace(base, ad_growth=-0.05), 20)
    assert path["ad_revenue"].is_monotonic_decreasing
    assert path["content"].iloc[-1] < base.content0


def test_ads_above_fixed_costs_remove_the_zero_state(base):
    rich = replace(base, ad_revenue=base.fixed_cost + 1)
    assert 0.0 not in expert_views.reinvestment_steady_states(rich)


def test_invalid_parameters_are_rejected(base):
    with pytest.raises(ValueError):
        replace(base, reinvest_rate=1.5)
    with pytest.raises(ValueError):
        replace(base, global_content=0)
    with pytest.raises(ValueError):
        expert_views.simulate_reinvestment(base, -1)


# --- windowing ----------------------------------------------------------------------

@pytest.fixture
def win() -> expert_views.WindowingParams:
    return expert_views.WindowingParams(domestic_revenue=0.7, licence_fee=0.8, decay=0.3,
                                  discount_rate=0.05, window_years=1.0, cost_plus_margin=0.1)


def test_windowing_formula(win):
    out = expert_views.windowing_revenue(win)
    assert math.isclose(out["domestic_first"], 0.7 + 0.8 * math.exp(-0.35))
    assert math.isclose(out["direct_to_global"], 1.1)
    assert math.isclose(out["difference"], out["domestic_first"] - out["direct_to_global"])


def test_break_even_window_equals_analytic_and_zeroes_difference(win):
    w_star = expert_views.break_even_window(win)
    assert math.isclose(w_star, math.log(0.8 / (1.1 - 0.7)) / 0.35)
    at = expert_views.windowing_revenue(replace(win, window_years=w_star))
    assert abs(at["difference"]) < 1e-12
    assert expert_views.windowing_revenue(replace(win, window_years=w_star - 0.1))["difference"] > 0
    assert expert_views.windowing_revenue(replace(win, window_years=w_star + 0.1))["difference"] < 0


def test_break_even_domestic_revenue_zeroes_difference(win):
    d_star = expert_views.break_even_domestic_revenue(win)
    assert abs(expert_views.windowing_revenue(replace(win, domestic_revenue=d_star))["difference"]) < 1e-12


def test_difference_monotone_in_window_and_domestic_revenue(win):
    by_window = [expert_views.windowing_revenue(replace(win, window_years=w))["difference"]
                 for w in np.linspace(0, 5, 11)]
    by_domestic = [expert_views.windowing_revenue(replace(win, domestic_revenue=d))["difference"]
                   for d in np.linspace(0, 1.5, 11)]
    assert all(b < a for a, b in zip(by_window, by_window[1:]))
    assert all(b > a for a, b in zip(by_domestic, by_domestic[1:]))


def test_break_even_window_edge_cases(win):
    assert expert_views.break_even_window(replace(win, domestic_revenue=1.2)) == math.inf
    assert math.isnan(expert_views.break_even_window(replace(win, licence_fee=0.3)))
    assert expert_views.break_even_window(replace(win, decay=0.0, discount_rate=0.0)) == math.inf


def test_windowing_grid_shape_and_values(win):
    grid = expert_views.windowing_grid(win, "domestic_revenue", [0.5, 1.0], "licence_fee", [0.2, 0.4, 0.6])
    assert len(grid) == 6
    row = grid[(grid.domestic_revenue == 1.0) & (grid.licence_fee == 0.4)].iloc[0]
    assert math.isclose(row["difference"], expert_views.windowing_revenue(
        replace(win, domestic_revenue=1.0, licence_fee=0.4))["difference"])
    with pytest.raises(ValueError):
        expert_views.windowing_grid(win, "nope", [1], "licence_fee", [1])


def test_negative_windowing_parameter_rejected(win):
    with pytest.raises(ValueError):
        replace(win, decay=-0.1)


# --- evidence helpers -----------------------------------------------------------------

def test_classify_origin():
    assert expert_views.classify_origin("Netflix") == "global only"
    assert expert_views.classify_origin("Disney+ Hulu") == "global only"
    assert expert_views.classify_origin("jTBC Netflix") == "global with domestic"
    assert expert_views.classify_origin("Amazon Prime TVING") == "global with domestic"
    assert expert_views.classify_origin("TVING") == "domestic or other"
    assert expert_views.classify_origin(pd.NA) == "unknown"


def test_library_decay_recovers_known_slope():
    rows = []
    for title, rate in (("가 // 가", -0.1), ("나 // 나", -0.3)):
        for i, report in enumerate(expert_views.REPORT_ORDER):
            rows.append({"report": report, "kind": "show", "title": title,
                         "release_date": pd.Timestamp("2021-01-01"),
                         "hours_viewed": 1e6 * math.exp(rate * i)})
    rows.append({"report": "2023H1", "kind": "show", "title": "English only",
                 "release_date": pd.Timestamp("2021-01-01"), "hours_viewed": 5.0})
    slopes = expert_views.library_decay(pd.DataFrame(rows))
    assert list(slopes["title"]) == ["가 // 가", "나 // 나"]
    assert np.allclose(slopes["slope_per_half_year"], [-0.1, -0.3])
    est = expert_views.annual_decay_estimate(slopes["slope_per_half_year"])
    assert math.isclose(est["rate"], 0.4)
    assert est["rate_low"] < est["rate"] < est["rate_high"]


def test_share_by_year_wilson():
    frame = pd.DataFrame({"year": [2020] * 4 + [2021] * 2, "flag": [True, False, False, False, True, True]})
    out = expert_views.share_by_year(frame, "year", "flag")
    assert list(out["k"]) == [1, 2] and list(out["n"]) == [4, 2]
    assert list(out["share_pct"]) == [25.0, 100.0]
    assert (out["ci_low_pct"] <= out["share_pct"]).all() and (out["share_pct"] <= out["ci_high_pct"]).all()


def test_logistic_trend_direction():
    frame = pd.DataFrame({"year": np.repeat(np.arange(2015, 2023), 50)})
    frame["flag"] = [(i % 50) < 5 * (y - 2014) for i, y in enumerate(frame["year"])]
    out = expert_views.logistic_trend(frame, "year", "flag")
    assert out["or_low"] > 1


@pytest.fixture(scope="module")
def evidence():
    return expert_views.collect_evidence()


def test_evidence_reads_the_facts_register(evidence, facts):
    assert evidence["ads_2019"] == float(facts.loc["F062", "value"])
    assert evidence["bcast_dramas_2023"] == int(float(facts.loc["F051", "value"]))
    assert evidence["whc1_weeks_in_top10"] >= 1
    assert 0 < evidence["lib_loss_low_pct"] <= evidence["lib_loss_pct"] <= evidence["lib_loss_high_pct"]


def test_predictions_table_uses_the_verdict_vocabulary(evidence):
    table = expert_views.predictions_table(evidence)
    assert table["verdict"].isin(expert_views.VERDICTS).all()
    assert set(table["view"]) == {"vicious cycle", "windowing"}
    assert table["id"].is_unique


def test_minimum_viable_reinvestment_rises_as_ads_fall(base):
    rich = expert_views.minimum_viable_reinvestment(base)
    poor = expert_views.minimum_viable_reinvestment(replace(base, ad_revenue=0.5 * base.ad_revenue))
    assert 0 < rich < poor <= 1
    assert expert_views.reinvestment_steady_states(replace(base, reinvest_rate=rich))[-1] > 0
    below = replace(base, reinvest_rate=rich - 0.01)
    assert expert_views.reinvestment_steady_states(below) == [0.0]
