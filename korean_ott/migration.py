"""Platform migration: events, Korean weight in Netflix's charts and reports, chart survival.

Helpers for the platform-migration chapter. Two hand-curated tables rest on
rows of the facts register (``data/migration_events.csv`` and
``data/ott_mau_mobile_index.csv``); :func:`check_events_against_facts` and
:func:`check_mau_against_facts` say where a row disagrees with the register.
Everything else is computed from the Netflix Top 10 lists and engagement reports.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from . import data
from .titles import hangul_mask, identify_korean_top10

#: Quarters in which Korean titles in the Top 10 can be identified (see
#: :func:`korean_ott.titles.identify_korean_top10`): the engagement reports end
#: in June 2025, so the fitting window ends with 2025Q2.
FIT_WINDOW = (pd.Period("2021Q3", "Q"), pd.Period("2025Q2", "Q"))
NON_ENGLISH_TV = "TV (Non-English)"
#: A Pearson chi-squared / df above this value sends the trend model to the negative binomial.
OVERDISPERSION_LIMIT = 1.5


# --- hand-curated tables -----------------------------------------------------

def load_migration_events(data_dir=None) -> pd.DataFrame:
    """The migration-events table, sorted by date (validated against the data package)."""
    events = data.load("migration_events", data_dir)
    return events.sort_values(["date", "event_id"]).reset_index(drop=True)


def load_mau(data_dir=None) -> pd.DataFrame:
    """Monthly active users of OTT apps in Korea, one panel (Mobile Index), from the facts register."""
    mau = data.load("ott_mau_mobile_index", data_dir)
    return mau.sort_values(["month", "platform"]).reset_index(drop=True)


def fact_ids(cell: str) -> list[str]:
    """Split a ``fact_ids`` cell (``"F010;F011"``) into identifiers."""
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def date_at_precision(date: pd.Timestamp, precision: str) -> str:
    """A date written as the register writes it at that precision (day, month or year)."""
    formats = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
    return date.strftime(formats[precision])


def check_events_against_facts(events: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    """Problems with the events table: unknown fact ids, dates that disagree with the register.

    ``date_source`` says where the event's date is read in the row ``date_fact_id``:
    its ``value``, its ``as_of``, or (``text``) the phrase ``date_evidence``
    quoted from its claim or note. An empty list means every row agrees.
    """
    problems = []
    for row in events.itertuples():
        ids = fact_ids(row.fact_ids)
        for fact_id in ids:
            if fact_id not in facts.index:
                problems.append(f"{row.event_id}: {fact_id} is not in the facts register")
        if row.date_fact_id not in ids:
            problems.append(f"{row.event_id}: date_fact_id {row.date_fact_id} not among fact_ids")
            continue
        if row.date_fact_id not in facts.index:
            continue
        fact = facts.loc[row.date_fact_id]
        written = date_at_precision(row.date, row.date_precision)
        if row.date_source in ("value", "as_of"):
            if str(fact[row.date_source]) != written:
                problems.append(f"{row.event_id}: date {written} but {row.date_fact_id}."
                                f"{row.date_source} is {fact[row.date_source]}")
        elif row.date_source == "text":
            text = f"{fact['claim']} {fact['note']}"
            if pd.isna(row.date_evidence) or row.date_evidence not in text:
                problems.append(f"{row.event_id}: {row.date_evidence!r} not in {row.date_fact_id}")
            elif str(row.date.year) not in f"{row.date_evidence} {fact['as_of']}":
                problems.append(f"{row.event_id}: year {row.date.year} not supported by {row.date_fact_id}")
        else:
            problems.append(f"{row.event_id}: unknown date_source {row.date_source!r}")
    return problems


def check_mau_against_facts(mau: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    """Problems with the MAU table: a value that is not the register's value, or not quoted from its note.

    ``field`` says where the figure is read in row ``fact_id``: its ``value``
    (the claim must name the platform and the month must be its ``as_of``), or
    its ``note``, from which ``quoted`` is copied verbatim (the note must name
    the platform and the first number in ``quoted`` must be the figure).
    """
    problems = []
    for row in mau.itertuples():
        where = f"{row.month} {row.platform}"
        if row.fact_id not in facts.index:
            problems.append(f"{where}: {row.fact_id} not in the register")
            continue
        fact = facts.loc[row.fact_id]
        if row.field == "value":
            if fact["unit"] != "million" or not np.isclose(float(fact["value"]), row.mau_million):
                problems.append(f"{where}: {row.fact_id} value is {fact['value']} {fact['unit']}")
            if row.platform not in fact["claim"]:
                problems.append(f"{where}: platform not named in the claim of {row.fact_id}")
            if str(fact["as_of"]) != row.month:
                problems.append(f"{where}: {row.fact_id} is as of {fact['as_of']}")
        elif row.field == "note":
            note = str(fact["note"])
            quoted = "" if pd.isna(row.quoted) else str(row.quoted)
            number = re.search(r"\d+(\.\d+)?", quoted)
            if not quoted or quoted not in note:
                problems.append(f"{where}: {quoted!r} is not in the note of {row.fact_id}")
            elif row.platform not in note:
                problems.append(f"{where}: platform not named in the note of {row.fact_id}")
            elif number is None or not np.isclose(float(number.group()), row.mau_million):
                problems.append(f"{where}: {quoted!r} does not give {row.mau_million}")
            month_text = pd.Period(row.month, "M").strftime("%b %Y")
            if str(fact["as_of"]) != row.month and month_text not in quoted:
                problems.append(f"{where}: {row.fact_id} is as of {fact['as_of']}")
        else:
            problems.append(f"{where}: unknown field {row.field!r}")
    return problems


# --- Korean titles in the weekly Top 10 ---------------------------------------

def mark_korean(top10: pd.DataFrame, engagement: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Top 10 rows with ``is_korean``/``identifiable`` and the calendar quarter of the week."""
    marked = identify_korean_top10(top10, engagement, catalogue)
    marked["quarter"] = marked["week"].dt.to_period("Q")
    return marked


