"""Production statistics: the tidy industry series and the chapter's tests.

The facts register (``data/facts.csv``) holds one sourced claim per row. This
module picks the rows that form yearly series (drama counts, broadcast
advertising, industry revenue, programme exports, per-episode costs) and
stacks them into one tidy table, ``data/derived/industry_series.csv``, one row
per series and year, each carrying the ``fact_id`` it rests on.

Most values are the register's ``value`` column. A few rows state two years in
one claim ("fell from 115 (2022) to 90 (2023)"); the earlier year's number is
then read from the claim text with a fixed pattern, and the table records this
in ``value_from`` ("claim"). Nothing is typed by hand: ``tests/test_production.py``
regenerates the file byte for byte from the register and checks every value
against its row.

``python -m korean_ott.derive`` rewrites the file with the other derived
tables; add ``--record-hashes`` to store its checksum in ``data/datapackage.json``.

The rest of the module is the statistics that more than one page states, each
computed once: the drama counts read as the output of a production process
(dispersion estimated from the longest count series, rate ratios widened for
it, a stated verdict rule), the founding article's count and its status, the
shift from broadcasters to global streamers, and the book's one stance on
broadcast advertising, described by regime around the 2021 mid-roll break.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SERIES_OUTPUT = Path("derived") / "industry_series.csv"
RESOURCE_NAME = "industry_series"
COLUMNS = ["series", "year", "period", "value", "unit", "approximate", "value_from",
           "fact_id", "confidence"]


@dataclass(frozen=True)
class SeriesPoint:
    """Where one point of a series comes from in the facts register.

    ``pattern`` is ``None`` when the value is the row's ``value`` column;
    otherwise a regular expression whose first group, matched in the row's
    ``claim``, is the value. ``year`` overrides the row's ``as_of`` (needed
    when the claim names two years).
    """

    series: str
    fact_id: str
    year: int | None = None
    pattern: str | None = None
    approximate: bool = False


#: Every point of every series, in the order of the register.
SERIES_POINTS: tuple[SeriesPoint, ...] = (
    # The founding article's pair (low confidence: no other source has it).
    SeriesPoint("seed_original_dramas", "F022", 2022, r"from (\d+) \(2022\)"),
    SeriesPoint("seed_original_dramas", "F022", 2023),
    # KCC/KISDI competition assessment, as reported by the Korean press.
    SeriesPoint("kcc_korean_titles_foreign_ott", "F018", 2022),
    SeriesPoint("kcc_korean_titles_foreign_ott", "F019", 2023),
    SeriesPoint("kcc_dramas_supplied", "F020", 2023),
    SeriesPoint("kcc_broadcaster_dramas", "F050", 2019),
    SeriesPoint("kcc_broadcaster_dramas", "F051", 2023),
    SeriesPoint("kcc_global_ott_dramas", "F052", 2019),
    SeriesPoint("kcc_global_ott_dramas", "F053", 2023),
    # KCC property-status series (the book's broadcast-advertising series).
    SeriesPoint("broadcast_ad_revenue_kcc", "F062", 2019),
    SeriesPoint("broadcast_ad_revenue_kcc", "F063", 2020),
    SeriesPoint("broadcast_ad_revenue_kcc", "F064", 2021),
    SeriesPoint("broadcast_ad_revenue_kcc", "F065", 2022),
    SeriesPoint("broadcast_ad_revenue_kcc", "F066", 2023),
    SeriesPoint("broadcast_ad_revenue_kcc", "F067", 2024),
    # Other definitions of broadcast advertising (kept apart, never mixed in).
    SeriesPoint("broadcast_ad_revenue_assessment", "F056", 2023),
    SeriesPoint("broadcast_ad_spend_msit_kobaco", "F078", 2023),
    SeriesPoint("broadcast_ad_revenue_survey", "F196", 2023),
    SeriesPoint("broadcast_ad_revenue_kisdi_summary", "F198", 2020),
    SeriesPoint("broadcasting_revenue_kcc", "F079", 2020),
    SeriesPoint("broadcasting_revenue_kcc", "F080", 2021),
    SeriesPoint("broadcasting_revenue_kcc", "F081", 2022),
    SeriesPoint("broadcasting_revenue_kcc", "F082", 2023),
    SeriesPoint("broadcasting_revenue_kcc", "F083", 2024),
    SeriesPoint("broadcasting_revenue_survey", "F197", 2023),
    SeriesPoint("programme_exports", "F088", 2020),
    SeriesPoint("programme_exports", "F089", 2021),
    SeriesPoint("programme_exports", "F090", 2022),
    SeriesPoint("programme_exports", "F091", 2023),
    SeriesPoint("tving_original_dramas", "F117", 2022, r"released (\d+) original dramas in 2022"),
    SeriesPoint("tving_original_dramas", "F117", 2023),
    # Per-episode costs are anecdotes about single titles, not a series.
    SeriesPoint("production_cost_per_episode", "F163", 2021, approximate=True),
    SeriesPoint("production_cost_per_episode", "F164", 2024),
    SeriesPoint("production_cost_per_episode", "F165", 2024),
    SeriesPoint("production_cost_per_episode", "F166", 2022),
    # Drama producers' association (KODATV) counts.
    SeriesPoint("kodatv_dramas_produced", "F169", 2020, approximate=True),
    SeriesPoint("kodatv_dramas_produced", "F170", 2021),
    SeriesPoint("kodatv_dramas_produced", "F171", 2022),
    SeriesPoint("kodatv_dramas_produced", "F172", 2023),
)


def point_value(point: SeriesPoint, row: pd.Series) -> str:
    """The point's value as text, exactly as the register writes it."""
    if point.pattern is None:
        return str(row["value"])
    match = re.search(point.pattern, str(row["claim"]))
    if match is None:
        raise ValueError(f"facts register row {point.fact_id}: claim does not match {point.pattern!r}")
    return match.group(1)


