"""The claims ledger: every factual claim of the seed article, with its status
and evidence (``data/claims_ledger.csv``).

Every claim whose evidence is in ``data/`` (a dataset or a row of the facts
register) has a named check here. A check compares what the seed article says
with the data, part by part, and returns the claim's status and an evidence
sentence whose numbers and dates are formatted from the data. The ledger file
records the status too; ``tests/test_ledger.py`` fails when the file and the
check disagree. Claims with no evidence in ``data/`` (a live IMDb rating, the
two quotations) have no check and stay "not verifiable offline", with the
reason written in the ledger.

How a status follows from the parts (:func:`status_from_parts`), decided
before any check was run:

- every part holds: *confirmed*;
- some parts hold, others fail or cannot be tested with the data: *partly confirmed*;
- no part holds and at least one fails: *contradicted*;
- no part can be tested: *not verifiable offline*.

Two statuses come from their own rules: a date that is one day off the
sources' date *differs by one day* (:func:`compare_dates`), and the seed's drama
count takes the verdict of the production-statistics chapter
(:func:`korean_ott.production.seed_count_claim`).

Each status is glued for the prose under ``ev_claim_<claim_id>_status`` by
:func:`glue_claim_statuses` (all claims) or :func:`glue_claim_status` (one), so
a chapter that states a claim's status glues the same key with the same value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from korean_ott import data, migration, production, weak_hero

#: Every status a claim can have, with its definition (shown in the fact-check appendix).
STATUS_DEFINITIONS = {
    "confirmed": "every part of the claim agrees with the book's data",
    "partly confirmed": ("part of the claim agrees with the book's data; another part disagrees, "
                         "or rests on a judgement or a source the data cannot test"),
    "differs by one day": ("a date one day away from the date Netflix and other sources give, the "
                           "kind of gap that time zones and chart-day conventions produce; the event "
                           "is the same"),
    "unconfirmed": ("no stored source other than the article gives the figure, and other reports "
                    "of the same measure give different figures"),
    "contradicted": "the book's data disagree with the claim",
    "not verifiable offline": "nothing in the book's data can test the claim",
}
STATUSES = tuple(STATUS_DEFINITIONS)

#: The key a claim's status is glued under in every page that states it.
STATUS_KEY = "ev_claim_{claim_id}_status"

#: Number words the seed article uses, read as numbers.
NUMBER_WORDS = {
    "one": 1, "first": 1, "two": 2, "second": 2, "three": 3, "third": 3, "four": 4, "fourth": 4,
    "five": 5, "fifth": 5, "six": 6, "sixth": 6, "seven": 7, "seventh": 7, "eight": 8, "eighth": 8,
    "nine": 9, "ninth": 9, "ten": 10, "tenth": 10,
}


# --- the ledger and its rules -------------------------------------------------------

def load_claims_ledger(data_dir=None) -> pd.DataFrame:
    """The ledger, validated against its schema, one row per claim."""
    return data.load("claims_ledger", data_dir)


@dataclass(frozen=True)
class Part:
    """One testable part of a claim: ``holds`` is True, False, or None (the data cannot test it)."""

    holds: bool | None
    detail: str


def status_from_parts(parts: list[Part]) -> str:
    """The claim's status from its parts (rule in the module docstring)."""
    if not parts:
        raise ValueError("a claim needs at least one part to have a status")
    values = [part.holds for part in parts]
    if any(value not in (True, False, None) for value in values):
        raise ValueError(f"a part holds True, False or None, got {values!r}")
    if all(value is True for value in values):
        return "confirmed"
    if any(value is True for value in values):
        return "partly confirmed"
    if any(value is False for value in values):
        return "contradicted"
    return "not verifiable offline"


def compare_dates(seed, source) -> str:
    """Status of a seed date against the sources' date: same day, one day apart, or other."""
    seed, source = pd.Timestamp(seed), pd.Timestamp(source)
    if pd.isna(seed) or pd.isna(source):
        raise ValueError(f"both dates are needed, got {seed!r} and {source!r}")
    gap = abs((seed.normalize() - source.normalize()).days)
    if gap == 0:
        return "confirmed"
    if gap == 1:
        return "differs by one day"
    return "contradicted"


def evidence_sentence(parts: list[Part]) -> str:
    """The parts' details as one sentence."""
    text = "; ".join(part.detail for part in parts)
    return text[0].upper() + text[1:] + "."


def verdict(parts: list[Part]) -> tuple[str, str]:
    return status_from_parts(parts), evidence_sentence(parts)


# --- formatting and reading ---------------------------------------------------------

def day(value) -> str:
    """A date as the book writes it: ``25 March 2025``."""
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        raise ValueError(f"not a date: {value!r}")
    return f"{stamp.day} {stamp:%B %Y}"


