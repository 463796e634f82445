"""The claims ledger: every claim has a status and evidence, every claim with
evidence in data/ has a named check, and each check's status is the ledger's."""

from __future__ import annotations

import hashlib
import json
import os

import pandas as pd
import pytest

from conftest import DATA_DIR
from korean_ott import data, ledger, migration, production, weak_hero
from korean_ott.citation import toc_pages
from korean_ott.ledger import Part


@pytest.fixture(scope="module")
def claims():
    return ledger.load_claims_ledger()


@pytest.fixture(scope="module")
def checks(claims):
    return ledger.run_dataset_checks(claims).set_index("claim_id")


# --- the ledger as a whole --------------------------------------------------------

def test_every_claim_has_status_evidence_and_a_page(claims):
    problems = ledger.ledger_problems(claims, data.load_facts(), set(toc_pages()))
    assert not problems, "\n".join(problems)


def test_statuses_are_the_named_ones_each_defined(claims):
    assert set(claims["status"]) <= set(ledger.STATUSES)
    assert all(ledger.STATUS_DEFINITIONS[status] for status in ledger.STATUSES)
    assert claims["claim_id"].is_unique


def test_statuses_match_the_data_package_schema(resources):
    field = next(f for f in resources["claims_ledger"]["schema"]["fields"] if f["name"] == "status")
    assert field["constraints"]["enum"] == list(ledger.STATUSES)


@pytest.mark.parametrize("name", sorted(ledger.DATASET_CHECKS))
def test_every_dataset_check_is_used_once(claims, name):
    assert (claims["dataset_check"] == name).sum() == 1


def test_only_claims_without_data_lack_a_check(claims):
    unchecked = claims[claims["dataset_check"].isna()]
    assert set(unchecked["status"]) == {"not verifiable offline"}
    assert set(unchecked["claim_id"]) == {"C14", "C29", "C31"}


def test_every_computed_status_is_the_ledger_status(checks):
    disagreeing = checks[~checks["agrees"]]
    assert disagreeing.empty, disagreeing.to_string()
    assert set(checks["computed status"]) <= set(ledger.STATUSES)


def test_evidence_sentences_are_sentences(checks):
    for claim_id, sentence in checks["evidence"].items():
        assert sentence[0].isupper() and sentence.endswith("."), claim_id


def test_a_claim_without_evidence_is_reported(claims):
    broken = claims.copy()
    broken.loc[0, "evidence"] = pd.NA
    broken.loc[1, "fact_ids"] = pd.NA
    broken.loc[1, "dataset_check"] = pd.NA
    broken.loc[2, "status"] = "probably"
    broken.loc[3, "dataset_check"] = pd.NA
    problems = ledger.ledger_problems(broken, data.load_facts(), set(toc_pages()))
    assert any("C01: no evidence" in p for p in problems)
    assert any("C02: evidence cites neither" in p for p in problems)
    assert any("C03: status 'probably'" in p for p in problems)
    assert any("C04: status 'confirmed' without a check" in p for p in problems)


def test_an_unknown_check_is_an_error(claims):
    broken = claims.head(1).copy()
    broken["dataset_check"] = "no_such_check"
    with pytest.raises(ValueError, match="claim C01: unknown dataset check 'no_such_check'"):
        ledger.run_dataset_checks(broken)


def test_an_unknown_claim_is_an_error():
    with pytest.raises(KeyError, match="no claim 'C99'"):
        ledger.claim_status("C99")


# --- the verdicts the chapters share -----------------------------------------------

def test_release_date_differs_by_one_day_not_contradicted(checks, engagement, facts):
    assert checks.loc["C05", "computed status"] == "differs by one day"
    release = engagement.loc[engagement["title"].str.startswith("Weak Hero: Class 1"), "release_date"].min()
    assert ledger.day(release) in checks.loc["C05", "evidence"]
    assert ledger.day(facts.loc["F002", "value"]) in checks.loc["C05", "evidence"]


def test_official_rank_is_computed_from_the_top10(checks, top10_weekly):
    weeks = weak_hero.weak_hero_weeks(top10_weekly)
    first = weeks[weeks["season"] == "Class 1"].sort_values("week").iloc[0]
    assert checks.loc["C06", "computed status"] == "contradicted"
    assert f"ranks Season 1 {ledger.ordinal(first['rank'])}" in checks.loc["C06", "evidence"]