def build_industry_series(facts: pd.DataFrame) -> pd.DataFrame:
    """The tidy series table from the facts register (``id`` as a column or index)."""
    register = facts.set_index("id", drop=False) if "id" in facts.columns else facts
    rows = []
    for point in SERIES_POINTS:
        if point.fact_id not in register.index:
            raise KeyError(f"no row {point.fact_id!r} in data/facts.csv")
        row = register.loc[point.fact_id]
        rows.append({
            "series": point.series,
            "year": point.year,
            # A claim naming two years: the period is the year the pattern reads.
            "period": str(point.year) if point.pattern else str(row["as_of"]),
            "value": point_value(point, row),
            "unit": str(row["unit"]),
            "approximate": "true" if point.approximate else "false",
            "value_from": "claim" if point.pattern else "value",
            "fact_id": point.fact_id,
            "confidence": str(row["confidence"]),
        })
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values(["series", "year", "fact_id"], kind="stable").reset_index(drop=True)


def industry_series_bytes(facts_path: Path) -> bytes:
    """The CSV file's exact bytes, built from the register file at ``facts_path``."""
    facts = pd.read_csv(facts_path, dtype=str, keep_default_na=False, encoding="utf-8")
    buffer = io.StringIO()
    build_industry_series(facts).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def series(table: pd.DataFrame, name: str) -> pd.Series:
    """One series as values indexed by year (the table from ``load_resource``)."""
    part = table[table["series"] == name].sort_values("year")
    if part.empty:
        raise KeyError(f"no series {name!r} in data/{SERIES_OUTPUT.as_posix()}")
    return pd.Series(part["value"].to_numpy(dtype=float), index=part["year"].to_numpy(dtype=int), name=name)


# --- arithmetic and tests ------------------------------------------------------

def implied_base(level: float, change_percent: float) -> float:
    """The earlier level implied by a later ``level`` and its stated change in percent."""
    if change_percent <= -100:
        raise ValueError("a change of -100% or less leaves no base")
    return level / (1 + change_percent / 100)


