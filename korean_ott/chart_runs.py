"""Runs of seasons in Netflix's global non-English TV Top 10: the book's one evidence base.

Chapters 1 and 2 both ask whether Korean seasons stay longer in the weekly
*TV (Non-English)* list than other non-English seasons. They use this module
and nothing else for it: one table of season runs (:func:`season_runs`), one
selection of the runs that are compared (:data:`RUN_SELECTION`,
:func:`select_runs`), one computation (:func:`compare_runs`) and one set of
glued numbers and one verdict (:func:`glue_run_comparison`), so the two pages
state the same thing.

Korean identification is :func:`korean_ott.titles.identify_korean_top10`
(engagement-report titles with a Hangul original name, and the 2021
catalogue's production countries); it is not repeated here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from korean_ott.glue import glue_number, glue_text
from korean_ott.titles import identify_korean_top10, title_key

#: The list compared (Netflix's category name).
TOP10_LIST = "TV (Non-English)"
#: Group labels of :func:`season_runs`.
KOREAN, OTHER, UNIDENTIFIED = "Korean", "other identified", "unidentified"
GROUPS = (KOREAN, OTHER, UNIDENTIFIED)
#: A run "lasts" when it spends at least this many weeks in the list.
MIN_WEEKS = 4
#: Resampling settings of the bootstrap intervals (settings, not data).
BOOT_DRAWS = 5000
BOOT_SEED = 2025
#: The verdicts :func:`run_verdict` can give.
VERDICT_LONGER = "Korean seasons stay longer"
VERDICT_SHORTER = "Korean seasons leave sooner"
VERDICT_INCONCLUSIVE = "inconclusive"
#: How the verdict is decided (stated before the result on every page that uses it).
VERDICT_RULE = (
    f"The verdict is '{VERDICT_LONGER}' only if the 95% bootstrap intervals of both "
    f"Korean-minus-other differences (median weeks, and share of runs lasting "
    f"{MIN_WEEKS} weeks or more) lie wholly above zero; '{VERDICT_SHORTER}' only if both "
    f"lie wholly below zero; otherwise '{VERDICT_INCONCLUSIVE}'."
)

#: The one input selection used by every page that compares runs.
RUN_SELECTION = (
    "A run is one season title's weeks in Netflix's weekly global non-English TV Top 10. "
    "The comparison keeps every season identified as Korean or as not Korean whose run "
    "starts after the first week of the data and on or before the last week covered by "
    "Netflix's engagement reports (after that week Korean titles can no longer be "
    "identified), and counts each kept run whole, including weeks after that cut-off. "
    "Seasons that could not be identified are left out rather than guessed. Runs already "
    "listed in the first week of the data are left out, because they began before the "
    "data and a sample of runs still going at a fixed date over-represents long runs. "
    "A kept run still listed in the last week of the data is counted at its observed "
    "length, a lower bound; the comparison checks that every such run is at least "
    f"{MIN_WEEKS} weeks long and longer than its group's median, so that neither the "
    "medians nor the shares depend on how long it goes on."
)

REQUIRED_TOP10 = ("week", "category", "weekly_rank", "show_title", "season_title",
                  "weekly_hours_viewed", "cumulative_weeks_in_top_10")
RUN_COLUMNS = ("show_title", "season_title", "group", "korean_evidence", "first_week",
               "last_week", "weeks_in_top10", "peak_rank", "peak_hours", "left_truncated",
               "right_censored", "within_identification")


# --- small estimates ------------------------------------------------------------

@dataclass(frozen=True)
class Estimate:
    """An estimate with its 95% interval and the method that gave it."""

    estimate: float
    low: float
    high: float
    method: str


def proportion_ci(successes: int, trials: int, level: float = 0.95) -> Estimate:
    """A proportion with its exact (Clopper-Pearson) confidence interval."""
    if trials <= 0:
        raise ValueError("a proportion needs at least one trial")
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must lie between 0 and {trials}, got {successes}")
    interval = stats.binomtest(int(successes), int(trials)).proportion_ci(
        confidence_level=level, method="exact")
    return Estimate(successes / trials, float(interval.low), float(interval.high),
                    "exact binomial (Clopper-Pearson)")


def median_ci(values, level: float = 0.95) -> Estimate:
    """The median with a distribution-free interval from order statistics.

    The interval runs from the j-th to the k-th smallest value, with j and k
    the binomial(n, 1/2) quantiles that give at least ``level`` coverage. It
    needs no seed and no assumption about the distribution.
    """
    ordered = np.sort(np.asarray(values, dtype=float))
    n = len(ordered)
    if n < 6:
        raise ValueError(f"too few values ({n}) for a 95% interval for the median; need 6")
    alpha = 1 - level
    # j = the largest index with P(Binomial(n, 1/2) <= j - 1) <= alpha / 2.
    j = 0
    while stats.binom.cdf(j, n, 0.5) <= alpha / 2:
        j += 1
    k = n - j + 1  # symmetric: 1-based index of the upper bound
    return Estimate(float(np.median(ordered)), float(ordered[j - 1]), float(ordered[k - 1]),
                    "order statistics (distribution-free)")


def bootstrap_difference(first, second, statistic, draws: int = BOOT_DRAWS, seed: int = BOOT_SEED,
                         level: float = 0.95) -> Estimate:
    """``statistic(first) - statistic(second)`` with a seeded percentile bootstrap interval.

    Each group is resampled with replacement, separately, ``draws`` times;
    ``statistic`` takes an array and an ``axis`` (``np.median``, ``np.mean``).
    """
    first = np.asarray(first, dtype=float)
    second = np.asarray(second, dtype=float)
    if len(first) == 0 or len(second) == 0:
        raise ValueError("a bootstrap difference needs values in both groups")
    if draws < 100:
        raise ValueError(f"draws must be at least 100, got {draws}")
    rng = np.random.default_rng(seed)
    diffs = (statistic(rng.choice(first, size=(draws, len(first)), replace=True), axis=1)
             - statistic(rng.choice(second, size=(draws, len(second)), replace=True), axis=1))
    alpha = 1 - level
    low, high = np.quantile(diffs, [alpha / 2, 1 - alpha / 2])
    return Estimate(float(statistic(first) - statistic(second)), float(low), float(high),
                    f"percentile bootstrap, {draws} draws, seed {seed}")


# --- the runs -------------------------------------------------------------------

def identification_cutoff(engagement: pd.DataFrame) -> pd.Timestamp:
    """The last Top 10 week (a Sunday) that the engagement reports cover.

    Korean identification leans on the reports; after their last day it no
    longer works.
    """
    if engagement.empty or engagement["period_end"].isna().all():
        raise ValueError("engagement table has no period_end dates")
    last_day = pd.Timestamp(engagement["period_end"].max())
    return last_day - pd.Timedelta(days=(last_day.day_of_week - 6) % 7)


def runs_from_marked(marked: pd.DataFrame, cutoff, category: str = TOP10_LIST) -> pd.DataFrame:
    """:func:`season_runs` from Top 10 rows already marked by ``identify_korean_top10``.

    ``cutoff`` is the last week of Korean identification. Raises ``ValueError``
    on missing columns, an empty list, a rank outside 1-10 or a season listed
    twice in one week.
    """
    missing = [c for c in (*REQUIRED_TOP10, "is_korean", "identifiable", "korean_evidence")
               if c not in marked.columns]
    if missing:
        raise ValueError(f"Top 10 table lacks column(s) {', '.join(missing)}")
    rows = marked[marked["category"] == category]
    if rows.empty:
        raise ValueError(f"Top 10 table has no rows in the list {category!r}")
    bad_rank = rows[~rows["weekly_rank"].between(1, 10)]
    if len(bad_rank):
        row = bad_rank.iloc[0]
        raise ValueError(f"Top 10 row for {row['season_title']!r}, week {row['week']:%Y-%m-%d}: "
                         f"weekly_rank {row['weekly_rank']} is outside 1-10")
    twice = rows[rows.duplicated(["week", "show_title", "season_title"], keep=False)]
    if len(twice):
        row = twice.iloc[0]
        raise ValueError(f"Top 10 lists {row['season_title']!r} more than once in the week "
                         f"ending {row['week']:%Y-%m-%d}")
    data_first, data_last = rows["week"].min(), rows["week"].max()
    evidence = rows["korean_evidence"].astype("string").fillna("")
    runs = rows.assign(evidence=evidence).groupby(["show_title", "season_title"], sort=True).agg(
        first_week=("week", "min"), last_week=("week", "max"),
        weeks_in_top10=("week", "size"), peak_rank=("weekly_rank", "min"),
        peak_hours=("weekly_hours_viewed", "max"),
        is_korean=("is_korean", "any"), identifiable=("identifiable", "any"),
        korean_evidence=("evidence", "max"),
    ).reset_index()
    runs["group"] = np.where(runs["is_korean"], KOREAN,
                             np.where(runs["identifiable"], OTHER, UNIDENTIFIED))
    runs["korean_evidence"] = runs["korean_evidence"].where(runs["is_korean"], "")
    runs["left_truncated"] = runs["first_week"] == data_first
    runs["right_censored"] = runs["last_week"] == data_last
    runs["within_identification"] = runs["first_week"] <= pd.Timestamp(cutoff)
    runs["weeks_in_top10"] = runs["weeks_in_top10"].astype(int)
    runs["peak_rank"] = runs["peak_rank"].astype(int)
    runs = runs.sort_values(["first_week", "show_title", "season_title"], ignore_index=True)
    return runs[list(RUN_COLUMNS)]


def season_runs(top10_weekly: pd.DataFrame, engagement: pd.DataFrame,
                catalogue: pd.DataFrame) -> pd.DataFrame:
    """One row per season title of the global *TV (Non-English)* list.

    Columns: ``show_title``, ``season_title``, ``group`` ('Korean', 'other
    identified', 'unidentified'), ``korean_evidence``, ``first_week``,
    ``last_week``, ``weeks_in_top10`` (weeks listed; re-entries count),
    ``peak_rank``, ``peak_hours``, ``left_truncated`` (listed in the data's
    first week), ``right_censored`` (listed in the data's last week),
    ``within_identification`` (first week on or before the last week the
    engagement reports cover). Sorted by first week, show and season title.
    """
    marked = identify_korean_top10(top10_weekly, engagement, catalogue)
    return runs_from_marked(marked, identification_cutoff(engagement))


def select_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs that are compared, as :data:`RUN_SELECTION` states (one place)."""
    missing = [c for c in RUN_COLUMNS if c not in runs.columns]
    if missing:
        raise ValueError(f"runs table lacks column(s) {', '.join(missing)}; "
                         "build it with season_runs")
    unknown = set(runs["group"]) - set(GROUPS)
    if unknown:
        raise ValueError(f"runs table has unknown group(s) {sorted(unknown)}")
    keep = (runs["group"].isin([KOREAN, OTHER]) & ~runs["left_truncated"]
            & runs["within_identification"])
    return runs[keep].reset_index(drop=True)


def selection_counts(runs: pd.DataFrame) -> pd.DataFrame:
    """How many season runs each step of :data:`RUN_SELECTION` keeps and drops.

    Steps are applied in order, so each season is counted once, at the first
    step that drops it.
    """
    steps = (
        ("entered after the last week of identification", ~runs["within_identification"]),
        ("already listed in the first week of the data", runs["left_truncated"]),
        ("could not be identified", runs["group"] == UNIDENTIFIED),
    )
    left = pd.Series(True, index=runs.index)
    rows = [{"step": "all season runs in the list", "seasons": len(runs)}]
    for label, drop in steps:
        rows.append({"step": f"dropped: {label}", "seasons": int((left & drop).sum())})
        left &= ~drop
    selected = select_runs(runs)
    if int(left.sum()) != len(selected):
        raise AssertionError("selection_counts disagrees with select_runs")
    rows.append({"step": "kept for the comparison", "seasons": len(selected)})
    rows.append({"step": "of which still listed in the data's last week",
                 "seasons": int(selected["right_censored"].sum())})
    return pd.DataFrame(rows)


def check_censoring(selected: pd.DataFrame, min_weeks: int = MIN_WEEKS) -> None:
    """Raise ``ValueError`` if a right-censored run could change a median or a share."""
    for group, part in selected.groupby("group"):
        median = float(np.median(part["weeks_in_top10"]))
        short = part[part["right_censored"]
                     & ((part["weeks_in_top10"] < min_weeks) | (part["weeks_in_top10"] <= median))]
        if len(short):
            row = short.iloc[0]
            raise ValueError(
                f"run of {row['season_title']!r} ({group}) is still listed in the data's last "
                f"week after only {row['weeks_in_top10']} weeks; its final length could change "
                f"the median or the {min_weeks}-week share, so the comparison needs a "
                "censoring-aware method")


def compare_runs(runs: pd.DataFrame, draws: int = BOOT_DRAWS, seed: int = BOOT_SEED,
                 min_weeks: int = MIN_WEEKS) -> pd.DataFrame:
    """Korean against other identified seasons' runs, on :func:`select_runs` (tidy, no index).

    Rows: for 'Korean' and 'other identified', the median weeks in the list
    (distribution-free order-statistic 95% interval) and the percentage of runs
    lasting ``min_weeks`` weeks or more (exact Clopper-Pearson interval); for
    'Korean minus other', the differences of both, with seeded percentile
    bootstrap 95% intervals. Columns: ``group``, ``measure`` ('median_weeks' or
    'share_min_weeks_pct'), ``n`` (seasons; both groups on the difference rows), ``count`` (runs lasting
    ``min_weeks``+ weeks, shares only), ``estimate``, ``low``, ``high``, ``method``.
    ``runs`` may be the output of :func:`season_runs` (it is selected here) or
    already selected.
    """
    selected = select_runs(runs)
    groups = {}
    for group in (KOREAN, OTHER):
        weeks = selected.loc[selected["group"] == group, "weeks_in_top10"].to_numpy()
        if len(weeks) < 6:
            raise ValueError(f"only {len(weeks)} selected {group} runs; the comparison needs 6 or more")
        groups[group] = weeks
    check_censoring(selected, min_weeks)
    rows = []
    for group, weeks in groups.items():
        med = median_ci(weeks)
        lasting = int((weeks >= min_weeks).sum())
        share = proportion_ci(lasting, len(weeks))
        rows.append({"group": group, "measure": "median_weeks", "n": len(weeks), "count": pd.NA,
                     "estimate": med.estimate, "low": med.low, "high": med.high, "method": med.method})
        rows.append({"group": group, "measure": "share_min_weeks_pct", "n": len(weeks), "count": lasting,
                     "estimate": 100 * share.estimate, "low": 100 * share.low,
                     "high": 100 * share.high, "method": share.method})
    korean, other = groups[KOREAN], groups[OTHER]
    n_both = len(korean) + len(other)
    diff_median = bootstrap_difference(korean, other, np.median, draws=draws, seed=seed)
    diff_share = bootstrap_difference(korean >= min_weeks, other >= min_weeks, np.mean,
                                      draws=draws, seed=seed)
    rows.append({"group": "Korean minus other", "measure": "median_weeks", "n": n_both, "count": pd.NA,
                 "estimate": diff_median.estimate, "low": diff_median.low, "high": diff_median.high,
                 "method": diff_median.method})
    rows.append({"group": "Korean minus other", "measure": "share_min_weeks_pct", "n": n_both,
                 "count": pd.NA, "estimate": 100 * diff_share.estimate, "low": 100 * diff_share.low,
                 "high": 100 * diff_share.high, "method": diff_share.method})
    table = pd.DataFrame(rows)
    table["count"] = table["count"].astype("Int64")
    return table


def run_verdict(comparison: pd.DataFrame) -> str:
    """The verdict of :data:`VERDICT_RULE` on a :func:`compare_runs` table."""
    diffs = comparison[comparison["group"] == "Korean minus other"].set_index("measure")
    if set(diffs.index) != {"median_weeks", "share_min_weeks_pct"}:
        raise ValueError("comparison lacks the two Korean-minus-other rows; build it with compare_runs")
    if (diffs["low"] > 0).all():
        return VERDICT_LONGER
    if (diffs["high"] < 0).all():
        return VERDICT_SHORTER
    return VERDICT_INCONCLUSIVE


def median_digits(*values: float) -> int:
    """0 decimals when every value is a whole number, else 1 (medians can end in .5)."""
    return 0 if all(float(v).is_integer() for v in values) else 1


def glue_run_comparison(comparison: pd.DataFrame, draws: int = BOOT_DRAWS, seed: int = BOOT_SEED,
                        min_weeks: int = MIN_WEEKS) -> None:
    """Glue every shared number of the run comparison under ``ev_runs_*`` keys, and the verdict.

    Keys: ``ev_runs_n_korean``, ``ev_runs_n_other``; ``ev_runs_median_korean``,
    ``ev_runs_median_other`` and ``ev_runs_diff_median``, each with ``_low`` and
    ``_high``; ``ev_runs_share4_korean_pct``, ``ev_runs_share4_other_pct`` and
    ``ev_runs_diff_share4_pp``, each with ``_low`` and ``_high``;
    ``ev_runs_min_weeks``, ``ev_runs_boot_draws``, ``ev_runs_boot_seed``, the
    text ``ev_runs_verdict`` and the rule that decides it, ``ev_runs_verdict_rule``. Pass the same ``draws``/``seed`` as to
    :func:`compare_runs`.
    """
    table = comparison.set_index(["group", "measure"])
    names = {KOREAN: "korean", OTHER: "other"}
    for group, name in names.items():
        glue_number(f"ev_runs_n_{name}", table.loc[(group, "median_weeks"), "n"])
    medians = table.xs("median_weeks", level="measure")
    digits = median_digits(*medians[["estimate", "low", "high"]].to_numpy().ravel())
    for group, name in names.items():
        row = medians.loc[group]
        glue_number(f"ev_runs_median_{name}", row["estimate"], digits)
        glue_number(f"ev_runs_median_{name}_low", row["low"], digits)
        glue_number(f"ev_runs_median_{name}_high", row["high"], digits)
        share = table.loc[(group, "share_min_weeks_pct")]
        glue_number(f"ev_runs_share4_{name}_pct", share["estimate"], 0)
        glue_number(f"ev_runs_share4_{name}_pct_low", share["low"], 0)
        glue_number(f"ev_runs_share4_{name}_pct_high", share["high"], 0)
    diff = medians.loc["Korean minus other"]
    glue_number("ev_runs_diff_median", diff["estimate"], digits)
    glue_number("ev_runs_diff_median_low", diff["low"], digits)
    glue_number("ev_runs_diff_median_high", diff["high"], digits)
    diff = table.loc[("Korean minus other", "share_min_weeks_pct")]
    glue_number("ev_runs_diff_share4_pp", diff["estimate"], 1)
    glue_number("ev_runs_diff_share4_pp_low", diff["low"], 1)
    glue_number("ev_runs_diff_share4_pp_high", diff["high"], 1)
    glue_number("ev_runs_min_weeks", min_weeks)
    glue_number("ev_runs_boot_draws", draws)
    glue_number("ev_runs_boot_seed", seed)
    glue_text("ev_runs_verdict", run_verdict(comparison))
    glue_text("ev_runs_verdict_rule", VERDICT_RULE)


def glue_run_selection(runs: pd.DataFrame) -> None:
    """Glue the counts of :func:`selection_counts` under ``ev_runs_sel_*`` keys.

    Keys: ``ev_runs_sel_all``, ``ev_runs_sel_after_cutoff``,
    ``ev_runs_sel_left_truncated``, ``ev_runs_sel_unidentified``,
    ``ev_runs_sel_kept``, ``ev_runs_sel_censored``; and the text of
    :data:`RUN_SELECTION` as ``ev_runs_selection``.
    """
    counts = selection_counts(runs)["seasons"].to_list()
    keys = ("all", "after_cutoff", "left_truncated", "unidentified", "kept", "censored")
    for key, value in zip(keys, counts):
        glue_number(f"ev_runs_sel_{key}", value)
    glue_text("ev_runs_selection", RUN_SELECTION)


# --- release pattern: a partial check, Korean seasons only -------------------------

#: How a Korean season was released, read from MyDramaList's first and last air dates.
WEEKLY, WHOLE = "weekly episodes", "whole season at once"
#: Assumption: a season that entered the Top 10 no later than this many days after
#: its last Korean air date was released on Netflix while it aired (explored in the chapter).
GRACE_DAYS = 13
_DAY_PRECISE = (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"), (r"^[A-Z][a-z]{2} \d{1,2}, \d{4}$", "%b %d, %Y")


def parse_air_date(text) -> pd.Timestamp:
    """A MyDramaList air date (``2022-06-18`` or ``Aug  2, 2023``) as a Timestamp.

    Dates given only to the month or year (``Aug, 2017 - 2017``) give ``NaT``:
    they cannot say whether a season was released in one day.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return pd.NaT
    cleaned = " ".join(str(text).split())
    for pattern, fmt in _DAY_PRECISE:
        if re.match(pattern, cleaned):
            return pd.to_datetime(cleaned, format=fmt)
    return pd.NaT


def release_windows(mdl: pd.DataFrame) -> pd.DataFrame:
    """Korean dramas' air windows from MyDramaList, one row per unambiguous title.

    Columns: ``title_key`` (of ``drama_name``), ``start``, ``end``, ``network``
    (``org_net``, empty if absent), ``pattern``
    (:data:`WHOLE` when first and last air date are the same day, else
    :data:`WEEKLY`). Rows without day-precise dates, and titles that appear
    more than once, are left out (they cannot be matched or classified).
    Raises ``ValueError`` when a last air date precedes the first.
    """
    missing = [c for c in ("drama_name", "start_dt", "end_dt") if c not in mdl.columns]
    if missing:
        raise ValueError(f"MyDramaList table lacks column(s) {', '.join(missing)}")
    network = mdl["org_net"].astype("string").fillna("") if "org_net" in mdl.columns else ""
    out = pd.DataFrame({"title_key": mdl["drama_name"].map(title_key),
                        "start": mdl["start_dt"].map(parse_air_date),
                        "end": mdl["end_dt"].map(parse_air_date), "network": network})
    out = out.dropna(subset=["start", "end"])
    backwards = out[out["end"] < out["start"]]
    if len(backwards):
        row = mdl.loc[backwards.index[0]]
        raise ValueError(f"MyDramaList row {backwards.index[0]} ({row['drama_name']!r}): last air date "
                         f"{row['end_dt']!r} is before the first {row['start_dt']!r}")
    out = out[~out["title_key"].duplicated(keep=False)]
    out["pattern"] = np.where(out["start"] == out["end"], WHOLE, WEEKLY)
    return out.sort_values("title_key", ignore_index=True)


def korean_release_patterns(selected: pd.DataFrame, windows: pd.DataFrame,
                            grace_days: int = GRACE_DAYS) -> pd.DataFrame:
    """Selected Korean runs whose release pattern MyDramaList shows.

    A Korean run is matched on its show title; it is kept only when its first
    Top 10 week falls between the first air date and ``grace_days`` after the
    last, so the run belongs to that airing (not to a later season or a later
    library release). Returns the runs with ``start``, ``end`` and ``pattern``.
    """
    if grace_days < 0:
        raise ValueError(f"grace_days must be 0 or more, got {grace_days}")
    korean = selected[selected["group"] == KOREAN].assign(title_key=lambda d: d["show_title"].map(title_key))
    matched = korean.merge(windows, on="title_key", how="inner", validate="many_to_one")
    inside = ((matched["first_week"] >= matched["start"])
              & (matched["first_week"] <= matched["end"] + pd.Timedelta(days=grace_days)))
    return matched[inside].drop(columns="title_key").sort_values(
        ["first_week", "show_title", "season_title"], ignore_index=True)


def compare_release_patterns(patterns: pd.DataFrame, selected: pd.DataFrame,
                             draws: int = BOOT_DRAWS, seed: int = BOOT_SEED,
                             min_weeks: int = MIN_WEEKS) -> pd.DataFrame:
    """Runs of Korean seasons by release pattern, beside the other identified seasons.

    Rows: Korean weekly, Korean whole-season and other identified seasons with
    n, median weeks (order-statistic 95% interval) and the percentage lasting
    ``min_weeks``+ weeks (Clopper-Pearson); and 'Korean whole season minus
    other', the differences with seeded percentile bootstrap intervals.
    """
    groups = {f"Korean, {WEEKLY}": patterns.loc[patterns["pattern"] == WEEKLY, "weeks_in_top10"],
              f"Korean, {WHOLE}": patterns.loc[patterns["pattern"] == WHOLE, "weeks_in_top10"],
              OTHER: selected.loc[selected["group"] == OTHER, "weeks_in_top10"]}
    rows = []
    for group, weeks in groups.items():
        weeks = weeks.to_numpy()
        if len(weeks) < 6:
            raise ValueError(f"only {len(weeks)} runs in group {group!r}; need 6 or more")
        med = median_ci(weeks)
        share = proportion_ci(int((weeks >= min_weeks).sum()), len(weeks))
        rows.append({"group": group, "n": len(weeks), "median_weeks": med.estimate,
                     "median_low": med.low, "median_high": med.high,
                     "share_min_weeks_pct": 100 * share.estimate, "share_low": 100 * share.low,
                     "share_high": 100 * share.high})
    whole, other = groups[f"Korean, {WHOLE}"].to_numpy(), groups[OTHER].to_numpy()
    med = bootstrap_difference(whole, other, np.median, draws=draws, seed=seed)
    share = bootstrap_difference(whole >= min_weeks, other >= min_weeks, np.mean, draws=draws, seed=seed)
    rows.append({"group": f"Korean {WHOLE} minus other", "n": len(whole) + len(other),
                 "median_weeks": med.estimate, "median_low": med.low, "median_high": med.high,
                 "share_min_weeks_pct": 100 * share.estimate, "share_low": 100 * share.low,
                 "share_high": 100 * share.high})
    return pd.DataFrame(rows)


#: Verdicts of :func:`release_pattern_verdict`.
PATTERN_NOT_ALONE = "release pattern alone does not explain the gap"
PATTERN_POSSIBLE = "release pattern could explain the gap"
#: The rule, stated before the result.
PATTERN_RULE = (
    "If release pattern explained the whole gap, Korean seasons released whole would last no "
    "longer than the other seasons. The verdict is "
    f"'{PATTERN_NOT_ALONE}' only if the 95% bootstrap intervals of both differences "
    "(Korean whole-season minus other: median weeks and share lasting "
    f"{MIN_WEEKS} weeks or more) lie wholly above zero; otherwise '{PATTERN_POSSIBLE}'."
)


def release_pattern_verdict(table: pd.DataFrame) -> str:
    """The verdict of :data:`PATTERN_RULE` on a :func:`compare_release_patterns` table."""
    rows = table[table["group"] == f"Korean {WHOLE} minus other"]
    if len(rows) != 1:
        raise ValueError("table lacks the whole-season-minus-other row; build it with compare_release_patterns")
    row = rows.iloc[0]
    return PATTERN_NOT_ALONE if row["median_low"] > 0 and row["share_low"] > 0 else PATTERN_POSSIBLE
