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