def poisson_rate_ratio(count_new: int, count_old: int, exposure_new: float = 1.0,
                       exposure_old: float = 1.0, method: str = "score") -> dict:
    """Rate ratio new/old of two Poisson counts, with test and 95% CI (statsmodels)."""
    from statsmodels.stats.rates import confint_poisson_2indep, test_poisson_2indep

    test = test_poisson_2indep(count_new, exposure_new, count_old, exposure_old,
                               method=method, compare="ratio")
    low, high = confint_poisson_2indep(count_new, exposure_new, count_old, exposure_old,
                                       method=method, compare="ratio", alpha=0.05)
    exact = test_poisson_2indep(count_new, exposure_new, count_old, exposure_old,
                                method="exact-cond", compare="ratio")
    return {"count_old": int(count_old), "count_new": int(count_new),
            "rate_ratio": float(test.ratio), "ci_low": float(low), "ci_high": float(high),
            "z": float(test.statistic), "p_value": float(test.pvalue),
            "p_exact": float(exact.pvalue)}


def largest_significant_count(count_old: int, method: str = "score", alpha: float = 0.05) -> int:
    """The largest count below ``count_old`` that a Poisson test calls a significant fall.

    With one year each, this is how far a count must drop before a single
    year-on-year comparison can tell it from chance variation.
    """
    from statsmodels.stats.rates import test_poisson_2indep

    for count_new in range(count_old - 1, -1, -1):
        test = test_poisson_2indep(count_new, 1, count_old, 1, method=method, compare="ratio")
        if test.pvalue < alpha:
            return count_new
    raise ValueError(f"no count below {count_old} is significant at alpha={alpha}")


def two_proportions(success_new: int, total_new: int, success_old: int, total_old: int) -> dict:
    """Difference of two proportions (new minus old): z-test, Newcombe 95% CI, Cohen's h.

    ``tipping_dispersion`` is the largest over-dispersion factor (variance over
    binomial variance) at which the z-test would still reject at the 5% level.
    """
    from statsmodels.stats.proportion import (confint_proportions_2indep,
                                              proportion_effectsize, proportions_ztest)

    z, p = proportions_ztest([success_new, success_old], [total_new, total_old])
    low, high = confint_proportions_2indep(success_new, total_new, success_old, total_old,
                                           compare="diff", method="newcomb", alpha=0.05)
    share_new, share_old = success_new / total_new, success_old / total_old
    return {"share_old": share_old, "share_new": share_new, "difference": share_new - share_old,
            "ci_low": float(low), "ci_high": float(high), "z": float(z), "p_value": float(p),
            "cohens_h": float(proportion_effectsize(share_new, share_old)),
            # Over-dispersion phi divides z by sqrt(phi): the largest phi still significant at 5%.
            "tipping_dispersion": float((z / 1.959963984540054) ** 2)}


def loglinear_trend(values: pd.Series) -> dict:
    """OLS of log(value) on year: growth per year in percent with its 95% CI.

    With n points the t-interval has n - 2 degrees of freedom, so four to six
    points give wide intervals; the caller should say so.
    """
    import statsmodels.api as sm

    years = np.asarray(values.index, dtype=float)
    design = sm.add_constant(years - years.min())
    fit = sm.OLS(np.log(values.to_numpy(dtype=float)), design).fit()
    slope, (low, high) = fit.params[1], fit.conf_int(alpha=0.05)[1]
    return {"n_points": int(len(values)), "df_resid": int(fit.df_resid),
            "first_year": int(years.min()), "last_year": int(years.max()),
            "pct_per_year": 100 * math.expm1(slope), "ci_low": 100 * math.expm1(low),
            "ci_high": 100 * math.expm1(high), "p_value": float(fit.pvalues[1]),
            "r_squared": float(fit.rsquared), "fit": fit}


# --- broadcast advertising: one description for the whole book ------------------

#: The book's broadcast-advertising series (KCC broadcasting property status).
ADVERTISING_SERIES = "broadcast_ad_revenue_kcc"
#: First year of the later regime: mid-roll advertising on terrestrial TV was
#: allowed from July 2021 (facts register row F064).
ADVERTISING_BREAK_YEAR = 2021
#: What the stance rests on, stated wherever the stance is.
ADVERTISING_BASIS = "a description of the yearly figures, not a tested trend"


