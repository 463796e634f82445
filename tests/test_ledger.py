"""The claims ledger: every claim has a status and evidence, and the dataset
evidence still supports the status given."""

from __future__ import annotations

import pandas as pd
import pytest

from korean_ott import data, ledger
from korean_ott.citation import toc_pages


@pytest.fixture(scope="module")
def claims():
    return ledger.load_claims_ledger()


def test_every_claim_has_status_evidence_and_a_page(claims):
    problems = ledger.ledger_problems(claims, data.load_facts(), set(toc_pages()))
    assert not problems, "\n".join(problems)


def test_statuses_are_the_four_named_ones(claims):
    assert set(claims["status"]) <= set(ledger.STATUSES)
    assert claims["claim_id"].is_unique


@pytest.mark.parametrize("name", sorted(ledger.DATASET_CHECKS))
def test_every_dataset_check_is_used(claims, name):
    assert name in set(claims["dataset_check"].dropna())


def test_dataset_evidence_agrees_with_status(claims):
    checks = ledger.run_dataset_checks(claims)
    disagreeing = checks[~checks["agrees with status"]]
    assert disagreeing.empty, disagreeing.to_string()


def test_a_claim_without_evidence_is_reported(claims):
    broken = claims.copy()
    broken.loc[0, "evidence"] = pd.NA
    broken.loc[1, "fact_ids"] = pd.NA
    broken.loc[1, "dataset_check"] = pd.NA
    broken.loc[2, "status"] = "probably"
    problems = ledger.ledger_problems(broken, data.load_facts(), set(toc_pages()))
    assert any("C01: no evidence" in p for p in problems)
    assert any("C02: evidence cites neither" in p for p in problems)
    assert any("C03: status 'probably'" in p for p in problems)


def test_ledger_covers_the_contradicted_headline_claims(claims):
    contradicted = set(claims.loc[claims["status"] == "contradicted", "claim_id"])
    assert {"C05", "C06"} <= contradicted
