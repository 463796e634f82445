"""The claims ledger: every factual claim of the seed article, with its status
and evidence (``data/claims_ledger.csv``).

Statuses are judgements, written down once in the ledger. Where a claim can be
checked against a dataset, a named check here recomputes the evidence, so a
test fails if the data stop supporting the status the ledger gives.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from korean_ott import data, migration

STATUSES = ("confirmed", "partly confirmed", "contradicted", "not verifiable offline")


def load_claims_ledger(data_dir=None) -> pd.DataFrame:
    """The ledger, validated against its schema, one row per claim."""
    return data.load("claims_ledger", data_dir)


def weak_hero_top250_row(data_dir=None) -> pd.Series:
    top250 = data.load_mdl_top250(data_dir)
    return top250[top250["Name"] == "Weak Hero Class 1"].iloc[0]


def weak_hero_top10(data_dir=None) -> pd.DataFrame:
    top10 = data.load_top10_weekly(data_dir)
    return top10[top10["show_title"] == "Weak Hero"]


# Each check returns (holds, what the data show). ``holds`` is True when the
# data agree with the status the ledger gives the claim.

def check_wavve_original_2022(data_dir=None) -> tuple[bool, str]:
    row = weak_hero_top250_row(data_dir)
    holds = row["Original Network"].strip() == "Wavve" and row["Aired Date"] == "Nov 18, 2022"
    return holds, f"MyDramaList: network {row['Original Network'].strip()}, aired {row['Aired Date']}"


def check_lead_actor(data_dir=None) -> tuple[bool, str]:
    row = weak_hero_top250_row(data_dir)
    lead = row["Cast"].split(",")[0].strip()
    return lead == "Park Ji Hoon" and "Yeon Shi Eun" in row["Synopsis"], f"first-billed cast member: {lead}"


def check_supporting_cast(data_dir=None) -> tuple[bool, str]:
    cast = [name.strip() for name in weak_hero_top250_row(data_dir)["Cast"].split(",")]
    named = ["Park Ji Hoon", "Choi Hyun Wook", "Hong Kyung"]
    return all(name in cast for name in named), "cast includes " + ", ".join(n for n in named if n in cast)


def check_adapted_from_webtoon(data_dir=None) -> tuple[bool, str]:
    tags = weak_hero_top250_row(data_dir)["Tags"]
    return "Adapted From A Webtoon" in tags, "MyDramaList tag 'Adapted From A Webtoon'"


def check_season2_april_2025(data_dir=None) -> tuple[bool, str]:
    weeks = weak_hero_top10(data_dir)
    first = weeks.loc[weeks["season_title"] == "Weak Hero: Class 2", "week"].min()
    return first == pd.Timestamp("2025-04-27"), f"Season 2 first listed in the week ending {first:%Y-%m-%d}"


def check_season1_release_date(data_dir=None) -> tuple[bool, str]:
    engagement = data.load_engagement(data_dir)
    row = engagement[engagement["title"].str.startswith("Weak Hero: Class 1")].iloc[0]
    release = row["release_date"]
    return release != pd.Timestamp("2025-03-26"), f"engagement report release date {release:%Y-%m-%d}"


def check_official_rank_first_week(data_dir=None) -> tuple[bool, str]:
    weeks = weak_hero_top10(data_dir)
    season1 = weeks[weeks["season_title"] == "Weak Hero: Class 1"].sort_values("week").iloc[0]
    return int(season1["weekly_rank"]) != 3, (
        f"official rank {int(season1['weekly_rank'])} in {season1['category']}, week ending {season1['week']:%Y-%m-%d}")


def check_korean_share_no_trend(data_dir=None) -> tuple[bool, str]:
    marked = migration.mark_korean(data.load_top10_weekly(data_dir), data.load_engagement(data_dir),
                                   data.load_netflix_catalogue_2021(data_dir))
    fit = migration.fit_count_trend(migration.quarterly_korean_counts(marked))
    holds = fit["low"] < 1 < fit["high"]
    return holds, (f"Korean entries per quarter, rate ratio per year {fit['rate_ratio']:.3f} "
                   f"(95% CI {fit['low']:.3f} to {fit['high']:.3f})")


DATASET_CHECKS: dict[str, Callable[..., tuple[bool, str]]] = {
    "wavve_original_2022": check_wavve_original_2022,
    "lead_actor": check_lead_actor,
    "supporting_cast": check_supporting_cast,
    "adapted_from_webtoon": check_adapted_from_webtoon,
    "season2_april_2025": check_season2_april_2025,
    "season1_release_date": check_season1_release_date,
    "official_rank_first_week": check_official_rank_first_week,
    "korean_share_no_trend": check_korean_share_no_trend,
}


def ledger_problems(ledger: pd.DataFrame, facts: pd.DataFrame, toc_files: set[str]) -> list[str]:
    """Every way a ledger row can be incomplete, as messages naming the row."""
    problems = []
    for _, row in ledger.iterrows():
        where = f"data/claims_ledger.csv, claim {row['claim_id']}"
        if row["status"] not in STATUSES:
            problems.append(f"{where}: status {row['status']!r} is not one of {STATUSES}")
        has_facts = isinstance(row["fact_ids"], str) and row["fact_ids"].strip() != ""
        has_check = isinstance(row["dataset_check"], str) and row["dataset_check"].strip() != ""
        if not isinstance(row["evidence"], str) or not row["evidence"].strip():
            problems.append(f"{where}: no evidence stated")
        if not (has_facts or has_check):
            problems.append(f"{where}: evidence cites neither a facts-register row nor a dataset check")
        if has_facts:
            missing = [f for f in row["fact_ids"].split(";") if f not in facts.index]
            if missing:
                problems.append(f"{where}: facts-register rows {missing} do not exist")
        if has_check and row["dataset_check"] not in DATASET_CHECKS:
            problems.append(f"{where}: unknown dataset check {row['dataset_check']!r}")
        if row["examined_in"] not in toc_files:
            problems.append(f"{where}: examined_in {row['examined_in']!r} is not a page of the book")
    return problems


def run_dataset_checks(ledger: pd.DataFrame, data_dir=None) -> pd.DataFrame:
    """Run every named check; one row per claim that has one."""
    rows = []
    for _, claim in ledger[ledger["dataset_check"].notna()].iterrows():
        holds, shown = DATASET_CHECKS[claim["dataset_check"]](data_dir)
        rows.append({"claim_id": claim["claim_id"], "status": claim["status"],
                     "what the data show": shown, "agrees with status": holds})
    return pd.DataFrame(rows)
