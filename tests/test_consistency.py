"""One estimate, one value: what two pages state about one thing is the same.

Estimates and verdicts stated on more than one page are glued under one ``ev_``
key (``korean_ott.glue``); these tests read the stored outputs of every
notebook in the book, so they check the committed pages, not a new run (strict
nbval checks that a new run gives the same outputs).
"""

from __future__ import annotations

import pytest

from korean_ott import ledger, prose
from korean_ott.prose import book_pages


@pytest.fixture(scope="module")
def glued() -> dict[str, dict[str, str]]:
    return {path.name: prose.glue_records(path) for path in book_pages() if path.suffix == ".ipynb"}


def test_every_shared_estimate_has_one_value_across_pages(glued):
    problems = prose.shared_key_conflicts(glued)
    assert not problems, "\n".join(problems)


def test_every_glue_reference_finds_its_key():
    problems = prose.broken_cross_references(book_pages())
    assert not problems, "\n".join(problems)


def test_shared_estimates_exist(glued):
    shared = {key for records in glued.values() for key in records if key.startswith("ev_")}
    assert shared, "no page glues a shared (ev_) estimate"


def test_ledger_statuses_agree_with_the_pages(glued):
    """A claim's status glued on any page is the status the claims ledger records."""
    statuses = ledger.load_claims_ledger().set_index("claim_id")["status"]
    problems = []
    for page, records in glued.items():
        for key, value in records.items():
            if key.startswith("ev_claim_") and key.endswith("_status"):
                claim = key[len("ev_claim_"):-len("_status")]
                stated = value.strip("'\"")
                if claim not in statuses.index:
                    problems.append(f"{page}: {key} names no claim of the ledger")
                elif stated != statuses[claim]:
                    problems.append(f"{page}: {key} is {stated!r}, the ledger says {statuses[claim]!r}")
    assert not problems, "\n".join(problems)