def _yearly_values(values: pd.Series | pd.DataFrame, name: str = ADVERTISING_SERIES) -> pd.Series:
    """Validated yearly values: consecutive integer years, positive finite values."""
    if isinstance(values, pd.DataFrame):
        values = series(values, name)
    if len(values) < 2:
        raise ValueError(f"series {name!r}: needs at least two years, got {len(values)}")
    years = np.asarray(values.index)
    if not np.issubdtype(years.dtype, np.integer):
        raise ValueError(f"series {name!r}: years must be integers, got {years.dtype}")
    if len(set(years.tolist())) != len(years):
        raise ValueError(f"series {name!r}: a year appears twice")
    values = values.sort_index()
    gaps = np.diff(values.index.to_numpy())
    if (gaps != 1).any():
        raise ValueError(f"series {name!r}: years must be consecutive, got {values.index.tolist()}")
    numbers = values.to_numpy(dtype=float)
    bad = ~np.isfinite(numbers) | (numbers <= 0)
    if bad.any():
        year = int(values.index[bad.argmax()])
        raise ValueError(f"series {name!r}, year {year}: value must be positive and finite, got {values[year]!r}")
    return pd.Series(numbers, index=values.index.astype(int), name=name)


def cagr_percent(first: float, last: float, years: int) -> float:
    """Compound yearly change in percent from ``first`` to ``last`` over ``years`` years."""
    if years < 1:
        raise ValueError(f"a compound rate needs at least one year, got {years}")
    if first <= 0 or last <= 0:
        raise ValueError(f"a compound rate needs positive levels, got {first} and {last}")
    return float(100 * ((last / first) ** (1 / years) - 1))


def advertising_by_regime(values: pd.Series | pd.DataFrame,
                          break_year: int = ADVERTISING_BREAK_YEAR) -> pd.DataFrame:
    """The advertising series described by regime: years before ``break_year`` and from it on.

    ``values`` is the industry-series table (the KCC series is taken from it)
    or a series of values indexed by consecutive years. Each regime needs at
    least two years. One row per regime, in time order, with its years, mean
    level, first, peak and last values, the change from first to last year in
    percent, the compound yearly change (CAGR) in percent, the peak year and the
    change from the peak to the regime's last year in percent.
    """
    ads = _yearly_values(values)
    parts = {"before": ads[ads.index < break_year], "after": ads[ads.index >= break_year]}
    rows = []
    for regime, part in parts.items():
        if len(part) < 2:
            raise ValueError(f"break year {break_year}: the regime {regime!r} has {len(part)} year(s) "
                             f"of {ads.index.min()}-{ads.index.max()}; each regime needs at least two")
        first_year, last_year = int(part.index[0]), int(part.index[-1])
        peak_year = int(part.idxmax())
        rows.append({
            "regime": regime, "first_year": first_year, "last_year": last_year, "n_years": len(part),
            "mean": float(part.mean()), "first": float(part.iloc[0]), "peak": float(part.max()),
            "last": float(part.iloc[-1]),
            "change_pct": float(100 * (part.iloc[-1] / part.iloc[0] - 1)),
            "cagr_pct": cagr_percent(part.iloc[0], part.iloc[-1], last_year - first_year),
            "peak_year": peak_year,
            "change_since_peak_pct": float(100 * (part.iloc[-1] / part.max() - 1)),
        })
    return pd.DataFrame(rows)


