"""Platform migration: events, Korea's weight in Netflix's chart and reports, where Korean dramas are first released.

Helpers for the platform-migration chapter. Two hand-curated tables rest on
rows of the facts register (``data/migration_events.csv`` and
``data/ott_mau_mobile_index.csv``); :func:`check_events_against_facts` and
:func:`check_mau_against_facts` say where a row disagrees with the register.
Everything else is computed from the Netflix Top 10 lists and engagement reports,
the MyDramaList catalogue of Korean dramas and the 2021 Netflix catalogue.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from . import data
from .evidence_cache import cached
from .tables import format_p
from .titles import hangul_mask, identify_korean_top10

#: Quarters in which Korean titles in the Top 10 can be identified (see
#: :func:`korean_ott.titles.identify_korean_top10`): the engagement reports end
#: in June 2025, so the fitting window ends with 2025Q2.
FIT_WINDOW = (pd.Period("2021Q3", "Q"), pd.Period("2025Q2", "Q"))
NON_ENGLISH_TV = "TV (Non-English)"


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
            boot = _bootstrap_shares(np.where(korean, hours, 0.0), hours, draws)
            frames.append({"scope": scope, "report": report, "titles": len(hours),
                           "korean_titles": int(korean.sum()),
                           "korean_hours_bn": round(hours[korean].sum() / 1e9, 2),
                           "all_hours_bn": round(hours.sum() / 1e9, 2),
                           "share": round(share, 4), "boot_low": round(float(np.quantile(boot, 0.025)), 4),
                           "boot_high": round(float(np.quantile(boot, 0.975)), 4)})
    return pd.DataFrame(frames)


def _bootstrap_shares(part: np.ndarray, whole: np.ndarray, draws: np.ndarray, rows: int = 16) -> np.ndarray:
    """``part[draws].sum(axis=1) / whole[draws].sum(axis=1)``, a few draws at a time: each draw's
    sums are the same numbers added in the same order, without gigabytes of gathered copies."""
    shares = np.empty(len(draws))
    for start in range(0, len(draws), rows):
        chunk = draws[start:start + rows]
        shares[start:start + rows] = part[chunk].sum(axis=1) / whole[chunk].sum(axis=1)
    return shares


def naive_binomial_halfwidth(share: float, hours: float) -> float:
    """Half-width of a Wald 95% CI if every hour were an independent trial (to show why that is wrong)."""
    return 1.96 * float(np.sqrt(share * (1 - share) / hours))


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


# --- reporting helpers --------------------------------------------------------------

def window_label(start, end) -> str:
    """``"2021Q3–2025Q2"`` (or ``"2015–2022"``): how the book names a fitting window."""
    return f"{start}\u2013{end}"


def window_verdict(sensitivity: pd.DataFrame, rising: str = "rising", falling: str = "falling") -> str:
    """The conclusion a set of window refits supports, by a rule stated before the fits.

    ``sensitivity`` has one row per window with columns ``low`` and ``high``
    (95% CI of the odds ratio per year). The rule:

    * ``rising`` only if every window's interval lies above 1;
    * ``falling`` only if every window's interval lies below 1;
    * otherwise no direction is claimed. If some windows exclude 1 and others do
      not, the verdict says the direction is not robust; if none excludes 1 it
      says no trend is detectable. Both state the range of yearly changes in the
      odds that the intervals, taken together, allow (never "no change").
    """
    if len(sensitivity) == 0:
        raise ValueError("window_verdict needs at least one window")
    for column in ("low", "high"):
        if column not in sensitivity or sensitivity[column].isna().any():
            raise ValueError(f"window_verdict needs a complete {column!r} column")
    low, high = sensitivity["low"].astype(float), sensitivity["high"].astype(float)
    if (low > high).any():
        raise ValueError("a window has low > high")
    n = len(sensitivity)
    if (low > 1).all():
        return f"{rising}: every one of the {n} windows has its 95% interval above 1"
    if (high < 1).all():
        return f"{falling}: every one of the {n} windows has its 95% interval below 1"
    fall = 100 * (1 - float(low.min()))
    rise = 100 * (float(high.max()) - 1)
    span = (f"the 95% intervals of the {n} windows together run from a fall of {fall:.0f}% "
            f"to a rise of {rise:.0f}% in the odds per year")
    n_up, n_down = int((low > 1).sum()), int((high < 1).sum())
    if n_up or n_down:
        parts = []
        if n_up:
            parts.append(f"{n_up} of {n} windows show a rise")
        if n_down:
            parts.append(f"{n_down} of {n} windows show a fall")
        return f"direction not robust: {' and '.join(parts)}, the others do not; {span}"
    return f"no trend detectable: {span}"


# --- Korean share of the non-English TV Top 10 (one model for the whole book) ------

def _quarter(value, name: str) -> pd.Period:
    try:
        return pd.Period(value, "Q")
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name} must be a quarter such as '2021Q3', got {value!r}") from error


def korean_share_slots(marked: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """The identifiable slots of the weekly TV (Non-English) Top 10 inside a window of quarters.

    ``marked`` is the output of :func:`mark_korean`. One row per listed slot
    (week x rank) whose title could be classified, with ``is_korean``,
    ``years`` (time since the window's first week, in years of 365.25 days) and
    ``series`` (the show title's matching key, the cluster). ``start`` and
    ``end`` default to :data:`FIT_WINDOW`; a window outside it is refused,
    because Korean titles cannot be identified there.
    """
    start = FIT_WINDOW[0] if start is None else _quarter(start, "start")
    end = FIT_WINDOW[1] if end is None else _quarter(end, "end")
    if start > end:
        raise ValueError(f"window start {start} is after its end {end}")
    if start < FIT_WINDOW[0] or end > FIT_WINDOW[1]:
        raise ValueError(f"window {start}-{end} leaves {FIT_WINDOW[0]}-{FIT_WINDOW[1]}, the quarters in "
                         "which Korean titles can be identified")
    for column in ("week", "category", "is_korean", "identifiable", "show_title"):
        if column not in marked:
            raise ValueError(f"marked Top 10 rows lack the column {column!r} (use mark_korean)")
    quarter = marked["week"].dt.to_period("Q")
    rows = marked[(marked["category"] == NON_ENGLISH_TV) & quarter.between(start, end)]
    if rows.empty:
        raise ValueError(f"no TV (Non-English) rows in {start}-{end}")
    slots = rows[rows["identifiable"].astype(bool)].copy()
    slots["quarter"] = slots["week"].dt.to_period("Q")
    slots["years"] = (slots["week"] - slots["week"].min()).dt.days / 365.25
    slots["is_korean"] = slots["is_korean"].astype(bool)
    from .titles import title_key
    slots["series"] = slots["show_title"].map(title_key)
    slots.attrs.update(start=start, end=end, listed=len(rows))
    return slots.sort_values(["week", "weekly_rank"]).reset_index(drop=True)


def fit_korean_share(slots: pd.DataFrame) -> dict:
    """Logit of P(slot is Korean) on years; 95% CI clustered by series.

    A binomial GLM on the slot rows. The same series fills slots week after
    week, so slots are not independent: the covariance is cluster-robust with
    one cluster per series (statsmodels ``cov_type="cluster"``), which allows
    any correlation among a series' slots, across weeks and seasons.
    """
    import statsmodels.api as sm  # here, not on import: pages that read the cached evidence need no fit

    n_korean = int(slots["is_korean"].sum())
    if n_korean == 0 or n_korean == len(slots):
        raise ValueError("the window needs both Korean and non-Korean slots to fit a share")
    if slots["week"].nunique() < 2:
        raise ValueError("the window needs at least two weeks")
    groups = pd.factorize(slots["series"])[0]
    exog = sm.add_constant(slots[["years"]].astype(float))
    fit = sm.GLM(slots["is_korean"].astype(float), exog, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": groups})
    conf = fit.conf_int().loc["years"]
    start, end = slots.attrs.get("start"), slots.attrs.get("end")
    if start is None:
        start, end = slots["quarter"].min(), slots["quarter"].max()
    return {"odds_ratio": float(np.exp(fit.params["years"])), "low": float(np.exp(conf.iloc[0])),
            "high": float(np.exp(conf.iloc[1])), "p_value": float(fit.pvalues["years"]),
            "intercept": float(fit.params["const"]), "slope": float(fit.params["years"]),
            "n_weeks": int(slots["week"].nunique()), "n_slots": len(slots),
            "n_listed": int(slots.attrs.get("listed", len(slots))), "n_korean_slots": n_korean,
            "n_titles": int(groups.max() + 1), "share": n_korean / len(slots),
            "start": str(start), "end": str(end), "window": window_label(start, end),
            "first_week": slots["week"].min(), "last_week": slots["week"].max()}


def korean_share_trend(top10_weekly: pd.DataFrame, engagement: pd.DataFrame, catalogue: pd.DataFrame,
                       start=None, end=None) -> dict:
    """Trend in Korea's share of the identifiable slots of Netflix's weekly TV (Non-English) Top 10.

    The one model of this quantity in the book: Korean slots out of identifiable
    listed slots, binomial GLM on the slot rows with time in years, errors
    clustered by series (:func:`fit_korean_share`). Returns the odds ratio per
    year with its 95% CI, p-value, numbers of weeks, slots and series, and the window.
    """
    marked = mark_korean(top10_weekly, engagement, catalogue)
    return fit_korean_share(korean_share_slots(marked, start, end))


def korean_share_window_sensitivity(top10_weekly: pd.DataFrame, engagement: pd.DataFrame,
                                    catalogue: pd.DataFrame, max_drop: int = 4) -> pd.DataFrame:
    """Refit :func:`korean_share_trend` dropping 0..``max_drop`` leading and trailing quarters.

    One row per (leading, trailing) pair, all combinations, so the full window
    and every shortened one are side by side.
    """
    return _window_sensitivity(mark_korean(top10_weekly, engagement, catalogue), max_drop)


def _window_sensitivity(marked: pd.DataFrame, max_drop: int) -> pd.DataFrame:
    if max_drop < 0:
        raise ValueError("max_drop must not be negative")
    n_quarters = FIT_WINDOW[1].ordinal - FIT_WINDOW[0].ordinal + 1
    if 2 * max_drop > n_quarters - 4:
        raise ValueError(f"dropping {max_drop} quarters at each end leaves fewer than four of {n_quarters}")
    rows = []
    for lead in range(max_drop + 1):
        for trail in range(max_drop + 1):
            fit = fit_korean_share(korean_share_slots(marked, FIT_WINDOW[0] + lead, FIT_WINDOW[1] - trail))
            rows.append({"drop_leading": lead, "drop_trailing": trail, "window": fit["window"],
                         "weeks": fit["n_weeks"], "slots": fit["n_slots"], "series": fit["n_titles"],
                         "odds_ratio": fit["odds_ratio"], "low": fit["low"], "high": fit["high"],
                         "p_value": fit["p_value"]})
    return pd.DataFrame(rows)


def korean_share_verdict(sensitivity: pd.DataFrame) -> str:
    """What the whole range of windows supports about Korea's share of the chart (:func:`window_verdict`)."""
    return window_verdict(sensitivity)


@cached
def korean_share_evidence(top10_weekly: pd.DataFrame, engagement: pd.DataFrame, catalogue: pd.DataFrame,
                          max_drop: int = 4) -> tuple[dict, pd.DataFrame, str]:
    """The full-window fit, the window sensitivity and the verdict, computed the same way for every page."""
    marked = mark_korean(top10_weekly, engagement, catalogue)
    result = fit_korean_share(korean_share_slots(marked))
    sensitivity = _window_sensitivity(marked, max_drop)
    return result, sensitivity, korean_share_verdict(sensitivity)


def glue_korean_share(result: dict, verdict: str) -> dict:
    """Glue the Korean-share estimate and verdict under the shared ``ev_kshare_*`` keys.

    Keys: ``ev_kshare_or``, ``_or_low``, ``_or_high`` (odds ratio per year, two
    decimals), ``_pct``, ``_pct_low``, ``_pct_high`` (change in the odds per
    year, percent, one decimal), ``_p`` (text), ``_n_weeks``, ``_n_titles``
    (series), ``_n_slots``, ``_share`` (percent of slots Korean over the window),
    ``_window`` and ``_verdict`` (text). Returns what was glued.
    """
    from .glue import glue_number, glue_text

    glued = {
        "ev_kshare_or": glue_number("ev_kshare_or", result["odds_ratio"], 2),
        "ev_kshare_or_low": glue_number("ev_kshare_or_low", result["low"], 2),
        "ev_kshare_or_high": glue_number("ev_kshare_or_high", result["high"], 2),
        "ev_kshare_pct": glue_number("ev_kshare_pct", 100 * (result["odds_ratio"] - 1), 1),
        "ev_kshare_pct_low": glue_number("ev_kshare_pct_low", 100 * (result["low"] - 1), 1),
        "ev_kshare_pct_high": glue_number("ev_kshare_pct_high", 100 * (result["high"] - 1), 1),
        "ev_kshare_p": glue_text("ev_kshare_p", format_p(result["p_value"])),
        "ev_kshare_n_weeks": glue_number("ev_kshare_n_weeks", result["n_weeks"]),
        "ev_kshare_n_titles": glue_number("ev_kshare_n_titles", result["n_titles"]),
        "ev_kshare_n_slots": glue_number("ev_kshare_n_slots", result["n_slots"]),
        "ev_kshare_share": glue_number("ev_kshare_share", 100 * result["share"], 1),
        "ev_kshare_window": glue_text("ev_kshare_window", result["window"]),
        "ev_kshare_verdict": glue_text("ev_kshare_verdict", verdict),
    }
    return glued


# --- Where Korean dramas are first released (MyDramaList original network) ----------

#: Subscription streamers that operate worldwide. MyDramaList writes Disney's
#: Korean originals as "Disney+ Hulu"; Hulu is kept with Disney+.
GLOBAL_STREAMERS = ("Netflix", "Disney+", "Hulu", "Amazon Prime", "Apple TV+")
#: Korean broadcast and cable channels and Korean online services.
KOREAN_NETWORKS = (
    "KBS1", "KBS2", "MBC", "SBS", "EBS", "OBS", "tvN", "XtvN", "OCN", "O'live", "On Style", "Mnet",
    "jTBC", "TV Chosun", "Channel A", "MBN", "ENA", "DramaX", "DRAMAcube", "MBC every1", "MBC Dramanet",
    "SBS Plus", "E-Channel", "QTV", "Tooniverse", "TVING", "Wavve", "Oksusu", "Naver TV Cast", "vLive",
    "Daum Kakao TV", "Genie TV", "Coupang Play", "Watcha")
#: Other foreign channels and services (regional streamers, foreign broadcasters).
OTHER_FOREIGN_NETWORKS = ("Viki", "ViuTV", "iQiyi", "Tencent Video", "Sohu TV", "LINE TV", "AbemaTV",
                          "BS TV Tokyo", "FTV", "Kocowa")
NETWORK_KIND = {**{name: "global" for name in GLOBAL_STREAMERS},
                **{name: "korean" for name in KOREAN_NETWORKS},
                **{name: "other foreign" for name in OTHER_FOREIGN_NETWORKS}}
_NETWORK_PATTERN = re.compile(r"(?<![^\s,])(?:" + "|".join(
    re.escape(name) for name in sorted(NETWORK_KIND, key=len, reverse=True)) + r")(?![^\s,])")
#: Release classes, in display order.
ORIGIN_CLASSES = ("global only", "global with domestic", "domestic", "other foreign only", "unknown")


def parse_networks(org_net: object, where: str = "org_net") -> list[str]:
    """The networks named in a MyDramaList ``org_net`` cell, in order ([] when missing).

    Names are matched longest first ("MBC every1" before "MBC"); commas and
    spaces between them are ignored. Any other text raises ``ValueError``
    naming ``where``, so that a network the book has not classified is never
    silently counted as domestic.
    """
    if org_net is None or (not isinstance(org_net, str) and pd.isna(org_net)):
        return []
    if not isinstance(org_net, str):
        raise ValueError(f"{where}: org_net must be text, got {org_net!r}")
    names = _NETWORK_PATTERN.findall(org_net)
    rest = _NETWORK_PATTERN.sub(" ", org_net).replace(",", " ").strip()
    if rest:
        raise ValueError(f"{where}: unclassified network text {rest!r} in {org_net!r}; "
                         "add it to GLOBAL_STREAMERS, KOREAN_NETWORKS or OTHER_FOREIGN_NETWORKS")
    return names


def classify_release(org_net: object, where: str = "org_net") -> str:
    """Release class of a drama from the networks MyDramaList names as original.

    * ``global only``: a global streamer, and no Korean channel or service;
    * ``global with domestic``: a global streamer together with a Korean channel or service;
    * ``domestic``: a Korean channel or service, and no global streamer
      (regional foreign services such as Viki may be named too);
    * ``other foreign only``: only foreign services that are not global streamers;
    * ``unknown``: no network given.
    """
    kinds = {NETWORK_KIND[name] for name in parse_networks(org_net, where)}
    if not kinds:
        return "unknown"
    if "global" in kinds:
        return "global with domestic" if "korean" in kinds else "global only"
    return "domestic" if "korean" in kinds else "other foreign only"


def mdl_coverage_end(mdl: pd.DataFrame) -> pd.Timestamp:
    """Latest first-air date in the scrape (``start_dt`` written in several formats)."""
    dates = pd.to_datetime(mdl["start_dt"], format="mixed", errors="coerce")
    if dates.notna().sum() == 0:
        raise ValueError("mdl_korean_dramas: no readable start_dt, cannot tell where the scrape ends")
    return dates.max()


def release_origin_by_year(mdl: pd.DataFrame) -> pd.DataFrame:
    """Per year of first airing: dramas by release class, and shares with Wilson 95% intervals.

    Shares are of dramas whose original network is known. ``full_year`` is
    False for a year the scrape does not cover to its end (the scrape's latest
    first-air date falls before 1 December of that year); such a year is shown
    but left out of trends. Raises ``ValueError`` on a missing year or an
    unclassified network, naming the drama.
    """
    from statsmodels.stats.proportion import proportion_confint

    for column in ("kdrama_id", "drama_name", "year", "org_net", "start_dt"):
        if column not in mdl:
            raise ValueError(f"mdl_korean_dramas lacks the column {column!r}")
    if mdl["year"].isna().any():
        bad = mdl.loc[mdl["year"].isna(), "drama_name"].iloc[0]
        raise ValueError(f"mdl_korean_dramas: drama {bad!r} has no year")
    origin = pd.Series([classify_release(net, f"mdl_korean_dramas, drama {name!r}")
                        for net, name in zip(mdl["org_net"], mdl["drama_name"])], index=mdl.index)
    counts = pd.crosstab(mdl["year"].astype(int), origin).reindex(columns=list(ORIGIN_CLASSES), fill_value=0)
    table = counts.rename(columns=lambda c: c.replace(" ", "_")).reset_index().rename(columns={"index": "year"})
    table.columns.name = None
    table["dramas"] = counts.sum(axis=1).to_numpy()
    table["known"] = table["dramas"] - table["unknown"]
    end = mdl_coverage_end(mdl)
    table["full_year"] = (table["year"] < end.year) | (end >= pd.Timestamp(year=end.year, month=12, day=1))
    for column in ("global_only", "global_with_domestic"):
        low, high = proportion_confint(table[column], table["known"], alpha=0.05, method="wilson")
        table[f"{column}_share"] = table[column] / table["known"]
        table[f"{column}_low"] = np.asarray(low, dtype=float)
        table[f"{column}_high"] = np.asarray(high, dtype=float)
    table["unknown_share"] = table["unknown"] / table["dramas"]
    return table


ORIGIN_OUTCOMES = ("global_only", "global_with_domestic")


def release_origin_trend(by_year: pd.DataFrame, outcome: str = "global_only", start=None, end=None,
                         denominator: str = "known") -> dict:
    """Logit trend of a release class's share of known-network dramas, per year.

    Binomial GLM on the yearly counts (``outcome`` dramas out of ``known``, or
    out of all ``dramas`` with ``denominator="all"``: a bound that counts every
    drama without a network as not released on a global streamer),
    linear in years since ``start``. Overdispersion is checked with Pearson
    chi-squared / df; above 1 the covariance is scaled by it (quasi-binomial),
    so the interval is never narrower than the binomial one. Only full years
    can be fitted; the default window is every full year.
    """
    import statsmodels.api as sm
    from scipy import stats as scipy_stats

    if outcome not in ORIGIN_OUTCOMES:
        raise ValueError(f"outcome must be one of {ORIGIN_OUTCOMES}, got {outcome!r}")
    if denominator not in ("known", "dramas", "all"):
        raise ValueError(f"denominator must be 'known' or 'all', got {denominator!r}")
    total = "known" if denominator == "known" else "dramas"
    full = by_year[by_year["full_year"]]
    start = int(full["year"].min()) if start is None else int(start)
    end = int(full["year"].max()) if end is None else int(end)
    if start > end:
        raise ValueError(f"window start {start} is after its end {end}")
    rows = by_year[by_year["year"].between(start, end)].sort_values("year")
    if not rows["full_year"].all():
        raise ValueError(f"window {start}-{end} includes a year the scrape does not fully cover: "
                         f"{rows.loc[~rows['full_year'], 'year'].tolist()}")
    if rows["year"].tolist() != list(range(start, end + 1)):
        raise ValueError(f"window {start}-{end} has missing years")
    if len(rows) < 3:
        raise ValueError("a trend needs at least three years")
    if (rows[outcome] > rows[total]).any() or (rows[outcome] < 0).any():
        raise ValueError(f"{outcome} counts must lie between 0 and {total}")
    k, n = rows[outcome].to_numpy(dtype=float), rows[total].to_numpy(dtype=float)
    if k.sum() == 0 or k.sum() == n.sum():
        raise ValueError(f"{outcome}: the window needs both outcomes to fit a share")
    exog = sm.add_constant(pd.Series(rows["year"].to_numpy(dtype=float) - start, name="years"))
    endog = np.column_stack([k, n - k])
    fit = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    dispersion = float(fit.pearson_chi2 / fit.df_resid)
    slope, se = float(fit.params["years"]), float(fit.bse["years"])
    if dispersion > 1:
        # Quasi-binomial: standard error times sqrt(dispersion), t reference with the residual df.
        se *= math.sqrt(dispersion)
        crit = float(scipy_stats.t.ppf(0.975, fit.df_resid))
        p_value = float(2 * scipy_stats.t.sf(abs(slope) / se, fit.df_resid))
    else:
        crit = float(scipy_stats.norm.ppf(0.975))
        p_value = float(fit.pvalues["years"])
    return {"outcome": outcome, "odds_ratio": math.exp(slope),
            "low": math.exp(slope - crit * se), "high": math.exp(slope + crit * se),
            "p_value": p_value, "dispersion": dispersion,
            "scaled": dispersion > 1, "denominator": total, "n_years": len(rows), "n_dramas": int(n.sum()),
            "n_outcome": int(k.sum()), "start": start, "end": end, "window": window_label(start, end)}


def release_origin_sensitivity(by_year: pd.DataFrame, outcome: str = "global_only", max_drop: int = 2) -> pd.DataFrame:
    """Refit :func:`release_origin_trend` dropping 0..``max_drop`` leading and trailing full years."""
    if max_drop < 0:
        raise ValueError("max_drop must not be negative")
    years = by_year.loc[by_year["full_year"], "year"]
    first, last = int(years.min()), int(years.max())
    rows = []
    for lead in range(max_drop + 1):
        for trail in range(max_drop + 1):
            fit = release_origin_trend(by_year, outcome, first + lead, last - trail)
            rows.append({"outcome": outcome, "drop_leading": lead, "drop_trailing": trail,
                         "window": fit["window"], "years": fit["n_years"], "dramas": fit["n_dramas"],
                         "odds_ratio": fit["odds_ratio"], "low": fit["low"], "high": fit["high"],
                         "p_value": fit["p_value"], "dispersion": fit["dispersion"]})
    return pd.DataFrame(rows)


@cached
def release_origin_evidence(mdl: pd.DataFrame, max_drop: int = 2) -> dict:
    """Everything the book states about release origin, computed one way for every page.

    Returns ``by_year``, and per outcome (``global_only``, ``global_with_domestic``)
    the full-window ``trend``, its window ``sensitivity``, the ``verdict``
    (:func:`window_verdict`) and ``trend_all``, the full-window trend with
    dramas of unknown network counted as not global (a bound for missing networks).
    """
    by_year = release_origin_by_year(mdl)
    out = {"by_year": by_year}
    for outcome in ORIGIN_OUTCOMES:
        sensitivity = release_origin_sensitivity(by_year, outcome, max_drop)
        out[outcome] = {"trend": release_origin_trend(by_year, outcome), "sensitivity": sensitivity,
                        "verdict": window_verdict(sensitivity),
                        "trend_all": release_origin_trend(by_year, outcome, denominator="all")}
    return out


def glue_release_origin(evidence: dict) -> dict:
    """Glue release-origin estimates under the shared ``ev_origin_*`` keys; returns what was glued.

    For the first and the latest full year: ``ev_origin_first_year``,
    ``ev_origin_last_year`` and, for ``go`` (global only) and ``gd`` (global with
    domestic), ``ev_origin_{go,gd}_{first,last}_pct`` with ``_low``/``_high``
    (Wilson 95%, latest year only); the trends ``ev_origin_{go,gd}_or`` with
    ``_or_low``, ``_or_high``, ``_p`` and ``_verdict``; ``ev_origin_window``,
    ``ev_origin_n`` (known-network dramas in the window), ``ev_origin_unknown_first_pct``
    and ``ev_origin_unknown_last_pct`` (network missing), ``ev_origin_partial_year``
    and ``ev_origin_coverage_end`` (the scrape's last first-air date).
    """
    from .glue import glue_number, glue_text

    by_year = evidence["by_year"]
    full = by_year[by_year["full_year"]].sort_values("year")
    first, last = full.iloc[0], full.iloc[-1]
    glued = {"ev_origin_first_year": glue_text("ev_origin_first_year", int(first["year"])),
             "ev_origin_last_year": glue_text("ev_origin_last_year", int(last["year"]))}
    for outcome, tag in (("global_only", "go"), ("global_with_domestic", "gd")):
        glued[f"ev_origin_{tag}_first_pct"] = glue_number(f"ev_origin_{tag}_first_pct",
                                                          100 * first[f"{outcome}_share"], 1)
        for suffix, column in (("", "share"), ("_low", "low"), ("_high", "high")):
            key = f"ev_origin_{tag}_last_pct{suffix}"
            glued[key] = glue_number(key, 100 * last[f"{outcome}_{column}"], 1)
        trend = evidence[outcome]["trend"]
        for suffix, field in (("or", "odds_ratio"), ("or_low", "low"), ("or_high", "high")):
            glued[f"ev_origin_{tag}_{suffix}"] = glue_number(f"ev_origin_{tag}_{suffix}", trend[field], 2)
        glued[f"ev_origin_{tag}_p"] = glue_text(f"ev_origin_{tag}_p", format_p(trend["p_value"]))
        glued[f"ev_origin_{tag}_verdict"] = glue_text(f"ev_origin_{tag}_verdict", evidence[outcome]["verdict"])
    trend = evidence["global_only"]["trend"]
    glued["ev_origin_window"] = glue_text("ev_origin_window", trend["window"])
    glued["ev_origin_n"] = glue_number("ev_origin_n", trend["n_dramas"])
    glued["ev_origin_unknown_first_pct"] = glue_number("ev_origin_unknown_first_pct", 100 * first["unknown_share"], 1)
    glued["ev_origin_unknown_last_pct"] = glue_number("ev_origin_unknown_last_pct", 100 * last["unknown_share"], 1)
    partial = by_year.loc[~by_year["full_year"], "year"]
    glued["ev_origin_partial_year"] = glue_text("ev_origin_partial_year",
                                                ", ".join(str(int(y)) for y in partial) or "none")
    return glued


def later_licensing(mdl: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Korean dramas of MyDramaList found in the September 2021 Netflix catalogue, with the lag.

    Matching is on the exact title key (:func:`korean_ott.titles.title_key`) of
    the drama's English name and a South Korean TV show of the catalogue; a
    title matching more than one drama is dropped (ambiguous). ``lag_years`` is
    the year Netflix added the title minus the drama's first-air year: a
    ``domestic`` drama with a positive lag was first shown on a Korean channel
    or service and licensed to Netflix later. The catalogue shows only titles
    still on Netflix in September 2021, so licences that had ended are missed.
    """
    from .titles import title_key

    for column in ("title", "country", "type", "date_added"):
        if column not in catalogue:
            raise ValueError(f"netflix_catalogue_2021 lacks the column {column!r}")
    shows = catalogue[catalogue["country"].fillna("").str.contains("South Korea", regex=False)
                      & (catalogue["type"] == "TV Show") & catalogue["date_added"].notna()].copy()
    shows["key"] = shows["title"].map(title_key)
    dramas = mdl[["drama_name", "year", "org_net"]].copy()
    dramas["key"] = dramas["drama_name"].map(title_key)
    dramas = dramas[~dramas["key"].duplicated(keep=False)]
    dramas["origin"] = [classify_release(net, f"mdl_korean_dramas, drama {name!r}")
                        for net, name in zip(dramas["org_net"], dramas["drama_name"])]
    matched = shows[["key", "title", "date_added"]].merge(dramas, on="key", how="inner", validate="many_to_one")
    matched["added_year"] = matched["date_added"].dt.year.astype(int)
    matched["lag_years"] = matched["added_year"] - matched["year"].astype(int)
    return matched[["title", "year", "org_net", "origin", "date_added", "added_year", "lag_years"]].sort_values(
        ["year", "title"]).reset_index(drop=True)


def later_licensing_summary(matched: pd.DataFrame) -> pd.DataFrame:
    """Matched dramas per release class: how many Netflix added in their first-air year, and later."""
    if matched.empty:
        raise ValueError("no matched dramas to summarise")
    if (matched["lag_years"] < -1).any():
        raise ValueError("a drama was added to Netflix more than a year before it first aired: check the match")
    table = matched.assign(added=np.where(matched["lag_years"] <= 0, "same year (or before)", "a later year")) \
        .pivot_table(index="origin", columns="added", values="title", aggfunc="size", fill_value=0)
    table = table.reindex(columns=["same year (or before)", "a later year"], fill_value=0)
    table = table.reindex([c for c in ORIGIN_CLASSES if c in table.index])
    table["matched"] = table.sum(axis=1)
    table.columns.name = None
    return table.reset_index()


# --- back catalogue: ageing of a fixed cohort vs a real shift ------------------------

LIBRARY_GROUPS = ("fixed library cohort", "aged into the library", "recent releases", "no release date")


def library_cohort_decomposition(engagement: pd.DataFrame) -> pd.DataFrame:
    """Hangul-titled shows' hours per report, split so that ageing is not mistaken for a shift.

    In each report a show is *library* when its Netflix release was two or more
    calendar years before the half-year (:func:`release_age_class`). Each new
    report adds a release year to that class, so its share can grow only
    because titles age. The split:

    * ``fixed library cohort``: released two or more years before the *first*
      report with shows, hence library in every report (the same set of titles);
    * ``aged into the library``: library in this report but not in the first;
    * ``recent releases``: released in the period or one year before;
    * ``no release date``: rows without a Netflix release date (mostly licensed).

    One row per report and group: titles, hours (millions) and share of all
    Hangul-titled show hours in the report. The library share in a report is
    the sum of the first two shares; its change from the first report is the
    change of the fixed cohort's share plus the share of titles that aged in.
    """
    for column in ("report", "kind", "title", "period_start", "release_date", "hours_viewed"):
        if column not in engagement:
            raise ValueError(f"engagement reports lack the column {column!r}")
    shows = engagement[(engagement["kind"] == "show") & hangul_mask(engagement["title"])].copy()
    if shows.empty:
        raise ValueError("no Hangul-titled shows in the engagement reports")
    if (shows["hours_viewed"] < 0).any():
        raise ValueError("engagement reports: negative hours_viewed")
    starts = shows.groupby("report")["period_start"].agg(["min", "max"])
    if (starts["min"] != starts["max"]).any():
        raise ValueError("engagement reports: one report has more than one period_start")
    first_year = int(starts["min"].min().year)
    age = release_age_class(shows)
    released = shows["release_date"].dt.year
    group = np.select(
        [shows["release_date"].isna(), released <= first_year - 2, age == AGE_CLASSES[2]],
        [LIBRARY_GROUPS[3], LIBRARY_GROUPS[0], LIBRARY_GROUPS[1]], default=LIBRARY_GROUPS[2])
    shows["group"] = pd.Categorical(group, categories=LIBRARY_GROUPS, ordered=True)
    table = shows.groupby(["report", "group"], observed=False).agg(
        titles=("title", "size"), hours=("hours_viewed", "sum")).reset_index()
    table["share"] = table["hours"] / table.groupby("report")["hours"].transform("sum")
    table["hours_m"] = table["hours"] / 1e6
    return table.drop(columns="hours")
