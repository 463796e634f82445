"""Tests for korean_ott.production: the derived series table and the statistics."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from korean_ott import data, production

SERIES_FILE = data.DATA_DIR / production.SERIES_OUTPUT


def test_committed_series_is_regenerated_byte_identically(data_dir):
    assert production.industry_series_bytes(data_dir / "facts.csv") == SERIES_FILE.read_bytes()


def test_series_resource_checksum_matches(resources):
    resource = resources[production.RESOURCE_NAME]
    assert resource["path"] == production.SERIES_OUTPUT.as_posix()
    assert resource["hash"] == f"sha256:{data.file_sha256(SERIES_FILE)}"
    assert resource["bytes"] == SERIES_FILE.stat().st_size


def test_series_loads_and_validates():
    table = data.load_resource(production.RESOURCE_NAME)
    assert len(table) == len(production.SERIES_POINTS)
    assert not table.duplicated(["series", "year", "fact_id"]).any()


def test_every_fact_id_exists_and_values_agree_with_register(facts):
    table = data.load_resource(production.RESOURCE_NAME)
    for row in table.itertuples():
        assert row.fact_id in facts.index, row.fact_id
        source = facts.loc[row.fact_id]
        assert row.confidence == source["confidence"]
        assert row.unit == source["unit"]
        if row.value_from == "value":
            assert row.value == pytest.approx(float(source["value"]))
        else:
            # A number read from the claim must appear in it next to its year.
            assert f"{row.value:g}" in source["claim"] and str(row.year) in source["claim"]


def test_claim_patterns_read_the_earlier_year(facts):
    table = data.load_resource(production.RESOURCE_NAME)
    seed = production.series(table, "seed_original_dramas")
    assert list(seed.index) == [2022, 2023]
    assert seed[2023] == float(facts.loc["F022", "value"])
    assert "from 115 (2022)" in facts.loc["F022", "claim"]


def test_pattern_that_does_not_match_is_an_error(facts):
    point = production.SeriesPoint("x", "F022", 2022, r"from (\d+) \(1999\)")
    with pytest.raises(ValueError, match="F022"):
        production.point_value(point, facts.loc["F022"])


def test_missing_fact_row_is_an_error(facts):
    with pytest.raises(KeyError, match="F022"):
        production.build_industry_series(facts.drop(index="F022").reset_index(drop=True))


def test_unknown_series_is_an_error():
    table = data.load_resource(production.RESOURCE_NAME)
    with pytest.raises(KeyError):
        production.series(table, "no_such_series")


def test_implied_base():
    assert production.implied_base(90, -25 / 115 * 100) == pytest.approx(115)
    assert production.implied_base(110, 10) == pytest.approx(100)
    with pytest.raises(ValueError):
        production.implied_base(1, -100)


def test_poisson_rate_ratio_known_values():
    result = production.poisson_rate_ratio(90, 115)
    assert result["rate_ratio"] == pytest.approx(90 / 115)
    assert result["ci_low"] < result["rate_ratio"] < result["ci_high"]
    # Equal counts: ratio 1, no evidence of change.
    same = production.poisson_rate_ratio(50, 50)
    assert same["rate_ratio"] == pytest.approx(1)
    assert same["p_value"] == pytest.approx(1)
    # A very large drop is detected.
    assert production.poisson_rate_ratio(10, 100)["p_value"] < 1e-6


def test_two_proportions_known_values():
    result = production.two_proportions(30, 120, 21, 136)
    assert result["difference"] == pytest.approx(30 / 120 - 21 / 136)
    assert result["ci_low"] < result["difference"] < result["ci_high"]
    assert result["cohens_h"] == pytest.approx(
        2 * math.asin(math.sqrt(30 / 120)) - 2 * math.asin(math.sqrt(21 / 136)))


def test_loglinear_trend_recovers_exact_growth():
    values = pd.Series([100 * 1.1 ** k for k in range(5)], index=range(2019, 2024))
    result = production.loglinear_trend(values)
    assert result["pct_per_year"] == pytest.approx(10)
    assert result["df_resid"] == 3
    assert result["ci_low"] == pytest.approx(10) and result["ci_high"] == pytest.approx(10)


def test_largest_significant_count():
    from statsmodels.stats.rates import test_poisson_2indep

    count = production.largest_significant_count(115)
    assert test_poisson_2indep(count, 1, 115, 1, method="score", compare="ratio").pvalue < 0.05
    assert test_poisson_2indep(count + 1, 1, 115, 1, method="score", compare="ratio").pvalue >= 0.05
    with pytest.raises(ValueError):
        production.largest_significant_count(1)


# --- broadcast advertising by regime -------------------------------------------

def ads(values, first_year=2019):
    return pd.Series(values, index=range(first_year, first_year + len(values)), dtype=float)


# Worked by hand: before 2021: 100 -> 90 (-10 %); from 2021: 125 -> 100 -> 80,
# a fall in both years, (80 / 125) ** (1 / 2) = 0.8, so -20 % a year and -36 % in all;
# 80 is the lowest of the whole series; 100 -> 80 over four years is 0.8 ** 0.25.
FALLING = ads([100, 90, 125, 100, 80])


def test_advertising_by_regime_hand_worked():
    table = production.advertising_by_regime(FALLING, 2021)
    before, after = table.iloc[0], table.iloc[1]
    assert list(table["regime"]) == ["before", "after"]
    assert (before["first_year"], before["last_year"], before["n_years"]) == (2019, 2020, 2)
    assert before["mean"] == pytest.approx(95)
    assert before["change_pct"] == pytest.approx(-10) and before["cagr_pct"] == pytest.approx(-10)
    assert (after["first_year"], after["last_year"], after["n_years"]) == (2021, 2023, 3)
    assert after["mean"] == pytest.approx(305 / 3)
    assert after["peak_year"] == 2021 and after["peak"] == 125
    assert after["change_pct"] == pytest.approx(-36)
    assert after["cagr_pct"] == pytest.approx(-20)
    assert after["change_since_peak_pct"] == pytest.approx(-36)


def test_advertising_stance_hand_worked():
    stance = production.advertising_stance(FALLING, 2021)
    assert stance["stance"] == "fell in every year after its peak, to the lowest level in the series"
    assert stance["basis"] == production.ADVERTISING_BASIS
    assert (stance["peak_year"], stance["peak_value"], stance["last_value"]) == (2021, 125, 80)
    assert (stance["n_years_after_peak"], stance["n_falls_after_peak"]) == (2, 2)
    assert stance["change_since_peak_pct"] == pytest.approx(-36)
    assert stance["cagr_since_peak_pct"] == pytest.approx(-20)
    assert stance["change_whole_pct"] == pytest.approx(-20)
    assert stance["cagr_whole_pct"] == pytest.approx(100 * (0.8 ** 0.25 - 1))
    assert (stance["first_year"], stance["last_year"], stance["n_years"]) == (2019, 2023, 5)
    assert stance["last_is_lowest"] is True


@pytest.mark.parametrize("values, expected", [
    ([100, 70, 125, 100, 80], "fell in every year after its peak"),  # 70 stays the lowest
    ([100, 90, 125, 100, 110], "below its peak, with rises and falls since"),
    ([100, 90, 100, 110, 130], "at its highest level since the break"),
    ([100, 90, 125, 100, 90], "fell in every year after its peak"),  # ties the lowest: not "the lowest"
])
def test_advertising_stance_rule_cases(values, expected):
    assert production.advertising_stance(ads(values), 2021)["stance"] == expected


def test_advertising_stance_on_the_book_series():
    table = data.load_resource(production.RESOURCE_NAME)
    stance = production.advertising_stance(table)
    kcc = production.series(table, production.ADVERTISING_SERIES)
    assert stance["peak_year"] == int(kcc[kcc.index >= 2021].idxmax())
    assert stance["change_since_peak_pct"] == pytest.approx(100 * (kcc.iloc[-1] / stance["peak_value"] - 1))
    assert stance["n_years"] == len(kcc)


@pytest.mark.parametrize("values, break_year, message", [
    (pd.Series([1.0, 2.0, 3.0, 4.0], index=[2019, 2020, 2022, 2023]), 2021, "consecutive"),
    (ads([1.0, -2.0, 3.0, 4.0]), 2021, "year 2020"),
    (ads([1.0, float("nan"), 3.0, 4.0]), 2021, "positive and finite"),
    (ads([1.0, 2.0, 3.0, 4.0]), 2020, "each regime needs at least two"),
    (ads([1.0, 2.0, 3.0, 4.0]), 2022, "each regime needs at least two"),
    (ads([1.0]), 2021, "at least two years"),
    (pd.Series([1.0, 2.0, 3.0], index=[2019, 2019, 2020]), 2020, "twice"),
])
def test_advertising_bad_input(values, break_year, message):
    with pytest.raises(ValueError, match=message):
        production.advertising_stance(values, break_year)


def test_cagr_percent():
    assert production.cagr_percent(100, 121, 2) == pytest.approx(10)
    with pytest.raises(ValueError):
        production.cagr_percent(100, 121, 0)
    with pytest.raises(ValueError):
        production.cagr_percent(0, 121, 2)


def test_glue_advertising_glues_every_key(monkeypatch):
    glued = {}
    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    result = production.glue_advertising(production.advertising_stance(FALLING, 2021))
    assert result == glued
    assert set(glued) == {f"ev_ads_{suffix}" for suffix in production.ADVERTISING_GLUE}
    assert glued["ev_ads_stance"] == "fell in every year after its peak, to the lowest level in the series"
    assert glued["ev_ads_change_since_peak_pct"] == -36.0
    assert glued["ev_ads_peak_year"] == 2021 and glued["ev_ads_last_value"] == 80.0
    with pytest.raises(ValueError, match="peak_year"):
        production.glue_advertising({"stance": "x", "basis": "y"})


# --- dispersion, quasi-Poisson comparisons, multiple testing, the seed count -----

def test_poisson_dispersion_constant_hand_worked():
    # Mean 120; squared deviations 400 + 16 + 441 + 9 = 866; X2 = 866 / 120 on 3 df.
    counts = pd.Series([100, 116, 141, 123], index=range(2020, 2024), name="c")
    result = production.poisson_dispersion(counts, trend=False)
    assert result["df"] == 3 and result["n_points"] == 4
    assert result["pearson_chi2"] == pytest.approx(866 / 120)
    assert result["dispersion"] == pytest.approx(866 / 360)
    assert result["ci_low"] < result["dispersion"] < result["ci_high"]


@pytest.mark.filterwarnings("ignore:Perfect separation")
def test_poisson_dispersion_trend_fits_exact_growth():
    counts = pd.Series([100, 200, 400], index=range(2021, 2024), name="c")
    result = production.poisson_dispersion(counts, trend=True)
    assert result["df"] == 1
    assert result["dispersion"] == pytest.approx(0, abs=1e-8)


@pytest.mark.parametrize("values, trend, message", [
    ([10, -1, 12], False, "whole numbers"),
    ([10, 11.5, 12], False, "whole numbers"),
    ([10, 12], True, "no degree of freedom"),
])
def test_poisson_dispersion_bad_input(values, trend, message):
    with pytest.raises(ValueError, match=message):
        production.poisson_dispersion(pd.Series(values, index=range(2020, 2020 + len(values)), name="c"), trend)


def test_rate_ratio_with_dispersion_hand_worked():
    same = production.rate_ratio_with_dispersion(100, 100)
    assert same["rate_ratio"] == 1 and same["p_value"] == pytest.approx(1)
    # 81 / 100: log ratio -0.2107, s.e. sqrt(1/81 + 1/100) = 0.14949.
    one = production.rate_ratio_with_dispersion(81, 100)
    se = math.sqrt(1 / 81 + 1 / 100)
    assert one["ci_low"] == pytest.approx(math.exp(math.log(0.81) - 1.959964 * se), rel=1e-6)
    assert one["change_high_pct"] == pytest.approx(100 * (one["ci_high"] - 1))
    # Dispersion 4 doubles the half-width on the log scale.
    four = production.rate_ratio_with_dispersion(81, 100, 4)
    assert math.log(four["ci_high"] / four["rate_ratio"]) == pytest.approx(2 * math.log(one["ci_high"] / 0.81))
    # At the tipping dispersion the interval just reaches 1.
    tip = production.rate_ratio_with_dispersion(77, 109)["tipping_dispersion"]
    assert production.rate_ratio_with_dispersion(77, 109, tip)["ci_high"] == pytest.approx(1)
    assert production.rate_ratio_with_dispersion(77, 109, tip)["p_value"] == pytest.approx(0.05)


@pytest.mark.parametrize("new, old, dispersion", [(0, 10, 1), (10, 0, 1), (10, 10, 0), (10, 10, -1)])
def test_rate_ratio_with_dispersion_bad_input(new, old, dispersion):
    with pytest.raises(ValueError):
        production.rate_ratio_with_dispersion(new, old, dispersion)


def test_adjust_pvalues_hand_worked():
    # Holm: sorted 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 -> kept monotone at 0.06.
    table = production.adjust_pvalues(pd.Series({"a": 0.01, "b": 0.04, "c": 0.03}))
    assert table["p_holm"].tolist() == pytest.approx([0.03, 0.06, 0.06])
    assert table["p_bonferroni"].tolist() == pytest.approx([0.03, 0.12, 0.09])
    assert table["survives_holm"].tolist() == [True, False, False]
    assert table["survives_raw"].tolist() == [True, True, True]
    with pytest.raises(ValueError, match="'b'"):
        production.adjust_pvalues(pd.Series({"a": 0.01, "b": 1.5}))
    with pytest.raises(ValueError):
        production.adjust_pvalues(pd.Series(dtype=float))


def test_seed_count_claim_on_the_register():
    claim = production.seed_count_claim(data.load_resource(production.RESOURCE_NAME))
    assert (claim["first_year"], claim["last_year"], claim["first"], claim["last"]) == (2022, 2023, 115, 90)
    assert claim["change_pct"] == pytest.approx(-25 / 115 * 100)
    assert claim["status"] == "unconfirmed" and claim["confirmed_by"] == []


def test_seed_count_claim_confirmed_by_another_series(monkeypatch):
    rows = [("seed_original_dramas", 2022, 115.0), ("seed_original_dramas", 2023, 90.0),
            ("other", 2022, 115.0), ("other", 2023, 90.0), ("third", 2023, 90.0)]
    table = pd.DataFrame(rows, columns=["series", "year", "value"])
    claim = production.seed_count_claim(table)
    assert claim["status"] == "confirmed" and claim["confirmed_by"] == ["other"]
    glued = {}
    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    production.glue_seed_count(claim)
    assert glued["ev_seed_count_status"] == "confirmed" and glued["ev_seed_change_pct"] == -21.7
    with pytest.raises(ValueError, match="two years"):
        production.seed_count_claim(table[table["year"] == 2023].reset_index(drop=True))


def test_two_proportions_tipping_dispersion():
    result = production.two_proportions(30, 120, 21, 136)
    assert result["tipping_dispersion"] == pytest.approx((result["z"] / 1.959964) ** 2, rel=1e-6)


def test_advertising_sensitivity_hand_worked():
    values = ads([100, 90, 125, 100, 80, 70])  # 2019-2024
    table = production.advertising_sensitivity(values, [(2019, 2024, 2021), (2019, 2023, 2021),
                                                        (2020, 2024, 2022)])
    assert table["window"].tolist() == ["2019-2024", "2019-2023", "2020-2024"]
    assert table["peak_year"].tolist() == [2021, 2021, 2022]
    # 125 -> 70 is -44 %; 125 -> 80 is -36 %; 100 -> 70 is -30 %.
    assert table["change_since_peak_pct"].tolist() == pytest.approx([-44, -36, -30])
    assert (table["stance"] == "fell in every year after its peak, to the lowest level in the series").all()
    with pytest.raises(ValueError, match="outside"):
        production.advertising_sensitivity(values, [(2018, 2024, 2021)])
    with pytest.raises(ValueError, match="at least two"):
        production.advertising_sensitivity(values, [(2020, 2024, 2021)])


@pytest.mark.parametrize("tipping, estimates, expected", [
    (0.8, [1.3, 2.4], "within year-to-year variation even under the Poisson model"),
    (2.7, [1.3, 1.8, 2.4], "larger than year-to-year variation at every dispersion estimate"),
    (1.4, [1.3, 1.8, 2.4, 2.4],
     "larger than Poisson variation, but not at 3 of the 4 dispersion estimates"),
])
def test_dispersion_verdict(tipping, estimates, expected):
    assert production.dispersion_verdict(tipping, estimates) == expected


@pytest.mark.parametrize("tipping, estimates", [(1.5, []), (1.5, [0.0]), (1.5, [float("nan")]), (-1, [1.2])])
def test_dispersion_verdict_bad_input(tipping, estimates):
    with pytest.raises(ValueError):
        production.dispersion_verdict(tipping, estimates)


def test_dispersion_estimates_on_the_register():
    table = data.load_resource(production.RESOURCE_NAME)
    estimates = production.dispersion_estimates(table)
    assert estimates[["points", "model"]].values.tolist() == [
        ["all points", "log-linear trend"], ["all points", "constant rate"],
        ["exact points only", "log-linear trend"], ["exact points only", "constant rate"]]
    kodatv = production.series(table, production.DISPERSION_SERIES)
    mean = kodatv.mean()  # constant rate, all points: X2 = sum (x - mean)^2 / mean on n - 1 df
    assert estimates.loc[1, "dispersion"] == pytest.approx(((kodatv - mean) ** 2).sum() / mean / (len(kodatv) - 1))
    assert estimates.loc[2, "n_points"] == len(kodatv) - 1  # the approximate point is left out


def test_drama_shift_on_the_register(monkeypatch):
    table = data.load_resource(production.RESOURCE_NAME)
    shift = production.drama_shift(table)
    bc = production.series(table, "kcc_broadcaster_dramas")
    gott = production.series(table, "kcc_global_ott_dramas")
    assert (shift["first_year"], shift["last_year"]) == (int(bc.index[0]), int(bc.index[-1]))
    assert shift["share_first_pct"] == pytest.approx(100 * gott.iloc[0] / (gott.iloc[0] + bc.iloc[0]))
    assert shift["bc_tipping_dispersion"] == pytest.approx(
        production.rate_ratio_with_dispersion(int(bc.iloc[-1]), int(bc.iloc[0]))["tipping_dispersion"])
    assert shift["gott_verdict"] == production.dispersion_verdict(
        shift["gott_tipping_dispersion"], production.dispersion_estimates(table)["dispersion"].tolist())
    glued = {}
    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    production.glue_drama_shift(shift)
    assert set(glued) == {f"ev_drama_{field}" for field in production.DRAMA_SHIFT_GLUE}
    with pytest.raises(ValueError, match="bc_verdict"):
        production.glue_drama_shift({key: 1 for key in production.DRAMA_SHIFT_GLUE if key != "bc_verdict"})


def test_drama_shift_needs_matching_years():
    rows = [("kcc_broadcaster_dramas", 2019, 109.0), ("kcc_broadcaster_dramas", 2023, 77.0),
            ("kcc_global_ott_dramas", 2019, 3.0), ("kcc_global_ott_dramas", 2022, 22.0)]
    with pytest.raises(ValueError, match="same two or more years"):
        production.drama_shift(pd.DataFrame(rows, columns=["series", "year", "value"]))
