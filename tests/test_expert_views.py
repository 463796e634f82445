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
                                        discount_rate=0.05, window_years=1.0, cost_plus_margin=0.1,
                                        hit_probability=0.5, sequel_value=0.2, cannibalisation=0.25)


def test_windowing_worked_by_hand(win):
    # licence after one year: 0.8 * exp(-0.35) = 0.563750...; hit value 0.763750...
    out = expert_views.windowing_revenue(win)
    hit = 0.8 * math.exp(-0.35) + 0.2
    assert math.isclose(out["domestic_first"], 0.7 + 0.5 * hit)            # 1.081875
    assert math.isclose(out["domestic_first"], 1.081875, abs_tol=1e-6)
    assert math.isclose(out["direct_to_global"], 1.1)
    assert math.isclose(out["difference"], 1.081875 - 1.1, abs_tol=1e-6)
    assert math.isclose(out["simultaneous"], 0.7 * 0.75 + 0.5 * 1.0)       # 1.025
    assert math.isclose(out["simultaneous_difference"], -0.075)
    assert math.isclose(out["sd_domestic_first"], 0.5 * hit)


def test_certain_hit_without_sequel_is_the_old_model(win):
    sure = replace(win, hit_probability=1.0, sequel_value=0.0)
    out = expert_views.windowing_revenue(sure)
    assert math.isclose(out["domestic_first"], 0.7 + 0.8 * math.exp(-0.35))
    assert out["sd_domestic_first"] == 0.0


def test_break_even_window_by_hand(win):
    # pi*l = 0.4; gap = 1.1 - 0.7 - 0.5*0.2 = 0.3; w* = ln(0.4/0.3)/0.35 = 0.821949...
    w_star = expert_views.break_even_window(win)
    assert math.isclose(w_star, math.log(0.4 / 0.3) / 0.35)
    assert math.isclose(w_star, 0.821949, abs_tol=1e-6)
    at = expert_views.windowing_revenue(replace(win, window_years=w_star))
    assert abs(at["difference"]) < 1e-12
    assert expert_views.windowing_revenue(replace(win, window_years=w_star - 0.1))["difference"] > 0
    assert expert_views.windowing_revenue(replace(win, window_years=w_star + 0.1))["difference"] < 0


def test_break_even_hit_probability_by_hand(win):
    # gap 0.4 over hit value 0.763750... = 0.52373...
    pi_star = expert_views.break_even_hit_probability(win)
    assert math.isclose(pi_star, 0.4 / (0.8 * math.exp(-0.35) + 0.2))
    at = expert_views.windowing_revenue(replace(win, hit_probability=pi_star))
    assert abs(at["difference"]) < 1e-12
    assert expert_views.break_even_hit_probability(replace(win, domestic_revenue=1.2)) == 0.0
    assert math.isnan(expert_views.break_even_hit_probability(replace(win, licence_fee=0.1, sequel_value=0.0)))


def test_break_even_decay_by_hand(win):
    # k* = ln(0.4/0.3)/1 - 0.05 = 0.23768...
    k_star = expert_views.break_even_decay(win)
    assert math.isclose(k_star, math.log(0.4 / 0.3) - 0.05)
    assert abs(expert_views.windowing_revenue(replace(win, decay=k_star))["difference"]) < 1e-12
    assert math.isnan(expert_views.break_even_decay(replace(win, licence_fee=0.5)))  # fails even at k = 0
    assert expert_views.break_even_decay(replace(win, domestic_revenue=1.2)) == math.inf
    with pytest.raises(ValueError):
        expert_views.break_even_decay(replace(win, window_years=0.0))


def test_difference_monotone(win):
    by_window = [expert_views.windowing_revenue(replace(win, window_years=w))["difference"]
                 for w in np.linspace(0, 5, 11)]
    by_hit = [expert_views.windowing_revenue(replace(win, hit_probability=p))["difference"]
              for p in np.linspace(0, 1, 11)]
    assert all(b < a for a, b in zip(by_window, by_window[1:]))
    assert all(b > a for a, b in zip(by_hit, by_hit[1:]))


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
    with pytest.raises(ValueError, match="unknown parameter"):
        expert_views.windowing_grid(win, "nope", [1], "licence_fee", [1])


@pytest.mark.parametrize("field,value", [("decay", -0.1), ("hit_probability", 1.5),
                                         ("cannibalisation", 2.0), ("licence_fee", math.nan)])
def test_bad_windowing_parameter_rejected(win, field, value):
    with pytest.raises(ValueError, match=field):
        replace(win, **{field: value})