def quarterly_korean_counts(marked: pd.DataFrame, categories=(NON_ENGLISH_TV,)) -> pd.DataFrame:
    """Entries, identifiable entries and Korean entries per quarter for the given lists.

    ``coverage`` is the share of entries that could be classified at all;
    ``korean_share`` is Korean entries over *identifiable* entries, and is
    left empty where coverage is below one half.
    """
    rows = marked[marked["category"].isin(categories)]
    table = rows.groupby("quarter").agg(
        weeks=("week", "nunique"), entries=("is_korean", "size"),
        identifiable=("identifiable", "sum"), korean=("is_korean", "sum")).reset_index()
    table["coverage"] = (table["identifiable"] / table["entries"]).round(3)
    share = table["korean"] / table["identifiable"]
    table["korean_share"] = share.where(table["coverage"] >= 0.5).round(3)
    table["in_fit_window"] = table["quarter"].between(*FIT_WINDOW)
    table["quarter"] = table["quarter"].astype(str)
    return table


def trend_design(table: pd.DataFrame) -> pd.DataFrame:
    """The fitting window, with ``years`` = time since the first quarter, in years."""
    window = table[table["in_fit_window"]].copy()
    index = pd.PeriodIndex(window["quarter"], freq="Q")
    window["years"] = (index - index[0]).map(lambda offset: offset.n) / 4
    return window.reset_index(drop=True)


def fit_count_trend(table: pd.DataFrame) -> dict:
    """Poisson GLM of Korean entries per quarter, offset log(identifiable entries), linear in years.

    Overdispersion is checked with Pearson chi-squared / residual df; above
    :data:`OVERDISPERSION_LIMIT` a negative binomial (NB2, dispersion
    estimated by maximum likelihood) is fitted too and becomes the model
    reported. Returns the tidy results (rate ratio per year with 95% CI).
    """
    window = trend_design(table)
    exog = sm.add_constant(window[["years"]])
    offset = np.log(window["identifiable"].to_numpy(dtype=float))
    poisson = sm.GLM(window["korean"].astype(float), exog, family=sm.families.Poisson(),
                     offset=offset).fit()
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid)
    result = {"poisson": poisson, "dispersion": dispersion, "n_quarters": len(window),
              "first": window["quarter"].iloc[0], "last": window["quarter"].iloc[-1]}
    chosen, name = poisson, "Poisson"
    if dispersion > OVERDISPERSION_LIMIT:
        nb = sm.NegativeBinomial(window["korean"].astype(float), exog, offset=offset,
                                 loglike_method="nb2").fit(disp=0, maxiter=200)
        result["negbin"] = nb
        chosen, name = nb, "negative binomial (NB2)"
    conf = chosen.conf_int().loc["years"]
    result.update(model=name, rate_ratio=float(np.exp(chosen.params["years"])),
                  low=float(np.exp(conf.iloc[0])), high=float(np.exp(conf.iloc[1])),
                  p_value=float(chosen.pvalues["years"]))
    window["fitted_share"] = np.exp(chosen.params["const"] + chosen.params["years"] * window["years"])
    result["fitted"] = window
    return result


