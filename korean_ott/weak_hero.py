"""The Weak Hero Class case: a Wavve original revived on Netflix.

Chapter-specific logic for ``chapters/01-weak-hero-class.ipynb``: the timeline
built from the facts register, the show's rows in Netflix's weekly global
Top 10, the seed article's dates and figures against the official files, and
the show's standing in the January-June 2025 engagement report. The comparison
of Korean and other seasons' runs in the Top 10 is :mod:`korean_ott.chart_runs`,
shared with chapter 2.
Every function takes the validated tables from :mod:`korean_ott.data`, so the
chapter and the tests read the same data the same way.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from korean_ott.titles import hangul_mask

#: Netflix's ``show_title`` for the series in the weekly Top 10.
SHOW_TITLE = "Weak Hero"
#: Netflix's season titles, and the short labels the chapter uses.
SEASONS = {"Weak Hero: Class 1": "Class 1", "Weak Hero: Class 2": "Class 2"}
#: The list both seasons appear in.
TOP10_LIST = "TV (Non-English)"
TV_LISTS = ("TV (English)", "TV (Non-English)")

#: The dated milestones of the case, each resting on one facts-register row.
#: The webtoon origin has no dated row and is told in words, not listed here.
TIMELINE_EVENTS = (
    ("F012", "Season 1 premieres as a Wavve original (8 episodes)", "Wavve"),
    ("F204", "Korean press report Season 2 will go to Netflix (Wavve cannot invest)", "Wavve to Netflix"),
    ("F205", "Netflix announces Season 2 as a Netflix series, with its cast", "Netflix"),
    ("F206", "Season 1 becomes available on Netflix worldwide", "Netflix"),
    ("F038", "Season 2 premieres as a Netflix original", "Netflix"),
)


def date_text(value) -> str:
    """``2025-03-25`` -> ``"25 March 2025"`` (the book's date style)."""
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {stamp.strftime('%B %Y')}"


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def date_gap_verdict(stated, official) -> str:
    """How a stated date compares with the official one, in words.

    ``"agrees"`` when they are the same day, else ``"differs by one day"``,
    ``"differs by 3 days"`` ... (numbers below ten in words). The direction is
    left to the text.
    """
    if pd.isna(stated) or pd.isna(official):
        raise ValueError("both dates are needed to compare them")
    days = abs((pd.Timestamp(stated).normalize() - pd.Timestamp(official).normalize()).days)
    if days == 0:
        return "agrees"
    count = NUMBER_WORDS[days] if days < len(NUMBER_WORDS) else str(days)
    return f"differs by {count} day{'s' if days > 1 else ''}"


# --- timeline ------------------------------------------------------------------

def build_timeline(facts: pd.DataFrame, events=TIMELINE_EVENTS) -> pd.DataFrame:
    """The case's dated milestones as a table, one row per facts-register row.

    Each date is read from the register's ``value`` column (unit ``date``);
    a row that is missing or not a date is an error, not a silent gap.
    Columns: ``date``, ``event``, ``platform``, ``fact_id``, ``source``,
    ``confidence``; sorted by date.
    """
    rows = []
    for fact_id, event, platform in events:
        if fact_id not in facts.index:
            raise KeyError(f"no row {fact_id!r} in data/facts.csv")
        row = facts.loc[fact_id]
        if row["unit"] != "date":
            raise ValueError(f"facts row {fact_id} has unit {row['unit']!r}, not 'date'")
        rows.append({
            "date": pd.Timestamp(pd.to_datetime(row["value"], format="%Y-%m-%d")),
            "event": event, "platform": platform, "fact_id": fact_id,
            "source": row["source_outlet"], "confidence": row["confidence"],
        })
    return pd.DataFrame(rows).sort_values(["date", "fact_id"], ignore_index=True)


# --- the weekly Top 10 ----------------------------------------------------------

def weak_hero_weeks(top10: pd.DataFrame) -> pd.DataFrame:
    """Both seasons' rows in the weekly global Top 10, tidy and sorted.

    Columns: ``week`` (last day, a Sunday), ``season``, ``rank``, ``hours``,
    ``views``, ``runtime_h``, ``cumulative_weeks``.
    """
    rows = top10[(top10["show_title"] == SHOW_TITLE) & top10["season_title"].isin(list(SEASONS))]
    if (rows["category"] != TOP10_LIST).any():
        raise ValueError(f"Weak Hero rows outside the {TOP10_LIST} list")
    out = pd.DataFrame({
        "week": rows["week"],
        "season": rows["season_title"].map(SEASONS).astype("string"),
        "rank": rows["weekly_rank"].astype(int),
        "hours": rows["weekly_hours_viewed"].astype(int),
        "views": rows["weekly_views"].astype(int),
        "runtime_h": rows["runtime"].astype(float),
        "cumulative_weeks": rows["cumulative_weeks_in_top_10"].astype(int),
    })
    return out.sort_values(["season", "week"], ignore_index=True)


def overlap_weeks(weeks: pd.DataFrame) -> pd.DataFrame:
    """Weeks in which both seasons were in the list, with combined hours and views."""
    hours = weeks.pivot(index="week", columns="season", values="hours")
    views = weeks.pivot(index="week", columns="season", values="views")
    both = hours.dropna().index
    out = pd.DataFrame({
        "hours_class_1": hours.loc[both, "Class 1"].astype(int),
        "hours_class_2": hours.loc[both, "Class 2"].astype(int),
        "views_class_1": views.loc[both, "Class 1"].astype(int),
        "views_class_2": views.loc[both, "Class 2"].astype(int),
    })
    out["hours_combined"] = out["hours_class_1"] + out["hours_class_2"]
    out["views_combined"] = out["views_class_1"] + out["views_class_2"]
    out.columns.name = None
    return out.reset_index()


def week_list(top10: pd.DataFrame, week, categories=TV_LISTS) -> pd.DataFrame:
    """One week's TV rows from the given lists, ranked together by views (1 = most)."""
    rows = top10[(top10["week"] == pd.Timestamp(week)) & top10["category"].isin(list(categories))]
    out = rows[["category", "weekly_rank", "show_title", "season_title",
                "weekly_hours_viewed", "weekly_views"]].copy()
    out["rank_by_views"] = out["weekly_views"].rank(ascending=False, method="min").astype(int)
    return out.sort_values(["rank_by_views", "category", "weekly_rank"], ignore_index=True)


# --- Korean entries of the non-English TV list ------------------------------------
# Season runs, their selection and the Korean-versus-other comparison live in
# korean_ott.chart_runs, shared with chapter 2 (one selection, one computation).

def percentile_rank(values, value) -> float:
    """Percent of ``values`` that are strictly below ``value`` (0-100)."""
    values = np.asarray(values, dtype=float)
    return float(100 * (values < value).mean())


# --- the engagement report --------------------------------------------------------

def engagement_ranks(engagement: pd.DataFrame, report: str = "2025H1", kind: str = "show") -> pd.DataFrame:
    """One report's sheet with ranks by views and by hours, overall and among Hangul titles.

    Ties share the best rank (``method="min"``). ``hangul`` marks a title that
    carries a Hangul original name; ``rank_views_hangul`` ranks those titles
    among themselves (missing for the others).
    """
    sheet = engagement[(engagement["report"] == report) & (engagement["kind"] == kind)].copy()
    if sheet.empty:
        raise KeyError(f"no {kind!r} rows for report {report!r}")
    if sheet["views"].isna().any():
        raise ValueError(f"report {report!r} has rows without views")
    sheet["views"] = sheet["views"].astype("int64")
    sheet["rank_views"] = sheet["views"].rank(ascending=False, method="min").astype(int)
    sheet["rank_hours"] = sheet["hours_viewed"].rank(ascending=False, method="min").astype(int)
    sheet["hangul"] = hangul_mask(sheet["title"])
    ranks = sheet.loc[sheet["hangul"], "views"].rank(ascending=False, method="min")
    sheet["rank_views_hangul"] = ranks.astype("Int64").reindex(sheet.index)
    return sheet.sort_values(["rank_views", "title"], ignore_index=True)


def weak_hero_engagement(ranked: pd.DataFrame) -> pd.DataFrame:
    """The two Weak Hero rows of :func:`engagement_ranks`, labelled by season."""
    rows = ranked[ranked["title"].str.startswith(tuple(f"{t} // " for t in SEASONS))].copy()
    rows.insert(0, "season", rows["title"].str.split(" // ").str[0].map(SEASONS))
    return rows.sort_values("season", ignore_index=True)


def ceil_to(value: float, step: float) -> float:
    """Round ``value`` up to a multiple of ``step`` (for axis limits)."""
    return math.ceil(value / step) * step


# --- press figures against the official files -------------------------------------

#: (facts row, season, measure, week ending or None). Measures: ``views`` and
#: ``hours`` (millions, weekly Top 10), ``cumulative_weeks`` (Top 10 count that
#: week), ``weeks_total`` (weeks in the list), ``h1_views`` (millions, engagement
#: report January-June 2025).
PRESS_CHECKS = (
    ("F030", "Class 1", "views", "2025-04-06"),
    ("F032", "Class 1", "views", "2025-04-27"),
    ("F033", "Class 1", "hours", "2025-04-27"),
    ("F034", "Class 1", "cumulative_weeks", "2025-04-27"),
    ("F040", "Class 2", "views", "2025-04-27"),
    ("F041", "Class 2", "hours", "2025-04-27"),
    ("F047", "Class 2", "weeks_total", None),
    ("F035", "Class 1", "h1_views", None),
    ("F048", "Class 2", "h1_views", None),
)


def decimals(text: str) -> int:
    """Decimal places written in a number (``"3.7"`` -> 1, ``"22"`` -> 0)."""
    _, _, fraction = str(text).partition(".")
    return len(fraction)


def press_checks(facts: pd.DataFrame, weeks: pd.DataFrame, engagement_rows: pd.DataFrame,
                 checks=PRESS_CHECKS) -> pd.DataFrame:
    """Figures the press reported (facts register) next to the official files.

    The official figure is rounded to as many decimals as the press wrote;
    ``agrees`` is True when the two are then equal. For ``weeks_total`` the
    press wrote a lower bound ("at least three weeks"), so agreement means the
    official count is at least the press figure.
    """
    rows = []
    for fact_id, season, measure, week in checks:
        row = facts.loc[fact_id]
        press = float(row["value"])
        places = decimals(row["value"])
        season_weeks = weeks[weeks["season"] == season]
        if measure in ("views", "hours", "cumulative_weeks"):
            match = season_weeks[season_weeks["week"] == pd.Timestamp(week)]
            if len(match) != 1:
                raise KeyError(f"{season} has no Top 10 row for the week ending {week}")
            official = float(match[measure].iloc[0])
            source = "Netflix weekly Top 10"
        elif measure == "weeks_total":
            official = float(len(season_weeks))
            source = "Netflix weekly Top 10"
        elif measure == "h1_views":
            official = float(engagement_rows.loc[engagement_rows["season"] == season, "views"].iloc[0])
            source = "Netflix engagement report, Jan-Jun 2025"
        else:
            raise ValueError(f"unknown measure {measure!r}")
        if measure in ("views", "hours", "h1_views"):
            official /= 1e6
        shown = round(official, places)
        agrees = shown >= press if measure == "weeks_total" else shown == press
        rows.append({"fact_id": fact_id, "season": season, "measure": measure,
                     "week_ending": pd.Timestamp(week) if week else pd.NaT,
                     "press": press, "unit": row["unit"], "official": round(official, 2),
                     "official_source": source, "agrees": bool(agrees)})
    return pd.DataFrame(rows)