def ordinal(number: int) -> str:
    """``1`` -> ``1st``, ``2`` -> ``2nd``, ``11`` -> ``11th``."""
    number = int(number)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def plain(value: float) -> str:
    """A register number as written, without a trailing ``.0``."""
    number = float(value)
    return f"{number:g}" if abs(number) < 1e6 else f"{number:,.0f}"


def seed_numbers(text: str) -> list[int | float]:
    """Numbers in a seed excerpt, digits or words (``"third"`` -> 3), in order of appearance."""
    words = "|".join(NUMBER_WORDS)
    found = []
    for match in re.finditer(rf"(?<![\w.])(\d+(?:\.\d+)?)(?:st|nd|rd|th)?\b|\b({words})\b", text, re.IGNORECASE):
        if match.group(1):
            number = float(match.group(1))
            found.append(int(number) if number.is_integer() else number)
        else:
            found.append(NUMBER_WORDS[match.group(2).lower()])
    return found


def name_key(name: str) -> str:
    """A romanised Korean name reduced for comparison: ``Park Ji-hoon`` == ``Park Ji Hoon``.

    Lower case, letters only, and ``shi`` read as ``si`` (McCune-Reischauer and
    Revised Romanisation write the same syllable both ways).
    """
    letters = "".join(ch for ch in unicodedata.normalize("NFKD", name.lower()) if ch.isalpha())
    return letters.replace("shi", "si")


def _register(data_dir=None) -> pd.DataFrame:
    return data.load_facts(data_dir)


def register_row(fact_id: str, data_dir=None) -> pd.Series:
    facts = _register(data_dir)
    if fact_id not in facts.index:
        raise KeyError(f"data/facts.csv has no row {fact_id!r}, which the claims ledger needs")
    return facts.loc[fact_id]


def register_date(fact_id: str, data_dir=None) -> pd.Timestamp:
    """The value of a register row whose unit is ``date``, as a date."""
    row = register_row(fact_id, data_dir)
    if row["unit"] != "date":
        raise ValueError(f"data/facts.csv, row {fact_id}: unit is {row['unit']!r}, not 'date'")
    stamp = pd.to_datetime(row["value"], format="mixed", errors="coerce")
    if pd.isna(stamp):
        raise ValueError(f"data/facts.csv, row {fact_id}: value {row['value']!r} is not a date")
    return stamp


def article_date(data_dir=None) -> pd.Timestamp:
    """The seed article's publication date (register row F002, the article's own row)."""
    return pd.Timestamp(register_row("F002", data_dir)["source_date"])


def seed_excerpt(claim_id: str, data_dir=None) -> str:
    claims = load_claims_ledger(data_dir).set_index("claim_id")
    if claim_id not in claims.index:
        raise KeyError(f"data/claims_ledger.csv has no claim {claim_id!r}")
    return str(claims.loc[claim_id, "seed_excerpt"])


def seed_number(claim_id: str, position: int = 0, data_dir=None) -> int | float:
    numbers = seed_numbers(seed_excerpt(claim_id, data_dir))
    if not -len(numbers) <= position < len(numbers):
        raise ValueError(f"data/claims_ledger.csv, claim {claim_id}: the excerpt has no number at "
                         f"position {position} (numbers found: {numbers})")
    return numbers[position]


def weak_hero_top250_row(data_dir=None) -> pd.Series:
    top250 = data.load_mdl_top250(data_dir)
    rows = top250[top250["Name"] == "Weak Hero Class 1"]
    if len(rows) != 1:
        raise ValueError("data/raw/kdrama-mdl-top250/kdrama.csv: expected one row named "
                         f"'Weak Hero Class 1', found {len(rows)}")
    return rows.iloc[0]


def weak_hero_weeks(data_dir=None) -> pd.DataFrame:
    return weak_hero.weak_hero_weeks(data.load_top10_weekly(data_dir))


def first_listed_week(season: str, data_dir=None) -> pd.Series:
    weeks = weak_hero_weeks(data_dir)
    rows = weeks[weeks["season"] == season].sort_values("week")
    if rows.empty:
        raise ValueError(f"Netflix weekly Top 10: no rows for Weak Hero {season}")
    return rows.iloc[0]


def migration_event(event_id: str, data_dir=None) -> pd.Series:
    events = migration.load_migration_events(data_dir).set_index("event_id", drop=False)
    if event_id not in events.index:
        raise KeyError(f"data/migration_events.csv has no event {event_id!r}")
    return events.loc[event_id]


# --- the checks, in the order of the article ------------------------------------------
# Each returns (status, evidence sentence).