def test_seed_count_takes_the_production_chapter_verdict(checks):
    claim = production.seed_count_claim(data.load_resource("industry_series"))
    assert checks.loc["C27", "computed status"] == claim["status"] == "unconfirmed"
    assert f"{claim['change_pct']:.1f}%" in checks.loc["C27", "evidence"]


def test_advertising_claims_state_the_one_stance(checks):
    stance = production.advertising_stance(data.load_resource("industry_series"))["stance"]
    for claim_id in ("C16", "C30"):
        assert stance in checks.loc[claim_id, "evidence"]


def test_reliance_claim_states_the_migration_verdict(checks, top10_weekly, engagement, catalogue):
    _, _, verdict = migration.korean_share_evidence(top10_weekly, engagement, catalogue)
    assert verdict in checks.loc["C18", "evidence"]
    if not verdict.startswith(("rising", "falling")):
        assert checks.loc["C18", "computed status"] == "partly confirmed"


def test_glue_claim_statuses_glues_every_check_under_its_key(monkeypatch, checks):
    import myst_nb

    glued = {}
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    returned = ledger.glue_claim_statuses(checks.reset_index())
    assert glued == returned
    assert glued["ev_claim_C05_status"] == "differs by one day"
    assert set(glued) == {f"ev_claim_{c}_status" for c in checks.index}
    assert all(key.startswith("ev_") for key in glued)


def test_glue_claim_status_matches_the_table(monkeypatch, checks):
    import myst_nb

    glued = {}
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    assert ledger.glue_claim_status("C27") == checks.loc["C27", "computed status"]
    assert glued == {"ev_claim_C27_status": checks.loc["C27", "computed status"]}
    assert ledger.claim_status("C29") == "not verifiable offline"


# --- the rules, worked by hand -------------------------------------------------------

@pytest.mark.parametrize("values, expected", [
    ([True], "confirmed"),
    ([True, True], "confirmed"),
    ([True, None], "partly confirmed"),
    ([True, False], "partly confirmed"),
    ([False], "contradicted"),
    ([False, None], "contradicted"),
    ([None], "not verifiable offline"),
    ([None, None], "not verifiable offline"),
])
def test_status_from_parts(values, expected):
    assert ledger.status_from_parts([Part(v, "x") for v in values]) == expected


def test_status_from_parts_refuses_bad_input():
    with pytest.raises(ValueError, match="at least one part"):
        ledger.status_from_parts([])
    with pytest.raises(ValueError, match="True, False or None"):
        ledger.status_from_parts([Part("yes", "x")])


@pytest.mark.parametrize("seed, source, expected", [
    ("2025-03-26", "2025-03-26", "confirmed"),
    ("2025-03-26", "2025-03-25", "differs by one day"),
    ("2025-03-24", "2025-03-25", "differs by one day"),
    ("2025-04-01", "2025-03-31", "differs by one day"),
    ("2025-03-27", "2025-03-25", "contradicted"),
    ("2024-03-26", "2025-03-26", "contradicted"),
])
def test_compare_dates(seed, source, expected):
    assert ledger.compare_dates(seed, source) == expected


def test_compare_dates_refuses_a_missing_date():
    with pytest.raises(ValueError, match="both dates are needed"):
        ledger.compare_dates(pd.NaT, "2025-03-25")


@pytest.mark.parametrize("number, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                          (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st")])
def test_ordinal(number, text):
    assert ledger.ordinal(number) == text


@pytest.mark.parametrize("text, numbers", [
    ("soared to third place", [3]),
    ("entering the top 10 in countries such as the United States (5th)", [10, 5]),
    ("grew from 21 to 30", [21, 30]),
    ("a 21.7% decline from 115 in 2022", [21.7, 115, 2022]),
    ("after a seven-year hiatus", [7]),
    ("a six-year content supply contract", [6]),
    ("no numbers here", []),
])
def test_seed_numbers(text, numbers):
    assert ledger.seed_numbers(text) == numbers


def test_seed_number_refuses_a_missing_position():
    with pytest.raises(ValueError, match="claim C02: the excerpt has no number at position 0"):
        ledger.seed_number("C02")


