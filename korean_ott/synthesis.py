"""The synthesis chapter's mechanism table: each candidate cause, its evidence, and a grade.

The book's question is *why* Korean TV content is moving from Wavve and Tving
to Netflix. The synthesis answers it mechanism by mechanism. Each mechanism is
declared once, in :data:`MECHANISMS`, as a :class:`Mechanism`: the claim, the
facts-register rows that measure it directly, the rows that bear on it only by
proxy, the chapter findings that speak to it, the question left open and who
holds the data that would settle it.

The grade is not typed in the spec: :func:`grade_evidence` computes it from the
evidence by one written rule (:data:`GRADE_RULE`), so every mechanism is graded
the same way:

* **strong**: a quantitative series in ``data/`` is analysed in a chapter and a
  test of the mechanism's direction holds (its 95% interval excludes no change)
  in every window the chapter tried;
* **moderate**: no such series, but direct facts from at least two independent
  outlets, none of low confidence, agree on the direction;
* **weak**: direct facts from a single outlet, or of low confidence only, or
  only proxies, or direct facts that disagree on the direction;
* **none**: no row in ``data/`` bears on the mechanism.

:func:`mechanism_table` checks the spec against the facts register and the
chapter findings and raises :class:`ValueError` naming the mechanism and the
missing identifier when one does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

GRADES = ("strong", "moderate", "weak", "none")

GRADE_RULE = {
    "strong": "a quantitative series in data/ is analysed in a chapter, and a test of the "
              "mechanism's direction holds (its 95% interval excludes no change) in every window "
              "the chapter tried",
    "moderate": "no such series, but direct facts from at least two independent outlets, none of "
                "low confidence, agree on the direction",
    "weak": "direct facts from a single outlet or of low confidence only, or only proxies, or "
            "direct facts that disagree on the direction",
    "none": "no row in data/ bears on the mechanism",
}

#: Outlets are independent when their names differ; a confidence of ``low`` does not count.
LOW_CONFIDENCE = "low"


@dataclass(frozen=True)
class Finding:
    """A chapter's result that bears on a mechanism.

    ``statement`` is what the chapter found, in words with its numbers already
    computed. ``shows_mechanism_in_every_window`` is ``True`` only when the
    chapter analysed a series and a test of the direction the mechanism needs
    holds (95% interval excluding no change) in every window the chapter
    tried; ``False`` when a series was analysed and that does not hold;
    ``None`` when the finding is not a series result at all (a case, a model,
    a table of facts).
    """

    key: str
    page: str
    statement: str
    shows_mechanism_in_every_window: bool | None = None


@dataclass(frozen=True)
class Mechanism:
    """One candidate reason for the move to Netflix, and where its evidence is.

    ``direct`` lists facts-register rows that measure the mechanism, ``proxy``
    rows that bear on it only indirectly; ``findings`` names chapter results
    (keys of the findings passed to :func:`mechanism_table`), at most one of
    them a series result; ``predictions`` names rows of chapter 4's
    predictions table. ``key`` is a short name for glue keys (``"ads"``).
    ``sources_agree`` is ``False`` when the direct facts
    disagree on the direction the mechanism needs.
    """

    name: str
    claim: str
    key: str = ""
    direct: tuple[str, ...] = ()
    proxy: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    predictions: tuple[str, ...] = ()
    sources_agree: bool = True
    open_question: str = ""
    settling_data: str = ""
    holders: str = ""


def grade_evidence(direct: pd.DataFrame, proxy: pd.DataFrame,
                   series_result: bool | None = None, sources_agree: bool = True) -> tuple[str, str]:
    """The grade of one mechanism's evidence by :data:`GRADE_RULE`, and the reason in words.

    ``direct`` and ``proxy`` are facts-register rows (columns ``source_outlet``
    and ``confidence``); ``series_result`` is the verdict of a chapter's series
    (``True``: shows the mechanism in every window; ``False``: analysed but does
    not; ``None``: no series).
    """
    for name, frame in (("direct", direct), ("proxy", proxy)):
        missing = {"source_outlet", "confidence"} - set(frame.columns)
        if missing:
            raise ValueError(f"{name} facts lack column(s) {sorted(missing)}")
    if series_result is not None and not isinstance(series_result, bool):
        raise ValueError(f"series_result must be True, False or None, not {series_result!r}")
    if series_result:
        return "strong", "a series analysed in a chapter shows it in every window tried"
    prefix = "the chapter's series does not establish it in every window; " if series_result is False else ""
    usable = direct[direct["confidence"] != LOW_CONFIDENCE]
    outlets = sorted(set(usable["source_outlet"]))
    if len(outlets) >= 2 and sources_agree:
        suffix = "; no series tests it" if series_result is None else ""
        return "moderate", prefix + f"{len(usable)} direct facts from {len(outlets)} outlets agree" + suffix
    if len(direct) and not sources_agree:
        return "weak", prefix + "the direct facts disagree on the direction"
    if len(direct):
        if len(usable) == 0:
            return "weak", prefix + "the direct facts are all of low confidence"
        return "weak", prefix + f"{len(usable)} direct facts, all from one outlet ({outlets[0]})"
    if len(proxy):
        return "weak", prefix + f"only proxies ({len(proxy)} facts that bear on it indirectly)"
    if series_result is False:
        return "none", "the chapter's series does not establish it, and no fact bears on it"
    return "none", "no row in data/ bears on it"


def fact_label(row: pd.Series) -> str:
    """A fact as the table quotes it: identifier, value and unit, date (``F066: 2.4983 trillion KRW, 2023``)."""
    value = "" if pd.isna(row["value"]) else str(row["value"]).strip()
    unit = "" if pd.isna(row["unit"]) else str(row["unit"]).strip()
    as_of = "" if pd.isna(row["as_of"]) else str(row["as_of"]).strip()
    if unit == "date" or not value:
        quantity = value if unit == "date" else (unit or "no value")
    else:
        quantity = f"{value} {unit}".strip()
    return f"{row['id']}: {quantity}, {as_of}" if as_of and as_of != value else f"{row['id']}: {quantity}"


def check_spec(spec, facts: pd.DataFrame, findings: dict[str, Finding],
               predictions: pd.DataFrame | None = None) -> None:
    """Every identifier the spec names exists; an error names the mechanism and the identifier.

    ``predictions`` is chapter 4's predictions table (columns ``id``,
    ``predicted by``, ``verdict``); when it is ``None`` no mechanism may name a
    prediction.
    """
    for attribute in ("name", "key"):
        names = [getattr(mechanism, attribute) for mechanism in spec if getattr(mechanism, attribute)]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"mechanism {attribute} used twice in the spec: {duplicates[0]!r}")
    for mechanism in spec:
        for role in ("direct", "proxy"):
            for fact_id in getattr(mechanism, role):
                if fact_id not in facts.index:
                    raise ValueError(f"mechanism {mechanism.name!r}: {role} fact {fact_id!r} "
                                     "is not a row of data/facts.csv")
        both = set(mechanism.direct) & set(mechanism.proxy)
        if both:
            raise ValueError(f"mechanism {mechanism.name!r}: fact {sorted(both)[0]!r} is listed "
                             "as both direct and proxy")
        for key in mechanism.findings:
            if key not in findings:
                raise ValueError(f"mechanism {mechanism.name!r}: chapter finding {key!r} was not supplied")
        known = set() if predictions is None else set(predictions["id"])
        for prediction in mechanism.predictions:
            if prediction not in known:
                raise ValueError(f"mechanism {mechanism.name!r}: prediction {prediction!r} "
                                 "is not in chapter 4's predictions table")
        series = [key for key in mechanism.findings
                  if findings[key].shows_mechanism_in_every_window is not None]
        if len(series) > 1:
            raise ValueError(f"mechanism {mechanism.name!r}: more than one series finding "
                             f"({', '.join(series)}); grade on one")


def series_result(mechanism: Mechanism, findings: dict[str, Finding]) -> bool | None:
    for key in mechanism.findings:
        if findings[key].shows_mechanism_in_every_window is not None:
            return findings[key].shows_mechanism_in_every_window
    return None


def prediction_text(mechanism: Mechanism, predictions: pd.DataFrame | None) -> str:
    """Chapter 4's predictions that bear on a mechanism: ``"A2 (A only): contradicted"``."""
    if not mechanism.predictions:
        return "none"
    table = predictions.set_index("id")
    return "; ".join(f"{pid} ({table.loc[pid, 'predicted by']}): {table.loc[pid, 'verdict']}"
                     for pid in mechanism.predictions)