def check_wavve_original_2022(data_dir=None) -> tuple[str, str]:
    """C01: first released on Wavve in the year the seed gives."""
    year = seed_number("C01", data_dir=data_dir)
    premiere = register_date("F012", data_dir)
    row = weak_hero_top250_row(data_dir)
    network = str(row["Original Network"]).strip()
    aired = pd.to_datetime(row["Aired Date"], format="%b %d, %Y")
    return verdict([
        Part(premiere.year == year, f"register row F012 dates the Wavve premiere to {day(premiere)}"),
        Part(network == "Wavve" and aired.year == year,
             f"MyDramaList's top-250 list gives the original network as {network} and the first air date as {day(aired)}"),
    ])


def check_lead_actor(data_dir=None) -> tuple[str, str]:
    """C02: the lead character and the actor who plays him."""
    match = re.fullmatch(r"(.+?) \(played by (.+?)\)", seed_excerpt("C02", data_dir))
    if match is None:
        raise ValueError("data/claims_ledger.csv, claim C02: excerpt is not 'Character (played by Actor)'")
    character, actor = match.groups()
    row = weak_hero_top250_row(data_dir)
    lead = str(row["Cast"]).split(",")[0].strip()
    synopsis_words = str(row["Synopsis"]).split()
    named = " ".join(synopsis_words[:len(character.replace("-", " ").split())])
    return verdict([
        Part(name_key(lead) == name_key(actor), f"MyDramaList's top-250 list bills {lead} first in the cast"),
        Part(name_key(named) == name_key(character), f"its synopsis names the lead character {named}"),
    ])


def check_season2_netflix_series(data_dir=None) -> tuple[str, str]:
    """C03: Season 2 made as a Netflix series."""
    announced = register_row("F205", data_dir)
    premiere = register_date("F038", data_dir)
    first = first_listed_week("Class 2", data_dir)
    return verdict([
        Part("would produce Weak Hero Class 2" in announced["claim"],
             f"Netflix confirmed on {day(announced['value'])} that it would produce Season 2 (row F205)"),
        Part(bool(premiere <= first["week"]),
             f"it premiered on Netflix on {day(premiere)} (row F038) and entered Netflix's weekly global "
             f"Top 10 in the week ending {day(first['week'])}"),
    ])


def check_season2_premiere_month(data_dir=None) -> tuple[str, str]:
    """C04: Season 2 'set to premiere later this month' (the article's month)."""
    published = article_date(data_dir)
    premiere = register_date("F038", data_dir)
    first = first_listed_week("Class 2", data_dir)
    later_same_month = premiere > published and premiere.to_period("M") == published.to_period("M")
    return verdict([
        Part(bool(later_same_month),
             f"Season 2 premiered on {day(premiere)} (row F038), later in the month of the article of {day(published)}"
             if later_same_month else
             f"Season 2 premiered on {day(premiere)} (row F038), not later in the month of the article of {day(published)}"),
        Part(bool(first["week"].to_period("M") == premiere.to_period("M")),
             f"it first appears in Netflix's weekly global Top 10 in the week ending {day(first['week'])}"),
    ])


def check_season1_release_date(data_dir=None) -> tuple[str, str]:
    """C05: the seed's release date against Netflix's own and the press's."""
    seed = register_date("F002", data_dir)
    press = register_date("F001", data_dir)
    engagement = data.load_engagement(data_dir)
    rows = engagement[engagement["title"].str.startswith("Weak Hero: Class 1")]
    if rows.empty:
        raise ValueError("data/derived/netflix_engagement.csv: no row for 'Weak Hero: Class 1'")
    official = rows["release_date"].dropna().min()
    if press != official:
        raise ValueError(f"data/facts.csv, row F001 ({day(press)}) disagrees with Netflix's engagement "
                         f"report ({day(official)}); the ledger cannot say which is the release date")
    announced = register_date("F206", data_dir)
    if announced != official:
        raise ValueError(f"data/facts.csv, row F206 ({day(announced)}) disagrees with Netflix's engagement "
                         f"report ({day(official)}); the ledger cannot say which is the release date")
    status = compare_dates(seed, official)
    chart_day = pd.Timestamp(register_row("F003", data_dir)["as_of"])
    detail = (f"the seed gives {day(seed)}; Netflix's engagement report gives the release date "
              f"{day(official)}, as do Netflix's advance announcement (row F206) and the outlets of row F001")
    if chart_day == seed:
        detail += f"; {day(seed)} is the first day the aggregator FlixPatrol ranked the show (row F003)"
    return status, detail[0].upper() + detail[1:] + "."