def advertising_stance(values: pd.Series | pd.DataFrame,
                       break_year: int = ADVERTISING_BREAK_YEAR) -> dict:
    """The book's one stance on broadcast advertising, and the numbers behind it.

    Rule, applied to the later regime (years from ``break_year`` on) and written
    down before looking at which case holds:

    - if the regime's highest year is its last year, the stance is
      ``"at its highest level since the break"``;
    - otherwise, if every year-on-year change after the peak is a fall, the
      stance is ``"fell in every year after its peak"``, and it adds
      ``", to the lowest level in the series"`` when the last year is the lowest
      of the whole series;
    - otherwise (falls and rises after the peak) the stance is
      ``"below its peak, with rises and falls since"``.

    The stance describes the recorded figures. With a handful of annual values
    and a regulatory break it is not a trend test and claims none
    (:data:`ADVERTISING_BASIS`). Returned keys: ``stance``, ``basis``,
    ``break_year``, ``first_year``, ``last_year``, ``n_years``, ``peak_year``,
    ``peak_value``, ``last_value``, ``first_value``, ``n_years_after_peak``,
    ``n_falls_after_peak``, ``change_since_peak_pct``, ``cagr_since_peak_pct``,
    ``change_whole_pct`` and ``cagr_whole_pct`` (first to last year of the series),
    ``last_is_lowest``, and ``regimes`` (the table of :func:`advertising_by_regime`).
    """
    ads = _yearly_values(values)
    regimes = advertising_by_regime(ads, break_year)
    after = ads[ads.index >= break_year]
    peak_year = int(after.idxmax())
    since_peak = after[after.index >= peak_year]
    steps = np.diff(since_peak.to_numpy())
    last_is_lowest = bool(ads.iloc[-1] == ads.min() and (ads == ads.min()).sum() == 1)
    if peak_year == int(after.index[-1]):
        stance = "at its highest level since the break"
    elif (steps < 0).all():
        stance = "fell in every year after its peak"
        if last_is_lowest:
            stance += ", to the lowest level in the series"
    else:
        stance = "below its peak, with rises and falls since"
    first_year, last_year = int(ads.index[0]), int(ads.index[-1])
    years_after_peak = last_year - peak_year
    return {
        "stance": stance, "basis": ADVERTISING_BASIS, "break_year": int(break_year),
        "first_year": first_year, "last_year": last_year, "n_years": int(len(ads)),
        "first_value": float(ads.iloc[0]), "peak_year": peak_year, "peak_value": float(after.max()),
        "last_value": float(ads.iloc[-1]), "n_years_after_peak": int(years_after_peak),
        "n_falls_after_peak": int((steps < 0).sum()),
        "change_since_peak_pct": float(100 * (ads.iloc[-1] / after.max() - 1)),
        "cagr_since_peak_pct": (cagr_percent(after.max(), ads.iloc[-1], years_after_peak)
                                if years_after_peak else 0.0),
        "change_whole_pct": float(100 * (ads.iloc[-1] / ads.iloc[0] - 1)),
        "cagr_whole_pct": cagr_percent(ads.iloc[0], ads.iloc[-1], last_year - first_year),
        "last_is_lowest": last_is_lowest, "regimes": regimes,
    }


#: ``ev_`` keys glued by :func:`glue_advertising`: key suffix -> (stance field, decimals or None for text).
ADVERTISING_GLUE = {
    "stance": ("stance", None), "basis": ("basis", None),
    "break_year": ("break_year", 0), "first_year": ("first_year", 0), "last_year": ("last_year", 0),
    "n_years": ("n_years", 0), "peak_year": ("peak_year", 0),
    "first_value": ("first_value", 4), "peak_value": ("peak_value", 4), "last_value": ("last_value", 4),
    "n_years_after_peak": ("n_years_after_peak", 0), "n_falls_after_peak": ("n_falls_after_peak", 0),
    "change_since_peak_pct": ("change_since_peak_pct", 1), "cagr_since_peak_pct": ("cagr_since_peak_pct", 1),
    "change_whole_pct": ("change_whole_pct", 1), "cagr_whole_pct": ("cagr_whole_pct", 1),
}


def glue_advertising(stance: dict) -> dict:
    """Glue the stance under ``ev_ads_<field>`` keys; return ``{key: glued value}``.

    Every page that states the advertising stance calls this with the result of
    :func:`advertising_stance`, so all pages glue identical values. Levels are in
    trillion KRW at four decimals (as the register gives them), percentages at one.
    """
    from korean_ott.glue import glue_number, glue_text

    missing = [field for field, _ in ADVERTISING_GLUE.values() if field not in stance]
    if missing:
        raise ValueError(f"advertising stance lacks {', '.join(missing)}; build it with advertising_stance()")
    glued = {}
    for suffix, (field, digits) in ADVERTISING_GLUE.items():
        key = f"ev_ads_{suffix}"
        glued[key] = (glue_text(key, stance[field]) if digits is None
                      else glue_number(key, stance[field], digits))
    return glued