def test_one_at_a_time_finds_the_reversal(win):
    table = expert_views.one_at_a_time(win, {"window_years": (0.0, 3.0), "domestic_revenue": (0.7, 0.8)},
                                       lambda p: expert_views.windowing_revenue(p)["difference"])
    row = table.set_index("parameter").loc["window_years"]
    assert math.isclose(row["reverses_at"], expert_views.break_even_window(win), rel_tol=1e-6)
    assert row["outcome_low"] > 0 > row["outcome_high"]
    # difference at d = 0.8 is 1.181875 - 1.1 > 0: reverses at d = 1.1 - 0.381875 = 0.718125
    assert math.isclose(table.set_index("parameter").loc["domestic_revenue", "reverses_at"], 0.718125, abs_tol=1e-6)
    with pytest.raises(ValueError, match="does not contain"):
        expert_views.one_at_a_time(win, {"decay": (0.5, 1.0)}, lambda p: 0.0)
    with pytest.raises(ValueError, match="unknown parameter"):
        expert_views.one_at_a_time(win, {"nope": (0.0, 1.0)}, lambda p: 0.0)


def test_global_growth_lowers_the_domestic_share(base):
    still = expert_views.final_share_change(base, 5)
    assert abs(still) < 1e-9
    assert expert_views.final_share_change(replace(base, global_growth=0.1), 5) < 0
    with pytest.raises(ValueError):
        replace(base, global_growth=-1.0)


def test_parameter_table_needs_meanings(win):
    table = expert_views.parameter_table(win, expert_views.WINDOWING_MEANING, {"decay": "data"})
    assert list(table["anchor"]).count("data") == 1
    with pytest.raises(ValueError, match="no meaning"):
        expert_views.parameter_table(win, {}, {})


# --- evidence and predictions ----------------------------------------------------------

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


def test_domestic_share_by_hand():
    table = pd.DataFrame({"month": ["2021-01"] * 3 + ["2021-02"] * 2,
                          "platform": ["Wavve", "Tving", "Netflix", "Wavve", "Netflix"],
                          "mau": [3.0, 1.0, 4.0, 2.0, 2.0]})
    out = expert_views.domestic_share(table, "month", "mau")
    assert out["month"].tolist() == ["2021-01"]          # Tving missing in February
    assert out["share_pct"].tolist() == [50.0]           # (3 + 1) / (3 + 1 + 4)
    only = expert_views.domestic_share(table, "month", "mau", domestic=("Wavve",))
    assert only["share_pct"].tolist() == [3 / 7 * 100, 50.0]


def test_domestic_share_bad_input():
    table = pd.DataFrame({"month": ["2021-01", "2021-01"], "platform": ["Wavve", "Wavve"], "mau": [1.0, 2.0]})
    with pytest.raises(ValueError, match="no rows for platform"):
        expert_views.domestic_share(table, "month", "mau")
    dup = pd.DataFrame({"month": ["2021-01"] * 4, "platform": ["Wavve", "Wavve", "Tving", "Netflix"],
                        "mau": [1.0, 2.0, 1.0, 1.0]})
    with pytest.raises(ValueError, match="two rows for Wavve at 2021-01"):
        expert_views.domestic_share(dup, "month", "mau")
    neg = pd.DataFrame({"month": ["2021-01"] * 3, "platform": ["Wavve", "Tving", "Netflix"], "mau": [-1.0, 1.0, 1.0]})
    with pytest.raises(ValueError, match="negative"):
        expert_views.domestic_share(neg, "month", "mau")


def test_window_change_by_hand():
    table = pd.DataFrame({"year": [2020, 2021, 2022, 2023], "v": [10.0, 20.0, 15.0, 30.0]})
    out = expert_views.window_change(table, "year", "v", 2021, 2023)
    assert (out["start"], out["end"], out["change"], out["change_pct"]) == ("2021", "2023", 10.0, 50.0)
    with pytest.raises(ValueError, match="fewer than two"):
        expert_views.window_change(table, "year", "v", 2023, 2024)


def test_change_verdict_rules():
    assert expert_views.change_verdict([-2.0, -3.0], -1, 1.0) == "supported"
    assert expert_views.change_verdict([2.0, 3.0], -1, 1.0) == "contradicted"
    assert expert_views.change_verdict([-2.0, 0.5], -1, 1.0) == "inconclusive"   # one within the band
    assert expert_views.change_verdict([-2.0, 3.0], -1) == "inconclusive"        # windows disagree
    with pytest.raises(ValueError):
        expert_views.change_verdict([1.0], 0)
    with pytest.raises(ValueError):
        expert_views.change_verdict([], 1)