def coefficient_table(model, exponentiate: bool = True, label: str = "rate ratio") -> pd.DataFrame:
    """Params, 95% CI and p-values of a fitted statsmodels model as a tidy, rounded table."""
    conf = model.conf_int()
    table = pd.DataFrame({"coef": model.params, "ci_low": conf.iloc[:, 0], "ci_high": conf.iloc[:, 1],
                          "p_value": model.pvalues})
    if exponentiate:
        for column in ("coef", "ci_low", "ci_high"):
            table[f"{label} {column}".replace(" coef", "")] = np.exp(table[column])
    return table.round(4)


# --- Korean share of hours in the engagement reports ---------------------------

def engagement_korean_shares(engagement: pd.DataFrame, n_boot: int = 2000, seed: int = 20261124) -> pd.DataFrame:
    """Hangul-titled share of hours per report, for shows and for all titles.

    The H1 2023 report does not separate shows from films, so its "shows" row
    is left out; the "all titles" rows cover all five reports. The 95% interval
    is a title bootstrap (titles resampled with replacement within each
    report), a description of how concentrated hours are, not sampling error:
    the report lists every title above its threshold.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for scope, subset in (("shows", engagement[engagement["kind"] == "show"]), ("all titles", engagement)):
        for report, rows in subset.groupby("report", sort=True):
            hours = rows["hours_viewed"].to_numpy(dtype=float)
            korean = hangul_mask(rows["title"]).to_numpy()
            share = hours[korean].sum() / hours.sum()
            draws = rng.integers(0, len(hours), size=(n_boot, len(hours)))
            boot = (hours[draws] * korean[draws]).sum(axis=1) / hours[draws].sum(axis=1)
            frames.append({"scope": scope, "report": report, "titles": len(hours),
                           "korean_titles": int(korean.sum()),
                           "korean_hours_bn": round(hours[korean].sum() / 1e9, 2),
                           "all_hours_bn": round(hours.sum() / 1e9, 2),
                           "share": round(share, 4), "boot_low": round(float(np.quantile(boot, 0.025)), 4),
                           "boot_high": round(float(np.quantile(boot, 0.975)), 4)})
    return pd.DataFrame(frames)


def naive_binomial_halfwidth(share: float, hours: float) -> float:
    """Half-width of a Wald 95% CI if every hour were an independent trial (to show why that is wrong)."""
    return 1.96 * float(np.sqrt(share * (1 - share) / hours))


def fit_share_trend(shares: pd.DataFrame) -> dict:
    """Fractional-logit GLM (binomial family on the share, robust HC1 errors), linear in years.

    With four or five half-years the interval is wide and rests on few points;
    it describes the direction, not a forecast.
    """
    rows = shares.sort_values("report").reset_index(drop=True)
    years = pd.Series(np.arange(len(rows)) / 2, name="years")
    exog = sm.add_constant(years)
    model = sm.GLM(rows["share"], exog, family=sm.families.Binomial()).fit(cov_type="HC1")
    conf = model.conf_int().loc["years"]
    return {"model": model, "odds_ratio": float(np.exp(model.params["years"])),
            "low": float(np.exp(conf.iloc[0])), "high": float(np.exp(conf.iloc[1])),
            "n_points": len(rows), "first": rows["report"].iloc[0], "last": rows["report"].iloc[-1]}


# --- second life of library titles ---------------------------------------------

AGE_CLASSES = ["released in the period", "released 1 year before", "released 2+ years before",
               "no release date"]


def release_age_class(engagement: pd.DataFrame) -> pd.Series:
    """How old each title's Netflix release is relative to the report's period."""
    years_before = engagement["period_start"].dt.year - engagement["release_date"].dt.year
    in_period = engagement["release_date"] >= engagement["period_start"]
    label = np.select(
        [engagement["release_date"].isna(), in_period, years_before <= 1],
        [AGE_CLASSES[3], AGE_CLASSES[0], AGE_CLASSES[1]], default=AGE_CLASSES[2])
    return pd.Series(pd.Categorical(label, categories=AGE_CLASSES, ordered=True), index=engagement.index)


def korean_shows_by_age(engagement: pd.DataFrame) -> pd.DataFrame:
    """Korean (Hangul-titled) shows per report and release-age class: titles and share of hours."""
    shows = engagement[(engagement["kind"] == "show") & hangul_mask(engagement["title"])].copy()
    shows["age"] = release_age_class(shows)
    table = shows.groupby(["report", "age"], observed=False).agg(
        titles=("title", "size"), hours_m=("hours_viewed", "sum")).reset_index()
    table["hours_m"] = (table["hours_m"] / 1e6).round(1)
    table["share_of_hours"] = (table["hours_m"] / table.groupby("report")["hours_m"].transform("sum")).round(3)
    return table


def rank_among_korean_shows(engagement: pd.DataFrame, report: str, needle: str) -> pd.DataFrame:
    """Korean shows of one report ranked by views, with the rows whose title contains ``needle``."""
    shows = engagement[(engagement["report"] == report) & (engagement["kind"] == "show")
                       & hangul_mask(engagement["title"])].copy()
    shows = shows.sort_values(["views", "hours_viewed", "title"], ascending=[False, False, True])
    shows["rank_by_views"] = np.arange(1, len(shows) + 1)
    shows["age"] = release_age_class(shows)
    return shows[shows["title"].str.contains(needle, regex=False)][
        ["title", "release_date", "age", "hours_viewed", "views", "rank_by_views"]].assign(
        of=len(shows)).reset_index(drop=True)


# --- survival on the chart -------------------------------------------------------

def chart_runs(marked: pd.DataFrame, category: str = NON_ENGLISH_TV,
               last_entry: str = "2025-06-29") -> pd.DataFrame:
    """One row per season title of a list: weeks on the chart and whether its run is complete.

    ``weeks`` is the highest ``cumulative_weeks_in_top_10`` seen (re-entries
    count). A run is *censored* (``left`` = False) when the title is still on the
    list in the data's last week. Titles already on the list in its first week
    are flagged ``left_truncated`` (their run may have begun before the data).
    ``eligible`` keeps titles that entered after the first week, no later than
    ``last_entry`` (Korean identification ends in June 2025), and are identifiable.
    """
    rows = marked[marked["category"] == category]
    first_week, last_week = rows["week"].min(), rows["week"].max()
    runs = rows.groupby("title_key").agg(
        title=("season_title", "first"), first_week=("week", "min"), last_week=("week", "max"),
        weeks=("cumulative_weeks_in_top_10", "max"), is_korean=("is_korean", "max"),
        identifiable=("identifiable", "max")).reset_index()
    runs["left"] = runs["last_week"] < last_week
    runs["left_truncated"] = runs["first_week"] == first_week
    runs["eligible"] = (~runs["left_truncated"] & runs["identifiable"]
                        & (runs["first_week"] <= pd.Timestamp(last_entry)))
    runs["group"] = np.where(runs["is_korean"], "Korean", "other non-English")
    return runs.sort_values(["first_week", "title_key"]).reset_index(drop=True)


def survival_comparison(runs: pd.DataFrame) -> dict:
    """Kaplan-Meier per group (statsmodels SurvfuncRight), medians with 95% CI, log-rank test."""
    eligible = runs[runs["eligible"]]
    curves, summary = {}, []
    for group, rows in eligible.groupby("group", sort=True):
        fit = SurvfuncRight(rows["weeks"].to_numpy(dtype=float), rows["left"].to_numpy(dtype=int))
        low, high = km_median_ci(km_table(fit))
        curves[group] = fit
        summary.append({"group": group, "titles": len(rows), "censored": int((~rows["left"]).sum()),
                        "median_weeks": float(fit.quantile(0.5)), "ci_low": low, "ci_high": high,
                        "share_4plus_weeks": round(float((rows["weeks"] >= 4).mean()), 3)})
    chi2, p_value = survdiff(eligible["weeks"].to_numpy(dtype=float), eligible["left"].to_numpy(dtype=int),
                             eligible["group"].to_numpy())
    return {"curves": curves, "summary": pd.DataFrame(summary), "chi2": float(chi2), "p_value": float(p_value)}


def km_median_ci(table: pd.DataFrame) -> tuple[float, float]:
    """95% CI of the median survival time from the pointwise band of :func:`km_table`.

    The interval holds the times whose band contains one half (Brookmeyer and
    Crowley): the lower limit is the median of the lower band, the upper limit
    the median of the upper band (NaN if the upper band never reaches one half).
    """
    lower = table.loc[table["ci_low"] <= 0.5, "weeks"]
    upper = table.loc[table["ci_high"] <= 0.5, "weeks"]
    return (float(lower.min()) if len(lower) else float("nan"),
            float(upper.min()) if len(upper) else float("nan"))


def km_table(fit: SurvfuncRight) -> pd.DataFrame:
    """The step function of a Kaplan-Meier fit: weeks, at risk, events, survival and its 95% band."""
    se = fit.surv_prob_se
    with np.errstate(divide="ignore", invalid="ignore"):
        # Log-log pointwise interval, as statsmodels uses for quantile_ci.
        log_s = np.log(fit.surv_prob)
        half = 1.96 * se / (fit.surv_prob * np.abs(log_s))
        low = np.exp(-np.exp(np.log(-log_s) + half))
        high = np.exp(-np.exp(np.log(-log_s) - half))
    return pd.DataFrame({"weeks": fit.surv_times.astype(int), "at_risk": fit.n_risk.astype(int),
                         "events": fit.n_events.astype(int), "survival": fit.surv_prob.round(4),
                         "ci_low": np.nan_to_num(low, nan=0.0).round(4),
                         "ci_high": np.nan_to_num(high, nan=1.0).round(4)})


# --- domestic platforms' finances ------------------------------------------------

#: Facts-register rows of the annual finance series used in the chapter:
#: (platform, metric, year, fact id). Wavve's operating losses are the
#: standalone figures; the alternatives are disclosed in :data:`FINANCE_ALTERNATIVES`.
FINANCE_ROWS = [
    ("Wavve", "revenue", 2020, "F093"), ("Wavve", "revenue", 2021, "F095"),
    ("Wavve", "revenue", 2022, "F097"), ("Wavve", "revenue", 2023, "F100"),
    ("Wavve", "operating loss", 2019, "F092"), ("Wavve", "operating loss", 2020, "F094"),
    ("Wavve", "operating loss", 2021, "F096"), ("Wavve", "operating loss", 2022, "F098"),
    ("Wavve", "operating loss", 2023, "F101"), ("Wavve", "operating loss", 2024, "F103"),
    ("Tving", "revenue", 2021, "F108"), ("Tving", "revenue", 2022, "F110"),
    ("Tving", "revenue", 2023, "F112"), ("Tving", "revenue", 2024, "F113"),
    ("Tving", "operating loss", 2020, "F106"), ("Tving", "operating loss", 2021, "F107"),
    ("Tving", "operating loss", 2022, "F109"), ("Tving", "operating loss", 2023, "F111"),
]
#: Rows that give a different figure for the same quantity: (chosen row, alternative row, what differs).
FINANCE_ALTERNATIVES = [
    ("F098", "F099", "Wavve 2022 operating loss: standalone (Newsis) vs Economist (Korea)"),
    ("F101", "F102", "Wavve 2023 operating loss: standalone vs consolidated (Sisa Journal-e)"),
]


def platform_finance(data_dir=None) -> pd.DataFrame:
    """Wavve's and Tving's annual revenue and operating loss (bn KRW), read from the facts register."""
    rows = []
    for platform, metric, year, fact_id in FINANCE_ROWS:
        fact = data.fact(fact_id, data_dir)
        if fact["unit"] != "billion KRW" or str(year) != str(fact["as_of"]):
            raise data.DataValidationError(f"data/facts.csv, row {fact_id}",
                                           f"expected {year} in billion KRW, found {fact['as_of']} {fact['unit']}")
        rows.append({"platform": platform, "metric": metric, "year": year,
                     "bn_krw": data.fact_number(fact_id, data_dir), "fact_id": fact_id,
                     "confidence": fact["confidence"]})
    return pd.DataFrame(rows).sort_values(["platform", "metric", "year"]).reset_index(drop=True)