# --- counts as a process: dispersion, and what it does to a comparison ----------

def poisson_dispersion(counts: pd.Series, trend: bool = True) -> dict:
    """Dispersion of yearly counts around a Poisson model: Pearson chi-square / residual df.

    The counts are a census; the model treats each year's count as one draw of
    a production process whose rate is constant (``trend=False``) or changes by
    a constant factor a year (``trend=True``, a log-linear Poisson GLM). A
    dispersion of 1 is Poisson variation; above 1 the counts vary more than
    Poisson from year to year. The 95% interval is the chi-square interval
    ``X2 / chi2(0.975, df)`` to ``X2 / chi2(0.025, df)``, which with a few
    degrees of freedom is very wide.
    """
    import statsmodels.api as sm
    from scipy.stats import chi2

    values = counts.to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values < 0).any() or (values != np.round(values)).any():
        raise ValueError(f"series {counts.name!r}: counts must be whole numbers of 0 or more, got {values.tolist()}")
    years = np.asarray(counts.index, dtype=float)
    design = np.ones((len(values), 1))
    if trend:
        design = sm.add_constant(years - years.min())
    df = len(values) - design.shape[1]
    if df < 1:
        raise ValueError(f"series {counts.name!r}: {len(values)} points leave no degree of freedom "
                         f"for the dispersion ({'trend' if trend else 'constant'} model)")
    fit = sm.GLM(values, design, family=sm.families.Poisson()).fit()
    x2 = float(fit.pearson_chi2)
    return {"n_points": int(len(values)), "df": int(df), "pearson_chi2": x2, "dispersion": x2 / df,
            "ci_low": float(x2 / chi2.ppf(0.975, df)), "ci_high": float(x2 / chi2.ppf(0.025, df))}


def rate_ratio_with_dispersion(count_new: int, count_old: int, dispersion: float = 1.0) -> dict:
    """Rate ratio new/old with a Wald 95% interval on the log scale, widened for dispersion.

    The standard error of the log ratio is ``sqrt(dispersion * (1/new + 1/old))``
    (quasi-Poisson). Also returned: the interval as percent changes, the
    two-sided p-value, and ``tipping_dispersion``, the largest dispersion at
    which the interval still excludes 1.
    """
    from scipy.stats import norm

    if count_new <= 0 or count_old <= 0:
        raise ValueError(f"both counts must be positive for a log rate ratio, got {count_new} and {count_old}")
    if not dispersion > 0:
        raise ValueError(f"dispersion must be positive, got {dispersion}")
    log_ratio = math.log(count_new / count_old)
    se_poisson = math.sqrt(1 / count_new + 1 / count_old)
    se = math.sqrt(dispersion) * se_poisson
    z = norm.ppf(0.975)
    low, high = math.exp(log_ratio - z * se), math.exp(log_ratio + z * se)
    return {"dispersion": float(dispersion), "rate_ratio": count_new / count_old,
            "ci_low": low, "ci_high": high,
            "change_low_pct": 100 * (low - 1), "change_high_pct": 100 * (high - 1),
            "p_value": float(2 * norm.sf(abs(log_ratio) / se)),
            "tipping_dispersion": float((log_ratio / (z * se_poisson)) ** 2)}