def mechanism_table(spec, facts: pd.DataFrame, findings: dict[str, Finding],
                    predictions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per mechanism: chapter findings, sourced facts, grade and reason, open question, holders.

    ``facts`` is the facts register indexed by ``id``; ``predictions`` is
    chapter 4's predictions table (needed when the spec names predictions).
    Rows keep the spec's order.
    """
    check_spec(spec, facts, findings, predictions)
    rows = []
    for mechanism in spec:
        direct = facts.loc[list(mechanism.direct)]
        proxy = facts.loc[list(mechanism.proxy)]
        grade, reason = grade_evidence(direct, proxy, series_result(mechanism, findings),
                                       mechanism.sources_agree)
        rows.append({
            "mechanism": mechanism.name,
            "key": mechanism.key,
            "what the chapters found": " ".join(findings[key].statement for key in mechanism.findings)
                                       or "not analysed in a chapter",
            "sourced facts": "; ".join(fact_label(row) for _, row in direct.iterrows()) or "none",
            "proxies": "; ".join(fact_label(row) for _, row in proxy.iterrows()) or "none",
            "grade": grade,
            "reason": reason,
            "chapter 4's predictions": prediction_text(mechanism, predictions),
            "open question": mechanism.open_question,
            "data that would settle it": mechanism.settling_data,
            "who holds them": mechanism.holders,
        })
    return pd.DataFrame(rows)


def facts_by_mechanism(spec, facts: pd.DataFrame) -> pd.DataFrame:
    """Every fact the mechanism table quotes, one row each: value, unit, date, outlet, confidence."""
    rows = []
    for mechanism in spec:
        for role in ("direct", "proxy"):
            for fact_id in getattr(mechanism, role):
                if fact_id not in facts.index:
                    raise ValueError(f"mechanism {mechanism.name!r}: {role} fact {fact_id!r} "
                                     "is not a row of data/facts.csv")
                row = facts.loc[fact_id]
                rows.append({"mechanism": mechanism.name, "role": role, "fact": fact_id,
                             "claim": row["claim"], "value": row["value"], "unit": row["unit"],
                             "as of": row["as_of"], "outlet": row["source_outlet"],
                             "confidence": row["confidence"]})
    return pd.DataFrame(rows)



def evidence_summary(spec, facts: pd.DataFrame) -> pd.DataFrame:
    """One row per mechanism: how many direct facts and proxies it rests on, the outlets of
    its direct facts (with how many facts each, in order of first appearance) and how many
    direct facts are of low confidence: the inputs of the grade rule, short enough for a page.

    The per-fact listing is :func:`facts_by_mechanism`.
    """
    listing = facts_by_mechanism(spec, facts)
    rows = []
    for mechanism in spec:
        direct = listing[(listing["mechanism"] == mechanism.name) & (listing["role"] == "direct")]
        outlets = direct["outlet"].value_counts(sort=False)
        rows.append({
            "mechanism": mechanism.name,
            "direct facts": len(direct),
            "proxies": len(mechanism.proxy),
            "outlets of the direct facts (facts each)": "; ".join(f"{outlet}: {n}" for outlet, n in outlets.items())
                                                        or "none",
            "of low confidence": int((direct["confidence"] == LOW_CONFIDENCE).sum()),
        })
    return pd.DataFrame(rows)

def grade_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many mechanisms got each grade, in the order of :data:`GRADES`."""
    unknown = set(table["grade"]) - set(GRADES)
    if unknown:
        raise ValueError(f"grade(s) not in {GRADES}: {sorted(unknown)}")
    return {grade: int((table["grade"] == grade).sum()) for grade in GRADES}


def mechanisms_with_grade(table: pd.DataFrame, grade: str) -> str:
    """The mechanisms with one grade, as a sentence fragment ("a, b and c"; "none" if empty)."""
    if grade not in GRADES:
        raise ValueError(f"grade must be one of {GRADES}, not {grade!r}")
    names = list(table.loc[table["grade"] == grade, "mechanism"])
    if not names:
        return "none"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


# --- The book's spec ------------------------------------------------------------

MECHANISMS = (
    Mechanism(
        name="Cost-plus commissions and who keeps the IP",
        key="ip",
        claim="A global platform pays the full cost plus a margin and keeps the rights, so "
              "producers swap a risky domestic window for a certain fee.",
        direct=(),
        proxy=("F173", "F204"),
        findings=("runs", "windowing"),
        predictions=("B1",),
        open_question="Do producers who keep the rights and license after a domestic window earn "
                      "more than on a cost-plus commission?",
        settling_data="Commission and licence terms per title: fee, margin, rights retained, "
                      "licence length",
        holders="Producers and commissioning platforms (private contracts); Netflix's licence terms",
    ),
    Mechanism(
        name="Production-cost inflation and talent fees",
        key="costs",
        claim="Per-episode budgets and star fees rose beyond what domestic advertising and "
              "subscriptions can pay, so only a global platform can fund a top drama.",
        direct=("F163", "F164", "F165", "F166", "F167", "F168"),
        proxy=("F055",),
        findings=("costs",),
        open_question="Did the average budget (not the hits') rise, and by how much did cast fees "
                      "contribute?",
        settling_data="Budgets and cast fees for every drama by year, with who paid",
        holders="Broadcasters and producers (the drama producers' association); KCC/KISDI "
                "production-cost tables",
    ),
    Mechanism(
        name="Broadcasters' cuts to drama slots",
        key="slots",
        claim="Broadcasters commission fewer dramas, so producers look for other buyers.",
        direct=("F050", "F051", "F020", "F021", "F054", "F170", "F171", "F172"),
        proxy=("F117", "F105"),
        findings=("drama_counts",),
        predictions=("N2",),
        open_question="Is the 2023 fall a turn or a thin year, and did slots or budgets per slot fall?",
        settling_data="Drama counts by commissioning platform under one definition, several years; "
                      "weekday drama slots per channel and year",
        holders="KCC/KISDI (the competition-assessment report tables); broadcasters' schedules",
    ),
    Mechanism(
        name="Advertising moving to digital",
        key="ads",
        claim="Broadcast advertising shrinks as spending moves online, cutting the money for "
              "domestic commissions.",
        direct=("F062", "F063", "F064", "F065", "F066", "F067", "F057", "F058"),
        proxy=("F196", "F056", "F078"),
        findings=("advertising",),
        predictions=("N1",),
        open_question="Is the fall since 2022 a lasting decline, and how much of it went to "
                      "digital rather than out of advertising?",
        settling_data="Advertising by medium (broadcast and digital) under one definition for more "
                      "years",
        holders="KCC (broadcasting property-status reports); MSIT and KOBACO (ad-expenditure survey)",
    ),
    Mechanism(
        name="Netflix's investment against domestic budgets and losses",
        key="netflix",
        claim="Netflix spends more on Korean content than domestic platforms can, while they "
              "lose money every year.",
        direct=("F154", "F155", "F156", "F123", "F100", "F101", "F111", "F112", "F105"),
        proxy=("F099", "F102"),
        findings=("finance",),
        predictions=("A2", "A3"),
        open_question="How much did each platform spend on Korean content each year?",
        settling_data="Content spending by platform and year, Netflix's Korean spend included",
        holders="Netflix (no country breakdown published); Wavve and Tving (audit reports)",
    ),
    Mechanism(
        name="The Wavve-Tving merger",
        key="merger",
        claim="Domestic platforms answer their losses by combining, not by outbidding Netflix; "
              "until the merger is done, neither commits to big originals.",
        direct=("F144", "F148", "F149", "F150", "F152", "F153"),
        findings=(),
        open_question="Will a combined service spend more on originals, or less?",
        settling_data="The combined service's content budget and originals slate after the merger",
        holders="CJ ENM and SK Square; the Fair Trade Commission (conditions review)",
    ),
    Mechanism(
        name="Subscription prices and bundles",
        key="prices",
        claim="Prices, ad tiers and bundles decide where viewers pay, and so where content goes.",
        direct=(),
        proxy=("F150", "F113"),
        findings=("mau",),
        predictions=("A1",),
        open_question="Do viewers leave domestic services for Netflix, or pay for both?",
        settling_data="Monthly prices and bundle terms of each service; a subscriber panel with "
                      "churn and multi-service households",
        holders="The services; KISDI (Korea Media Panel); app panels (Mobile Index, WiseApp)",
    ),
)