def check_official_rank_first_week(data_dir=None) -> tuple[str, str]:
    """C06: 'third place on Netflix's global TV chart' against Netflix's official weekly list."""
    seed_rank = seed_number("C06", data_dir=data_dir)
    first = first_listed_week("Class 1", data_dir)
    week = weak_hero.week_list(data.load_top10_weekly(data_dir), first["week"])
    by_views = int(week.loc[week["season_title"] == "Weak Hero: Class 1", "rank_by_views"].iloc[0])
    flixpatrol = register_row("F003", data_dir)
    points = register_row("F004", data_dir)
    official_rank = int(first["rank"])
    return verdict([
        Part(official_rank == seed_rank or by_views == seed_rank,
             f"Netflix's official weekly global list ranks Season 1 {ordinal(official_rank)} in "
             f"{weak_hero.TOP10_LIST} in the week ending {day(first['week'])}, and {ordinal(by_views)} by views "
             f"across both TV lists; the {ordinal(int(float(flixpatrol['value'])))} place is FlixPatrol's "
             f"aggregate of country charts ({plain(points['value'])} points on {day(flixpatrol['as_of'])}, "
             f"rows F003 and F004)"),
    ])


def _country_rank(claim_id: str, fact_id: str, country: str, data_dir=None) -> tuple[str, str]:
    seed_rank = seed_number(claim_id, -1, data_dir)
    press = int(float(register_row(fact_id, data_dir)["value"]))
    return verdict([
        Part(press == seed_rank,
             f"press reports based on FlixPatrol give {ordinal(press)} in {country} (rows {fact_id} and F194)"
             + (", as the seed does" if press == seed_rank else f", not the seed's {ordinal(seed_rank)}")),
        Part(None, f"Netflix's own country list for {country} is not in the book's data"),
    ])


def check_us_rank(data_dir=None) -> tuple[str, str]:
    """C07: 5th in the United States."""
    return _country_rank("C07", "F005", "the United States", data_dir)


def check_france_rank(data_dir=None) -> tuple[str, str]:
    """C08: 3rd in France."""
    return _country_rank("C08", "F006", "France", data_dir)


def check_asia_latin_america(data_dir=None) -> tuple[str, str]:
    """C09: 'dominating in Asia and Latin America'."""
    first_places = register_row("F007", data_dir)
    others = register_row("F008", data_dir)
    countries = register_row("F031", data_dir)
    return verdict([
        Part(int(float(first_places["value"])) == 1, f"row F007: {first_places['claim']}"),
        Part(True, f"row F008: {others['claim']}"),
        Part(True, f"row F031: in the top 10 of {plain(countries['value'])} countries in the week "
                   f"{' to '.join(day(d) for d in str(countries['as_of']).split('/'))}"),
        Part(None, "'dominating' is the article's judgement, which ranks alone cannot test"),
    ])


WAVVE_LOSS_ROWS = ("F092", "F094", "F096", "F098", "F101", "F103")


def check_wavve_finances(data_dir=None) -> tuple[str, str]:
    """C10: Wavve's financial struggles and scaled-back content investment."""
    rows = [register_row(fact_id, data_dir) for fact_id in WAVVE_LOSS_ROWS]
    years = [int(row["as_of"]) for row in rows]
    if years != list(range(years[0], years[0] + len(years))):
        raise ValueError(f"data/facts.csv, rows {', '.join(WAVVE_LOSS_ROWS)}: years {years} are not consecutive")
    losses = [float(row["value"]) for row in rows]
    dramas = register_row("F105", data_dir)
    return verdict([
        Part(all(loss > 0 for loss in losses),
             f"Wavve posted an operating loss in every year from {years[0]} to {years[-1]} "
             f"({', '.join(plain(x) for x in losses)} billion KRW; rows {WAVVE_LOSS_ROWS[0]} to {WAVVE_LOSS_ROWS[-1]})"),
        Part(float(dramas["value"]) == 0,
             f"it had {'no' if float(dramas['value']) == 0 else plain(dramas['value'])} original dramas scheduled "
             f"for {dramas['as_of']} (row F105)"),
    ])


def check_season2_handoff(data_dir=None) -> tuple[str, str]:
    """C11: the hand-off of Season 2, decided with the production company."""
    reported = register_row("F204", data_dir)
    announced = register_date("F205", data_dir)
    consulted = _register(data_dir)["claim"].str.contains("consult", case=False)
    return verdict([
        Part("no longer had the means to invest" in reported["claim"],
             f"JTBC reported on {day(reported['value'])} that Season 2 would go to Netflix because Wavve no longer "
             f"had the means to invest (row F204), and Netflix confirmed the production on {day(announced)} "
             f"(row F205)"),
        Part(True if consulted.any() else None,
             "no row of the facts register describes a consultation with the production company"
             if not consulted.any() else "the register describes the consultation"),
    ])