def adjust_pvalues(p_values: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """Holm and Bonferroni adjusted p-values beside the raw ones (index kept).

    Adds whether each test survives each adjustment at ``alpha``.
    """
    from statsmodels.stats.multitest import multipletests

    raw = pd.Series(p_values, dtype=float)
    if raw.empty:
        raise ValueError("no p-values to adjust")
    bad = raw[~raw.between(0, 1)]
    if not bad.empty:
        raise ValueError(f"p-value of {bad.index[0]!r} is not between 0 and 1: {bad.iloc[0]!r}")
    table = pd.DataFrame({"p": raw})
    for method, name in (("holm", "holm"), ("bonferroni", "bonferroni")):
        reject, adjusted, _, _ = multipletests(raw.to_numpy(), alpha=alpha, method=method)
        table[f"p_{name}"] = adjusted
        table[f"survives_{name}"] = reject
    table["survives_raw"] = raw < alpha
    return table


# --- the founding article's drama count ----------------------------------------

SEED_SERIES = "seed_original_dramas"


def seed_count_claim(table: pd.DataFrame) -> dict:
    """The founding article's drama counts and whether another source confirms them.

    The status is ``"confirmed"`` when another series of the table gives the
    same two values for the same two years, and ``"unconfirmed"`` otherwise.
    """
    seed = series(table, SEED_SERIES)
    if len(seed) != 2:
        raise ValueError(f"series {SEED_SERIES!r}: expected two years, got {seed.index.tolist()}")
    (first_year, first), (last_year, last) = seed.items()
    confirming = []
    for name in sorted(set(table["series"]) - {SEED_SERIES}):
        other = series(table, name)
        if {first_year, last_year} <= set(other.index) and (other[first_year], other[last_year]) == (first, last):
            confirming.append(name)
    return {"first_year": int(first_year), "last_year": int(last_year), "first": int(first), "last": int(last),
            "change_pct": float(100 * (last / first - 1)),
            "status": "confirmed" if confirming else "unconfirmed", "confirmed_by": confirming}


def glue_seed_count(claim: dict) -> dict:
    """Glue the article's counts under ``ev_seed_*`` keys; return ``{key: glued value}``."""
    from korean_ott.glue import glue_number, glue_text

    return {
        "ev_seed_count_status": glue_text("ev_seed_count_status", claim["status"]),
        "ev_seed_first_year": glue_number("ev_seed_first_year", claim["first_year"]),
        "ev_seed_last_year": glue_number("ev_seed_last_year", claim["last_year"]),
        "ev_seed_first": glue_number("ev_seed_first", claim["first"]),
        "ev_seed_last": glue_number("ev_seed_last", claim["last"]),
        "ev_seed_change_pct": glue_number("ev_seed_change_pct", claim["change_pct"], 1),
    }


def advertising_sensitivity(values: pd.Series | pd.DataFrame,
                            windows: list[tuple[int, int, int]]) -> pd.DataFrame:
    """The stance under other windows and break years, side by side.

    ``windows`` lists ``(first_year, last_year, break_year)``; each must leave
    at least two years on each side of the break (else ``ValueError``). One row
    per window: its years, the stance, the peak year, the change since the peak
    and the compound yearly change since the peak, in percent.
    """
    ads = _yearly_values(values)
    rows = []
    for first_year, last_year, break_year in windows:
        if first_year not in ads.index or last_year not in ads.index:
            raise ValueError(f"window {first_year}-{last_year} is outside the series "
                             f"({ads.index.min()}-{ads.index.max()})")
        part = ads[(ads.index >= first_year) & (ads.index <= last_year)]
        stance = advertising_stance(part, break_year)
        rows.append({"window": f"{first_year}-{last_year}", "break_year": break_year,
                     "stance": stance["stance"], "peak_year": stance["peak_year"],
                     "change_since_peak_pct": stance["change_since_peak_pct"],
                     "cagr_since_peak_pct": stance["cagr_since_peak_pct"]})
    return pd.DataFrame(rows)


def dispersion_verdict(tipping_dispersion: float, estimates: list[float]) -> str:
    """What a comparison of two counts supports, given the dispersion estimates.

    Rule (fixed before the comparisons are made): a change is larger than
    year-to-year variation only if its 95% interval excludes 1 at every
    estimated dispersion, that is, if its tipping dispersion (see
    :func:`rate_ratio_with_dispersion`) exceeds the largest estimate; below 1
    it does not exclude 1 even under Poisson variation.
    """
    values = [float(value) for value in estimates]
    if not values or not all(math.isfinite(value) and value > 0 for value in values):
        raise ValueError(f"dispersion estimates must be positive numbers, got {estimates!r}")
    if not tipping_dispersion >= 0:
        raise ValueError(f"tipping dispersion must be 0 or more, got {tipping_dispersion!r}")
    if tipping_dispersion <= 1:
        return "within year-to-year variation even under the Poisson model"
    if tipping_dispersion > max(values):
        return "larger than year-to-year variation at every dispersion estimate"
    below = sum(value >= tipping_dispersion for value in values)
    return (f"larger than Poisson variation, but not at {below} of the {len(values)} "
            "dispersion estimates")


# --- the shift from broadcasters to global streamers: one statement for the book --

#: The count series the dispersion is estimated from (the longest in the data).
DISPERSION_SERIES = "kodatv_dramas_produced"


def dispersion_estimates(table: pd.DataFrame, name: str = DISPERSION_SERIES) -> pd.DataFrame:
    """Four dispersion estimates for yearly drama counts: all points or the exact ones
    only (the first point of the KODATV series is approximate), each around a
    log-linear trend and around a constant rate. The first row (all points,
    trend) is the central estimate.
    """
    rows = table[table["series"] == name].sort_values("year")
    if rows.empty:
        raise KeyError(f"no series {name!r} in data/{SERIES_OUTPUT.as_posix()}")
    counts = series(table, name)
    exact = counts[(rows["approximate"].astype(str).str.lower() != "true").to_numpy()]
    estimates = []
    for label, points in (("all points", counts), ("exact points only", exact)):
        for trend in (True, False):
            estimates.append({"points": label, "model": "log-linear trend" if trend else "constant rate",
                              **poisson_dispersion(points, trend=trend)})
    return pd.DataFrame(estimates)


def drama_shift(table: pd.DataFrame) -> dict:
    """Broadcaster and global-OTT dramas in the assessment's first and last year.

    Counts, the global-OTT share of the two together in percent, each count's
    rate ratio with its tipping dispersion, and the verdict of
    :func:`dispersion_verdict` against :func:`dispersion_estimates`.
    """
    broadcaster = series(table, "kcc_broadcaster_dramas")
    global_ott = series(table, "kcc_global_ott_dramas")
    if list(broadcaster.index) != list(global_ott.index) or len(broadcaster) < 2:
        raise ValueError("broadcaster and global-OTT dramas must cover the same two or more years, got "
                         f"{broadcaster.index.tolist()} and {global_ott.index.tolist()}")
    first, last = int(broadcaster.index[0]), int(broadcaster.index[-1])
    estimates = dispersion_estimates(table)["dispersion"].tolist()
    result = {"first_year": first, "last_year": last,
              "dispersion_min": min(estimates), "dispersion_max": max(estimates),
              "dispersion_central": estimates[0]}
    for key, counts in (("bc", broadcaster), ("gott", global_ott)):
        ratio = rate_ratio_with_dispersion(int(counts[last]), int(counts[first]))
        result.update({f"{key}_first": int(counts[first]), f"{key}_last": int(counts[last]),
                       f"{key}_rate_ratio": ratio["rate_ratio"],
                       f"{key}_tipping_dispersion": ratio["tipping_dispersion"],
                       f"{key}_verdict": dispersion_verdict(ratio["tipping_dispersion"], estimates)})
    for when, year in (("first", first), ("last", last)):
        result[f"share_{when}_pct"] = float(100 * global_ott[year] / (global_ott[year] + broadcaster[year]))
    return result


#: ``ev_drama_*`` keys glued by :func:`glue_drama_shift`: field -> decimals (None for text).
DRAMA_SHIFT_GLUE = {
    "first_year": 0, "last_year": 0, "bc_first": 0, "bc_last": 0, "gott_first": 0, "gott_last": 0,
    "share_first_pct": 1, "share_last_pct": 1, "bc_verdict": None, "gott_verdict": None,
}


def glue_drama_shift(shift: dict) -> dict:
    """Glue the shift under ``ev_drama_<field>`` keys; return ``{key: glued value}``."""
    from korean_ott.glue import glue_number, glue_text

    missing = [field for field in DRAMA_SHIFT_GLUE if field not in shift]
    if missing:
        raise ValueError(f"drama shift lacks {', '.join(missing)}; build it with drama_shift()")
    return {f"ev_drama_{field}": (glue_text(f"ev_drama_{field}", shift[field]) if digits is None
                                  else glue_number(f"ev_drama_{field}", shift[field], digits))
            for field, digits in DRAMA_SHIFT_GLUE.items()}