@pytest.mark.parametrize("a, b", [("Park Ji-hoon", "Park Ji Hoon"), ("Yeon Si-eun", "Yeon Shi Eun"),
                                  ("Choi Hyun-wook", "Choi Hyun Wook")])
def test_name_key_matches_romanisations(a, b):
    assert ledger.name_key(a) == ledger.name_key(b)


def test_name_key_keeps_different_names_apart():
    assert ledger.name_key("Park Ji-hoon") != ledger.name_key("Park Ji-hun")


def test_day_and_plain():
    assert ledger.day("2025-03-05") == "5 March 2025"
    assert ledger.plain("589") == "589" and ledger.plain(27.70) == "27.7"
    with pytest.raises(ValueError, match="not a date"):
        ledger.day(pd.NaT)


def test_register_date_refuses_a_row_that_is_not_a_date():
    with pytest.raises(ValueError, match="row F004: unit is 'points', not 'date'"):
        ledger.register_date("F004")
    with pytest.raises(KeyError, match="no row 'F999'"):
        ledger.register_row("F999")


# --- checks on altered data ------------------------------------------------------------

@pytest.fixture
def altered_facts(tmp_path):
    """Factory: a data package like the real one, with facts-register values changed."""

    def make(changes: dict[tuple[str, str], str]):
        root = tmp_path / "data"
        package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
        for resource in package["resources"]:
            target = root / resource["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            if resource["name"] != "facts_register":
                if not target.exists():
                    os.symlink(DATA_DIR / resource["path"], target)
                continue
            facts = pd.read_csv(DATA_DIR / resource["path"], dtype=str, keep_default_na=False)
            for (fact_id, column), value in changes.items():
                facts.loc[facts["id"] == fact_id, column] = value
            facts.to_csv(target, index=False, lineterminator="\n")
            content = target.read_bytes()
            resource["hash"] = f"sha256:{hashlib.sha256(content).hexdigest()}"
            resource["bytes"] = len(content)
        (root / "datapackage.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
        return root

    return make


@pytest.mark.parametrize("released, expected", [("2025-03-26", "confirmed"), ("2025-03-27", "differs by one day"),
                                                ("2025-03-20", "contradicted")])
def test_kcc_report_date_follows_the_register(altered_facts, released, expected):
    root = altered_facts({("F017", "value"): released})
    status, evidence = ledger.check_kcc_report_date(root)
    assert status == expected
    assert ledger.day(released) in evidence


def test_country_rank_contradicted_when_the_press_differs(altered_facts):
    root = altered_facts({("F005", "value"): "7"})
    status, evidence = ledger.check_us_rank(root)
    assert status == "contradicted"
    assert "7th" in evidence and "not the seed's 5th" in evidence


def test_release_date_check_refuses_disagreeing_sources(altered_facts):
    root = altered_facts({("F001", "value"): "2025-03-24"})
    with pytest.raises(ValueError, match="row F001 .* disagrees with Netflix's engagement report"):
        ledger.check_season1_release_date(root)


@pytest.mark.parametrize("check, changes, expected, shown", [
    ("check_foreign_ott_titles", {("F019", "value"): "31"}, "contradicted", "31 (2023)"),
    ("check_wavve_finances", {("F105", "value"): "2"}, "partly confirmed", "had 2 original dramas"),
    ("check_crime_scene_tving", {("F026", "value"): "2014-2016"}, "partly confirmed", "a gap of 8 years"),
    ("check_sbs_netflix_deal", {("F024", "value"): "5"}, "contradicted", "runs 5 years"),
    ("check_season1_earlier_this_month", {("F002", "source_date"): "2025-03-30"}, "confirmed", "in the same month"),
])
def test_checks_follow_altered_register_rows(altered_facts, check, changes, expected, shown):
    status, evidence = getattr(ledger, check)(altered_facts(changes))
    assert status == expected
    assert shown in evidence


def test_release_date_confirmed_when_the_seed_gives_netflix_date(altered_facts):
    status, evidence = ledger.check_season1_release_date(altered_facts({("F002", "value"): "2025-03-25"}))
    assert status == "confirmed"
    assert "first day the aggregator" not in evidence