def check_season1_earlier_this_month(data_dir=None) -> tuple[str, str]:
    """C12: 'Netflix dropped Season 1 earlier this month'."""
    published = article_date(data_dir)
    release = register_date("F001", data_dir)
    same_month = release.to_period("M") == published.to_period("M")
    return verdict([
        Part(bool(release < published),
             f"Netflix released Season 1 on {day(release)} (row F001), {(published - release).days} days before "
             f"the article of {day(published)}"),
        Part(bool(same_month and release < published),
             "in the same month" if same_month else f"in {release:%B}, the month before the article's"),
    ])


def check_adapted_from_webtoon(data_dir=None) -> tuple[str, str]:
    """C13: based on a popular Naver webtoon."""
    row = weak_hero_top250_row(data_dir)
    tag = "Adapted From A Webtoon"
    tags = [t.strip() for t in str(row["Tags"]).split(",")]
    naver = any("naver" in str(value).lower() for value in row.to_numpy())
    return verdict([
        Part(tag in tags, f"MyDramaList tags the drama '{tag}'"),
        Part(True if naver else None,
             "MyDramaList names Naver" if naver else
             "the publisher (Naver) and the webtoon's popularity are not in the book's data"),
    ])


def check_supporting_cast(data_dir=None) -> tuple[str, str]:
    """C15: the three actors the show 'helped spotlight'."""
    names = re.split(r",\s*(?:and\s+)?", seed_excerpt("C15", data_dir).split("such as", 1)[1])
    names = [name.strip() for name in names if name.strip()]
    cast = [name.strip() for name in str(weak_hero_top250_row(data_dir)["Cast"]).split(",")]
    cast_keys = {name_key(name): name for name in cast}
    found = [cast_keys[name_key(name)] for name in names if name_key(name) in cast_keys]
    return verdict([
        Part(len(found) == len(names),
             f"MyDramaList's cast list includes {len(found)} of the {len(names)} actors named ({', '.join(found)})"),
        Part(None, "whether the show 'spotlighted' them is a judgement the data cannot test"),
    ])


def advertising_parts(data_dir=None) -> tuple[dict, list[Part]]:
    """The book's one advertising stance (chapter 3), as a part of a claim."""
    stance = production.advertising_stance(data.load_resource("industry_series", data_dir))
    falling = stance["stance"].startswith("fell in every year after its peak")
    rising = stance["stance"].startswith("at its highest")
    part = Part(True if falling else (False if rising else None),
                f"the KCC broadcast advertising series {stance['stance']}: from {stance['peak_value']:.2f} trillion "
                f"KRW in {stance['peak_year']} to {stance['last_value']:.2f} in {stance['last_year']} "
                f"({stance['basis']})")
    return stance, [part]


def check_ad_market_shrinking(data_dir=None) -> tuple[str, str]:
    """C16: 'the broadcasting ad market continues to shrink'."""
    _, parts = advertising_parts(data_dir)
    return verdict(parts)


COST_ROWS = ("F163", "F164", "F165")


def check_production_costs(data_dir=None) -> tuple[str, str]:
    """C17: 'production costs climb'."""
    association = register_row("F168", data_dir)
    low = float(str(association["value"]).split("-")[0])
    rows = [register_row(fact_id, data_dir) for fact_id in COST_ROWS]
    early, later = float(rows[0]["value"]), [float(row["value"]) for row in rows[1:]]
    return verdict([
        Part(low > 1, f"the drama producers' association says costs rose {association['value']} times in two to "
                      f"three years (row F168)"),
        Part(all(value > early for value in later),
             f"reported per-episode budgets rise from a typical {plain(early)} billion KRW in {rows[0]['as_of']} to "
             f"{' and '.join(plain(v) for v in later)} billion KRW for single {rows[1]['as_of']} titles "
             f"(rows {COST_ROWS[0]} to {COST_ROWS[-1]})"),
        Part(None, "these are single titles, not a series of average costs, which the data do not hold"),
    ])


def check_reliance_on_netflix(data_dir=None) -> tuple[str, str]:
    """C18: 'the industry's reliance on Netflix is accelerating'."""
    events = migration.load_migration_events(data_dir)
    moves = events[events["to_platform"].eq("Netflix") & events["direction"].eq("to Netflix")]
    moves = moves[moves["from_platform"].notna() & moves["from_platform"].ne("")]
    verdict_text = korean_share_verdict_text(data_dir)
    first_quarter, last_quarter = migration.FIT_WINDOW
    # Only a rise in every fitting window supports "accelerating"; a fall in every
    # window contradicts it; anything else leaves this part untested.
    share_part = Part(True if verdict_text.startswith("rising") else
                      (False if verdict_text.startswith("falling") else None),
                      f"the Korean share of Netflix's non-English TV Top 10 from {first_quarter} to {last_quarter}: "
                      f"{verdict_text}")
    storylines = sorted(moves["storyline"].unique())
    return verdict([
        Part(len(storylines) > 0,
             f"titles or supply moved from a domestic platform or broadcaster to Netflix in "
             f"{len(storylines)} storylines between {day(moves['date'].min())} and {day(moves['date'].max())} "
             f"({'; '.join(storylines)}; the book's migration events)"),
        share_part,
    ])


