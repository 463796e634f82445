"""Tests for korean_ott.synthesis: the grade rule, the table builder and the book's spec."""

from __future__ import annotations

import pandas as pd
import pytest

from korean_ott import data, expert_views, synthesis
from korean_ott.synthesis import Finding, Mechanism


def facts_frame(rows):
    """A small facts register: (id, outlet, confidence[, value, unit, as_of])."""
    records = []
    for row in rows:
        fact_id, outlet, confidence, *rest = row
        value, unit, as_of = (rest + ["1", "dramas", "2023"])[:3] if rest else ("1", "dramas", "2023")
        records.append({"id": fact_id, "claim": f"claim {fact_id}", "value": value, "unit": unit,
                        "as_of": as_of, "source_outlet": outlet, "confidence": confidence})
    return pd.DataFrame(records).set_index("id", drop=False)


HAND_FACTS = facts_frame([
    ("F001", "Outlet A", "high"), ("F002", "Outlet B", "medium"), ("F003", "Outlet A", "high"),
    ("F004", "Outlet C", "low"), ("F005", "Outlet D", "low"), ("F006", "Outlet E", "high"),
])
NO_FACTS = HAND_FACTS.iloc[0:0]


# --- The grade rule, case by case (worked by hand) --------------------------------

def test_a_series_that_holds_in_every_window_is_strong_even_without_facts():
    assert synthesis.grade_evidence(NO_FACTS, NO_FACTS, True)[0] == "strong"


def test_two_outlets_agreeing_without_a_series_is_moderate():
    grade, reason = synthesis.grade_evidence(HAND_FACTS.loc[["F001", "F002"]], NO_FACTS)
    assert grade == "moderate"
    assert reason == "2 direct facts from 2 outlets agree; no series tests it"


def test_a_series_that_fails_its_window_falls_back_on_the_facts_and_says_so():
    grade, reason = synthesis.grade_evidence(HAND_FACTS.loc[["F001", "F002"]], NO_FACTS, False)
    assert grade == "moderate"
    assert reason == "the chapter's series does not establish it in every window; 2 direct facts from 2 outlets agree"


def test_one_outlet_is_weak_however_many_rows():
    grade, reason = synthesis.grade_evidence(HAND_FACTS.loc[["F001", "F003"]], NO_FACTS)
    assert grade == "weak"
    assert "all from one outlet (Outlet A)" in reason


def test_low_confidence_rows_do_not_count_as_outlets():
    # Outlet A (high) plus two low-confidence outlets: one usable outlet, so weak.
    assert synthesis.grade_evidence(HAND_FACTS.loc[["F001", "F004", "F005"]], NO_FACTS)[0] == "weak"
    grade, reason = synthesis.grade_evidence(HAND_FACTS.loc[["F004", "F005"]], NO_FACTS)
    assert (grade, reason) == ("weak", "the direct facts are all of low confidence")


def test_disagreeing_sources_are_weak():
    grade, reason = synthesis.grade_evidence(HAND_FACTS.loc[["F001", "F002"]], NO_FACTS,
                                             sources_agree=False)
    assert (grade, reason) == ("weak", "the direct facts disagree on the direction")


def test_proxies_only_are_weak_and_nothing_is_none():
    assert synthesis.grade_evidence(NO_FACTS, HAND_FACTS.loc[["F006"]])[0] == "weak"
    assert synthesis.grade_evidence(NO_FACTS, NO_FACTS) == ("none", "no row in data/ bears on it")
    assert synthesis.grade_evidence(NO_FACTS, NO_FACTS, False)[0] == "none"


def test_grade_rule_rejects_bad_input():
    with pytest.raises(ValueError, match="series_result"):
        synthesis.grade_evidence(NO_FACTS, NO_FACTS, "yes")
    with pytest.raises(ValueError, match="confidence"):
        synthesis.grade_evidence(HAND_FACTS[["source_outlet"]], NO_FACTS)


def test_rule_text_covers_every_grade():
    assert tuple(synthesis.GRADE_RULE) == synthesis.GRADES


# --- The table builder on a hand-built spec ----------------------------------------

HAND_FINDINGS = {
    "holds": Finding("holds", "p.ipynb", "Series holds.", True),
    "fails": Finding("fails", "p.ipynb", "Series fails.", False),
    "case": Finding("case", "p.ipynb", "A case."),
}
HAND_SPEC = (
    Mechanism("series holds", "c", direct=("F004",), findings=("holds",)),
    Mechanism("series fails, two outlets", "c", direct=("F001", "F002"), findings=("fails", "case")),
    Mechanism("one outlet", "c", direct=("F001", "F003")),
    Mechanism("proxy only", "c", proxy=("F006",)),
    Mechanism("nothing", "c"),
)