def test_shared_verdict_mappings():
    assert expert_views.trend_verdict("rising: every one of the 9 windows") == "supported"
    assert expert_views.trend_verdict("falling: every one") == "contradicted"
    assert expert_views.trend_verdict("no trend detectable: ...") == "inconclusive"
    assert expert_views.advertising_verdict({"stance": "fell in every year after its peak"}) == "supported"
    assert expert_views.advertising_verdict({"stance": "at its highest level since the break"}) == "contradicted"
    assert expert_views.advertising_verdict({"stance": "below its peak, with rises and falls since"}) == "inconclusive"


ESTABLISHED = "larger than year-to-year variation at every dispersion estimate"
UNSETTLED = "larger than Poisson variation, but not at 3 of the 4 dispersion estimates"


@pytest.mark.parametrize("bc, gott, bc_verdict, expected", [
    ((109, 77), (3, 22), ESTABLISHED, "supported"),
    ((109, 77), (3, 22), UNSETTLED, "inconclusive"),
    ((77, 109), (22, 3), ESTABLISHED, "contradicted"),
    ((109, 109), (3, 22), ESTABLISHED, "inconclusive"),
])
def test_drama_supply_verdict_follows_the_production_chapter(bc, gott, bc_verdict, expected):
    shift = {"bc_first": bc[0], "bc_last": bc[1], "gott_first": gott[0], "gott_last": gott[1],
             "bc_verdict": bc_verdict, "gott_verdict": ESTABLISHED}
    assert expert_views.drama_supply_verdict(shift) == expected


def test_drama_supply_uses_the_production_chapters_computation(evidence):
    from korean_ott import data, production
    shift = production.drama_shift(data.load_resource("industry_series"))
    assert evidence["drama_shift"] == shift
    row = expert_views.predictions_table(evidence).set_index("id").loc["N2"]
    assert row["verdict"] == expert_views.drama_supply_verdict(shift)


def _table(rows):
    return pd.DataFrame([{"id": i, "predicted by": by, "verdict": v, "discriminating": d}
                         for i, by, v, d in rows])


def test_verdict_by_view_uses_discriminating_rows_only():
    table = _table([("A1", "A only", "contradicted", True), ("A2", "A only", "inconclusive", True),
                    ("N1", "both", "supported", False), ("B1", "B only", "not testable here", True)])
    assert expert_views.verdict_by_view(table) == {"A": "contradicted", "B": "not testable here"}
    mixed = _table([("A1", "A only", "contradicted", True), ("A2", "A only", "supported", True),
                    ("B1", "B only", "inconclusive", True), ("B2", "B only", "supported", False)])
    assert expert_views.verdict_by_view(mixed) == {"A": "mixed", "B": "inconclusive"}


def test_predictions_table_bad_rows_rejected():
    with pytest.raises(ValueError, match="cannot discriminate"):
        expert_views.verdict_by_view(_table([("N1", "both", "supported", True)]))
    with pytest.raises(ValueError, match="verdict 'maybe'"):
        expert_views.verdict_by_view(_table([("A1", "A only", "maybe", True)]))
    with pytest.raises(ValueError, match="predicted by"):
        expert_views.verdict_by_view(_table([("A1", "C only", "supported", True)]))


@pytest.fixture(scope="module")
def evidence():
    return expert_views.collect_evidence()


def test_evidence_reads_the_register(evidence, facts):
    rev = evidence["revenue_share"].set_index("year")
    wavve, tving, netflix = (float(facts.loc[f, "value"]) for f in ("F095", "F108", "F121"))
    assert math.isclose(rev.loc[2021, "share_pct"], 100 * (wavve + tving) / (wavve + tving + netflix))
    assert evidence["users_common"]["start"] == "2021-02"
    assert evidence["whc1"]["weeks_in_top10"] >= 1


def test_predictions_table_is_complete(evidence):
    table = expert_views.predictions_table(evidence)
    assert table["id"].is_unique
    assert set(table["verdict"]) <= set(expert_views.VERDICTS)
    assert not table.loc[table["predicted by"] == "both", "discriminating"].any()
    assert not table.loc[table["id"] == "N6", "discriminating"].item()


# --- Model A with a growing rival, and the helpers around it ---------------------------

def test_growing_rival_worked_by_hand():
    # Q0 = 10, G = 10, s0 = 0.5, no reinvestment, no depreciation, h = 1 (rival doubles each year),
    # lambda = 1: s1 = Q0 / (Q0 + G0) = 0.5; s2 = Q1 / (Q1 + 2 G) = 10 / 30.
    params = expert_views.ReinvestmentParams(
        reinvest_rate=0.0, depreciation=0.0, price=1.0, fixed_cost=0.0, ad_revenue=0.0, ad_growth=0.0,
        global_content=10.0, adjust_speed=1.0, content0=10.0, share0=0.5, global_growth=1.0)
    path = expert_views.simulate_reinvestment(params, 3)
    assert np.allclose(path["share"], [0.5, 0.5, 10 / 30, 10 / 50])
    assert math.isclose(expert_views.final_share_change(params, 2), 100 * (10 / 30 - 0.5))