def korean_share_verdict_text(data_dir=None) -> str:
    """The book's one verdict on the Korean share of the non-English TV Top 10 (chapter 2)."""
    _, _, text = migration.korean_share_evidence(data.load_top10_weekly(data_dir), data.load_engagement(data_dir),
                                                 data.load_netflix_catalogue_2021(data_dir))
    return text


def check_crime_scene_tving(data_dir=None) -> tuple[str, str]:
    """C19: Crime Scene returned via Tving 'last year' after a seven-year hiatus."""
    hiatus = seed_number("C19", data_dir=data_dir)
    span = register_row("F026", data_dir)
    last_jtbc = int(str(span["value"]).split("-")[-1])
    tving = migration_event("E08", data_dir)
    returned = pd.Timestamp(tving["date"]).year
    published = article_date(data_dir)
    return verdict([
        Part(returned == published.year - 1 and tving["to_platform"] == "Tving",
             f"season 4 streamed on {tving['to_platform']} in {returned}, the year before the article (row F026)"),
        Part(returned - last_jtbc == hiatus,
             f"the JTBC seasons ran {span['value']}, a gap of {returned - last_jtbc} years"),
    ])


def check_crime_scene_zero_netflix(data_dir=None) -> tuple[str, str]:
    """C20: a new season, Crime Scene Zero, on Netflix."""
    premiere = register_date("F027", data_dir)
    event = migration_event("E19", data_dir)
    return verdict([
        Part(event["to_platform"] == "Netflix" and premiere > article_date(data_dir),
             f"Crime Scene Zero premiered on {event['to_platform']} on {day(premiere)} (row F027), after the article"),
    ])


def check_crime_scene_fifth_season(data_dir=None) -> tuple[str, str]:
    """C21: 'its fifth season as a Netflix original'."""
    fifth = seed_number("C21", data_dir=data_dir)
    claim = str(register_row("F026", data_dir)["claim"])
    ranges = [int(n) for n in re.findall(r"seasons? (?:\d+-)?(\d+)", claim)]
    earlier = max(ranges) if ranges else 0
    return verdict([
        Part(earlier + 1 == fifth, f"Crime Scene Zero follows {earlier} earlier seasons (row F026), which makes it the "
                                      f"{ordinal(earlier + 1)}"),
        Part(False if "reboot" in claim else True,
             "the sources call it a reboot rather than a numbered season" if "reboot" in claim
             else "the sources number it as a season"),
    ])


def check_beat_coin_cancelled(data_dir=None) -> tuple[str, str]:
    """C22: Beat Coin cancelled for low ratings."""
    row = register_row("F029", data_dir)
    return verdict([
        Part("cancelled" in row["claim"], f"KBS cancelled Beat Coin after ratings of around {plain(row['value'])} "
                                          f"percent (row F029)"),
    ])


def check_screwballs_netflix(data_dir=None) -> tuple[str, str]:
    """C23: Beat Coin re-emerged as Screwballs, 'also exclusive to Netflix'."""
    premiere = register_date("F028", data_dir)
    event = migration_event("E14", data_dir)
    exclusive = _register(data_dir).loc[["F028", "F186", "F202"], "claim"].str.contains("exclusive", case=False)
    return verdict([
        Part(event["to_platform"] == "Netflix" and "original cast" in str(register_row("F028", data_dir)["claim"]),
             f"Screwballs, the Netflix revival of Beat Coin with its original cast and producer, premiered on "
             f"{day(premiere)} (row F028)"),
        Part(True if exclusive.any() else None, "no stored source says whether it is exclusive to Netflix"
             if not exclusive.any() else "a source calls it exclusive"),
    ])


def check_wavve_supply_contract(data_dir=None) -> tuple[str, str]:
    """C24: Wavve's 'exclusive deal' with the three broadcasters expired."""
    row = register_row("F025", data_dir)
    expiry = pd.Period(row["value"], freq="M")
    published = article_date(data_dir)
    capped = "capped" in row["claim"]
    return verdict([
        Part(bool(expiry < published.to_period("M")),
             f"the contract was due to expire in {expiry.strftime('%B %Y')}, before the article (row F025)"),
        Part(False if capped else None,
             "it capped what the broadcasters could give other OTTs rather than granting exclusivity"
             if capped else "its terms are not in the data"),
    ])