def test_table_applies_the_rule_row_by_row():
    table = synthesis.mechanism_table(HAND_SPEC, HAND_FACTS, HAND_FINDINGS)
    assert list(table["mechanism"]) == [m.name for m in HAND_SPEC]
    assert list(table["grade"]) == ["strong", "moderate", "weak", "weak", "none"]
    assert table.loc[1, "what the chapters found"] == "Series fails. A case."
    assert table.loc[4, "what the chapters found"] == "not analysed in a chapter"
    assert table.loc[2, "sourced facts"] == "F001: 1 dramas, 2023; F003: 1 dramas, 2023"
    assert table.loc[3, "sourced facts"] == "none"
    assert synthesis.grade_counts(table) == {"strong": 1, "moderate": 1, "weak": 2, "none": 1}
    assert synthesis.mechanisms_with_grade(table, "weak") == "one outlet and proxy only"
    assert synthesis.mechanisms_with_grade(table, "strong") == "series holds"


def test_the_grade_is_the_rule_applied_to_the_row_evidence():
    """Every row's grade is what grade_evidence gives for that row's facts and series."""
    table = synthesis.mechanism_table(HAND_SPEC, HAND_FACTS, HAND_FINDINGS).set_index("mechanism")
    for mechanism in HAND_SPEC:
        expected = synthesis.grade_evidence(
            HAND_FACTS.loc[list(mechanism.direct)], HAND_FACTS.loc[list(mechanism.proxy)],
            synthesis.series_result(mechanism, HAND_FINDINGS), mechanism.sources_agree)
        assert (table.loc[mechanism.name, "grade"], table.loc[mechanism.name, "reason"]) == expected


def test_missing_fact_id_names_the_mechanism_and_the_id():
    spec = (Mechanism("ads", "c", direct=("F001", "F999")),)
    with pytest.raises(ValueError, match=r"mechanism 'ads': direct fact 'F999' is not a row of data/facts.csv"):
        synthesis.mechanism_table(spec, HAND_FACTS, HAND_FINDINGS)
    spec = (Mechanism("prices", "c", proxy=("F998",)),)
    with pytest.raises(ValueError, match=r"mechanism 'prices': proxy fact 'F998'"):
        synthesis.facts_by_mechanism(spec, HAND_FACTS)


def test_spec_errors_are_named():
    with pytest.raises(ValueError, match=r"mechanism 'x': chapter finding 'nope' was not supplied"):
        synthesis.mechanism_table((Mechanism("x", "c", findings=("nope",)),), HAND_FACTS, HAND_FINDINGS)
    with pytest.raises(ValueError, match="name used twice"):
        synthesis.mechanism_table((Mechanism("x", "c"), Mechanism("x", "c")), HAND_FACTS, HAND_FINDINGS)
    with pytest.raises(ValueError, match="key used twice"):
        synthesis.mechanism_table((Mechanism("x", "c", key="k"), Mechanism("y", "c", key="k")),
                                  HAND_FACTS, HAND_FINDINGS)
    with pytest.raises(ValueError, match="both direct and proxy"):
        synthesis.mechanism_table((Mechanism("x", "c", direct=("F001",), proxy=("F001",)),),
                                  HAND_FACTS, HAND_FINDINGS)
    with pytest.raises(ValueError, match="more than one series finding"):
        synthesis.mechanism_table((Mechanism("x", "c", findings=("holds", "fails")),),
                                  HAND_FACTS, HAND_FINDINGS)


HAND_PREDICTIONS = pd.DataFrame({"id": ["A1", "B1"], "predicted by": ["A only", "B only"],
                                 "verdict": ["contradicted", "not testable here"]})


def test_predictions_are_quoted_with_who_predicts_them_and_their_verdict():
    spec = (Mechanism("users", "c", predictions=("A1",)), Mechanism("rights", "c", predictions=("A1", "B1")),
            Mechanism("other", "c"))
    table = synthesis.mechanism_table(spec, HAND_FACTS, HAND_FINDINGS, HAND_PREDICTIONS)
    assert list(table["chapter 4's predictions"]) == [
        "A1 (A only): contradicted", "A1 (A only): contradicted; B1 (B only): not testable here", "none"]