@pytest.fixture
def inputs_a() -> expert_views.ViewAInputs:
    return expert_views.ViewAInputs(ad_share=0.25, share0=0.4, reinvest_rate=0.6, depreciation=0.25,
                                    fixed_cost_share=0.3, adjust_speed=0.5, ad_growth=0.0, global_growth=0.0)


def test_view_a_inputs_calibrate_a_steady_state(inputs_a):
    params = inputs_a.params()
    # R0 = 100, F = 30, Q0 = r (R0 - F) / delta = 0.6 * 70 / 0.25 = 168, G = Q0 (1 - s0) / s0 = 252
    assert math.isclose(params.content0, 168.0)
    assert math.isclose(params.global_content, 252.0)
    path = expert_views.share_path(inputs_a, 5)
    assert np.allclose(path["share_pct"], 40.0)


@pytest.mark.parametrize("field,value", [("ad_share", 1.5), ("reinvest_rate", -0.1), ("global_growth", math.nan)])
def test_view_a_inputs_bad_input(inputs_a, field, value):
    with pytest.raises(ValueError, match=field):
        replace(inputs_a, **{field: value})


def test_sensitivity_table_layout_and_values(inputs_a):
    table = expert_views.sensitivity_table(
        inputs_a, expert_views.VIEW_A_INPUT_MEANING, {"share0": "panel"},
        {"global_growth": (0.0, 0.2)}, {"two years": lambda i: expert_views.final_share_change(i.params(), 2)})
    assert table["parameter"].tolist() == list(expert_views.VIEW_A_INPUT_MEANING)
    row = table.set_index("parameter").loc["global_growth"]
    assert row["two years: low"] == 0.0 and row["two years: high"] < 0
    assert table.set_index("parameter").loc["share0", "source"] == "panel"
    assert math.isnan(table.set_index("parameter").loc["share0", "low"])
    with pytest.raises(ValueError, match="unknown parameter"):
        expert_views.sensitivity_table(inputs_a, expert_views.VIEW_A_INPUT_MEANING, {"nope": "x"}, {}, {})



@pytest.mark.parametrize("inputs, meaning, labels", [
    (expert_views.ViewAInputs, expert_views.VIEW_A_INPUT_MEANING, expert_views.VIEW_A_INPUT_LABEL),
    (expert_views.WindowingParams, expert_views.WINDOWING_MEANING, expert_views.WINDOWING_LABEL)])
def test_every_parameter_has_one_distinct_short_label(inputs, meaning, labels):
    from dataclasses import fields
    assert list(labels) == [f.name for f in fields(inputs)] == list(meaning)
    assert len(set(labels.values())) == len(labels)

def test_pairwise_changes_by_hand():
    table = pd.DataFrame({"month": ["2021-01", "2021-07", "2022-01", "2023-01"], "v": [10.0, 12.0, 11.0, 15.0]})
    out = expert_views.pairwise_changes(table, "month", "v")
    # pairs a year or more apart: Jan21-Jan22 (+1), Jan21-Jan23 (+5), Jul21-Jan23 (+3), Jan22-Jan23 (+4)
    assert sorted(out["change"].tolist()) == [1.0, 3.0, 4.0, 5.0]
    years = pd.DataFrame({"year": [2021, 2022], "v": [1.0, 3.0]})
    assert expert_views.pairwise_changes(years, "year", "v")["change"].tolist() == [2.0]
    with pytest.raises(ValueError, match="no two observations"):
        expert_views.pairwise_changes(years, "year", "v", min_gap_years=2)


def test_facts_table_reads_the_register(facts):
    table = expert_views.facts_table({"Wavve": {2022: "F097"}})
    assert table["value"].tolist() == [float(facts.loc["F097", "value"])]
    with pytest.raises(KeyError, match="F999"):
        expert_views.facts_table({"Wavve": {2022: "F999"}})


def test_glue_predictions_keys(monkeypatch):
    glued = {}
    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    table = _table([("A1", "A only", "contradicted", True), ("B1", "B only", "not testable here", True),
                    ("N1", "both", "supported", False)])
    expert_views.glue_predictions(table)
    assert glued["ev_pred_a1_verdict"] == "contradicted"
    assert glued["ev_view_a_verdict"] == "contradicted"
    assert glued["ev_view_b_verdict"] == "not testable here"
    assert glued["ev_pred_n"] == 3 and glued["ev_pred_n_discriminating"] == 2