def check_sbs_netflix_deal(data_dir=None) -> tuple[str, str]:
    """C25: SBS signed a six-year supply contract with Netflix."""
    years = seed_number("C25", data_dir=data_dir)
    term = register_row("F024", data_dir)
    filed = register_date("F023", data_dir)
    return verdict([
        Part(float(term["value"]) == years,
             f"SBS filed the partnership on {day(filed)} (row F023); it runs {plain(term['value'])} {term['unit']} from "
             f"{day(term['as_of'])} (row F024)"),
    ])


def check_kcc_report_date(data_dir=None) -> tuple[str, str]:
    """C26: 'a March 26 report by the Korea Communications Commission'."""
    excerpt = seed_excerpt("C26", data_dir)
    match = re.search(r"(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2})",
                      excerpt)
    if match is None:
        raise ValueError("data/claims_ledger.csv, claim C26: the excerpt gives no 'Month day' date")
    seed = pd.to_datetime(f"{match.group(2)} {match.group(1)} {article_date(data_dir).year}", format="%d %B %Y")
    released = register_date("F017", data_dir)
    status = compare_dates(seed, released)
    return status, (f"The KCC and KISDI released the 2024 Broadcasting Market Competition Assessment on "
                    f"{day(released)} (row F017).")


def check_seed_drama_count(data_dir=None) -> tuple[str, str]:
    """C27: original dramas fell from 115 (2022) to 90 (2023), by 21.7%."""
    table = data.load_resource("industry_series", data_dir)
    seed = production.series(table, "seed_original_dramas")
    kcc = register_row("F020", data_dir)
    change = register_row("F021", data_dir)
    first, last = seed.index.min(), seed.index.max()
    stated = seed_numbers(seed_excerpt("C27", data_dir))
    computed = 100 * (seed[last] / seed[first] - 1)
    status = seed_count_status(data_dir)
    evidence = (f"The pair {plain(seed[first])} ({first}) and {plain(seed[last])} ({last}) is in no stored source "
                f"but the article (row F022); reports of the same assessment give {plain(kcc['value'])} dramas in "
                f"{kcc['as_of']}, a change of {plain(change['value'])}% (rows F020 and F021); the article's own "
                f"arithmetic is consistent ({computed:.1f}%"
                + (f", as stated" if any(abs(abs(x) - abs(round(computed, 1))) < 1e-9 for x in stated) else "")
                + ").")
    return status, evidence


def seed_count_status(data_dir=None) -> str:
    """The production chapter's one verdict on the seed's drama count."""
    return production.seed_count_claim(data.load_resource("industry_series", data_dir))["status"]


def check_foreign_ott_titles(data_dir=None) -> tuple[str, str]:
    """C28: Korean titles on foreign OTTs grew from 21 to 30."""
    seed_from, seed_to = seed_number("C28", 0, data_dir), seed_number("C28", 1, data_dir)
    old, new = register_row("F018", data_dir), register_row("F019", data_dir)
    return verdict([
        Part(float(old["value"]) == seed_from and float(new["value"]) == seed_to,
             f"the KCC assessment counts {plain(old['value'])} ({old['as_of']}) and {plain(new['value'])} "
             f"({new['as_of']}) Korean titles on foreign OTT services (rows F018 and F019)"),
    ])


def check_advertising_downturn(data_dir=None) -> tuple[str, str]:
    """C30: 'last year's downturn in advertising hit the industry hard'."""
    stance, parts = advertising_parts(data_dir)
    ads = production.series(data.load_resource("industry_series", data_dir), production.ADVERTISING_SERIES)
    year = article_date(data_dir).year - 1
    if year not in ads.index or year - 1 not in ads.index:
        raise ValueError(f"data/derived/industry_series.csv: the advertising series lacks {year - 1} or {year}")
    change = 100 * (ads[year] / ads[year - 1] - 1)
    loss = register_row("F085", data_dir)
    return verdict(parts + [
        Part(bool(change < 0), f"it changed by {change:.1f}% in {year}, the year before the article"),
        Part(float(loss["value"]) < 0,
             f"terrestrial broadcasters posted a combined operating result of {plain(loss['value'])} billion KRW in "
             f"{loss['as_of']} (row F085)"),
    ])


EXPORT_ROWS = ("F088", "F090", "F091")


def check_programme_sales_overseas(data_dir=None) -> tuple[str, str]:
    """C32: broadcasters earned money by selling shows overseas after airing them at home."""
    rows = [register_row(fact_id, data_dir) for fact_id in EXPORT_ROWS]
    values = [float(row["value"]) for row in rows]
    sales = register_row("F087", data_dir)
    return verdict([
        Part(all(b > a for a, b in zip(values, values[1:])),
             f"broadcast programme exports grew from {plain(values[0])} million USD in {rows[0]['as_of']} to "
             f"{plain(values[-1])} million in {rows[-1]['as_of']} (rows {', '.join(EXPORT_ROWS)})"),
        Part("below programme-sales revenue" in sales["claim"],
             f"in {sales['as_of']} terrestrial advertising revenue fell below programme-sales revenue for the "
             f"first time (row F087)"),
    ])