def test_unknown_prediction_names_the_mechanism():
    spec = (Mechanism("users", "c", predictions=("A9",)),)
    with pytest.raises(ValueError, match=r"mechanism 'users': prediction 'A9' is not in chapter 4"):
        synthesis.mechanism_table(spec, HAND_FACTS, HAND_FINDINGS, HAND_PREDICTIONS)
    with pytest.raises(ValueError, match=r"prediction 'A1'"):
        synthesis.mechanism_table((Mechanism("users", "c", predictions=("A1",)),), HAND_FACTS, HAND_FINDINGS)


def test_grade_helpers_reject_unknown_grades():
    with pytest.raises(ValueError, match="grade must be one of"):
        synthesis.mechanisms_with_grade(pd.DataFrame({"mechanism": [], "grade": []}), "excellent")
    with pytest.raises(ValueError, match="not in"):
        synthesis.grade_counts(pd.DataFrame({"mechanism": ["x"], "grade": ["excellent"]}))


def test_fact_label_quotes_value_unit_date_and_id():
    facts = facts_frame([("F010", "A", "high", "2025-06-10", "date", "2025-06-10"),
                         ("F011", "A", "high", "", "status", "2026-02"),
                         ("F012", "A", "high", "2.4983", "trillion KRW", "2023")])
    assert synthesis.fact_label(facts.loc["F010"]) == "F010: 2025-06-10"
    assert synthesis.fact_label(facts.loc["F011"]) == "F011: status, 2026-02"
    assert synthesis.fact_label(facts.loc["F012"]) == "F012: 2.4983 trillion KRW, 2023"


def test_facts_by_mechanism_lists_every_quoted_fact_once_per_mechanism():
    long = synthesis.facts_by_mechanism(HAND_SPEC, HAND_FACTS)
    assert len(long) == sum(len(m.direct) + len(m.proxy) for m in HAND_SPEC)
    assert set(long["role"]) == {"direct", "proxy"}



def test_evidence_summary_counts_facts_outlets_and_low_confidence():
    spec = HAND_SPEC + (Mechanism("mixed", "c", direct=("F001", "F004", "F003"), proxy=("F006",)),)
    summary = synthesis.evidence_summary(spec, HAND_FACTS).set_index("mechanism")
    assert list(summary.index) == [m.name for m in spec]
    mixed = summary.loc["mixed"]
    assert (mixed["direct facts"], mixed["proxies"], mixed["of low confidence"]) == (3, 1, 1)
    assert mixed["outlets of the direct facts (facts each)"] == "Outlet A: 2; Outlet C: 1"
    assert summary.loc["nothing", "outlets of the direct facts (facts each)"] == "none"
    assert summary["direct facts"].sum() + summary["proxies"].sum() == len(synthesis.facts_by_mechanism(spec, HAND_FACTS))

# --- The book's own spec against the real register ---------------------------------

@pytest.fixture(scope="module")
def register():
    return data.load_facts()


def test_every_fact_id_in_the_books_spec_exists(register):
    for mechanism in synthesis.MECHANISMS:
        for fact_id in mechanism.direct + mechanism.proxy:
            assert fact_id in register.index, (mechanism.name, fact_id)


def test_books_spec_has_the_reviewers_seven_mechanisms_each_with_its_open_question():
    assert len(synthesis.MECHANISMS) == 7
    for mechanism in synthesis.MECHANISMS:
        assert mechanism.open_question and mechanism.settling_data and mechanism.holders and mechanism.key


def test_books_spec_grades_are_valid_and_follow_the_rule(register):
    findings = {key: Finding(key, "page.ipynb", key, None)
                for mechanism in synthesis.MECHANISMS for key in mechanism.findings}
    predictions = pd.DataFrame({"id": list(expert_views.PREDICTIONS),
                                "predicted by": [v[1] for v in expert_views.PREDICTIONS.values()],
                                "verdict": "not testable here"})
    table = synthesis.mechanism_table(synthesis.MECHANISMS, register, findings, predictions)
    assert set(table["grade"]) <= set(synthesis.GRADES)
    # Without any series result: several outlets give moderate, one outlet or proxies weak.
    grades = dict(zip(table["mechanism"], table["grade"]))
    assert grades["Production-cost inflation and talent fees"] == "weak"  # one article (News1)
    assert grades["Cost-plus commissions and who keeps the IP"] == "weak"  # proxies only
    assert grades["Advertising moving to digital"] == "moderate"