DATASET_CHECKS: dict[str, Callable[..., tuple[str, str]]] = {
    "wavve_original_2022": check_wavve_original_2022,
    "lead_actor": check_lead_actor,
    "season2_netflix_series": check_season2_netflix_series,
    "season2_premiere_month": check_season2_premiere_month,
    "season1_release_date": check_season1_release_date,
    "official_rank_first_week": check_official_rank_first_week,
    "us_rank": check_us_rank,
    "france_rank": check_france_rank,
    "asia_latin_america": check_asia_latin_america,
    "wavve_finances": check_wavve_finances,
    "season2_handoff": check_season2_handoff,
    "season1_earlier_this_month": check_season1_earlier_this_month,
    "adapted_from_webtoon": check_adapted_from_webtoon,
    "supporting_cast": check_supporting_cast,
    "ad_market_shrinking": check_ad_market_shrinking,
    "production_costs": check_production_costs,
    "reliance_on_netflix": check_reliance_on_netflix,
    "crime_scene_tving": check_crime_scene_tving,
    "crime_scene_zero_netflix": check_crime_scene_zero_netflix,
    "crime_scene_fifth_season": check_crime_scene_fifth_season,
    "beat_coin_cancelled": check_beat_coin_cancelled,
    "screwballs_netflix": check_screwballs_netflix,
    "wavve_supply_contract": check_wavve_supply_contract,
    "sbs_netflix_deal": check_sbs_netflix_deal,
    "kcc_report_date": check_kcc_report_date,
    "seed_drama_count": check_seed_drama_count,
    "foreign_ott_titles": check_foreign_ott_titles,
    "advertising_downturn": check_advertising_downturn,
    "programme_sales_overseas": check_programme_sales_overseas,
}


# --- the ledger as a whole ------------------------------------------------------------

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
        if not has_check and row["status"] != "not verifiable offline":
            problems.append(f"{where}: status {row['status']!r} without a check; only 'not verifiable "
                            "offline' needs none")
        if row["examined_in"] not in toc_files:
            problems.append(f"{where}: examined_in {row['examined_in']!r} is not a page of the book")
    return problems


def run_dataset_checks(ledger: pd.DataFrame, data_dir=None) -> pd.DataFrame:
    """Run every named check; one row per claim that has one, sorted by claim.

    Columns: ``claim_id``, ``check``, ``ledger status`` (the file's),
    ``computed status`` (the check's), ``evidence`` (the check's sentence) and
    ``agrees`` (the two statuses are the same).
    """
    rows = []
    for _, claim in ledger[ledger["dataset_check"].notna()].iterrows():
        name = claim["dataset_check"]
        if name not in DATASET_CHECKS:
            raise ValueError(f"data/claims_ledger.csv, claim {claim['claim_id']}: unknown dataset check {name!r}")
        status, evidence = DATASET_CHECKS[name](data_dir)
        if status not in STATUSES:
            raise ValueError(f"check {name!r} returned the unknown status {status!r}")
        rows.append({"claim_id": claim["claim_id"], "check": name, "ledger status": claim["status"],
                     "computed status": status, "evidence": evidence, "agrees": status == claim["status"]})
    columns = ["claim_id", "check", "ledger status", "computed status", "evidence", "agrees"]
    return pd.DataFrame(rows, columns=columns).sort_values("claim_id", ignore_index=True)


def claim_status(claim_id: str, data_dir=None) -> str:
    """The status of one claim, computed by its check (or, without one, the ledger's)."""
    claims = load_claims_ledger(data_dir).set_index("claim_id")
    if claim_id not in claims.index:
        raise KeyError(f"data/claims_ledger.csv has no claim {claim_id!r}")
    name = claims.loc[claim_id, "dataset_check"]
    if isinstance(name, str) and name:
        return DATASET_CHECKS[name](data_dir)[0]
    return str(claims.loc[claim_id, "status"])


def glue_claim_status(claim_id: str, data_dir=None) -> str:
    """Glue one claim's status under ``ev_claim_<claim_id>_status``; return it."""
    from korean_ott.glue import glue_text

    return glue_text(STATUS_KEY.format(claim_id=claim_id), claim_status(claim_id, data_dir))


def glue_claim_statuses(checks: pd.DataFrame) -> dict[str, str]:
    """Glue every checked claim's computed status (from :func:`run_dataset_checks`)."""
    from korean_ott.glue import glue_text

    return {STATUS_KEY.format(claim_id=row["claim_id"]): glue_text(STATUS_KEY.format(claim_id=row["claim_id"]),
                                                                   row["computed status"])
            for _, row in checks.iterrows()}
