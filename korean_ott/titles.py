"""Title handling: Netflix writes a non-English original name after `` // ``."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

#: Hangul syllables, Jamo and compatibility Jamo. A title containing any of
#: these carries a Korean original name; see :func:`has_hangul` for the limits.
HANGUL = re.compile(r"[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]")

TITLE_SEPARATOR = " // "


def has_hangul(text: object) -> bool:
    """True when ``text`` contains at least one Hangul character.

    This is the book's objective marker of a Korean title in Netflix's
    engagement reports, where Netflix appends the original-language name.
    It misses Korean titles released under an English original name and
    would count a non-Korean title whose original name is in Hangul.
    """
    return isinstance(text, str) and bool(HANGUL.search(text))


def split_title(title: str) -> tuple[str, str | None]:
    """Split ``"English // Original"`` into its two parts (original may be None)."""
    english, sep, original = title.partition(TITLE_SEPARATOR)
    return english.strip(), (original.strip() if sep else None)


def hangul_mask(titles: pd.Series) -> pd.Series:
    """Boolean Series: which titles carry Hangul (missing titles count as False)."""
    return titles.map(has_hangul).astype(bool)


_PLAIN_PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})
_WHITE_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=None)
def title_key(title: str) -> str:
    """A matching key: Unicode-normalised, case-folded, typographic quotes and
    dashes made plain, runs of white space collapsed. (Cached: the Top 10 and the
    engagement reports repeat the same titles hundreds of thousands of times.)"""
    key = unicodedata.normalize("NFKC", title).casefold().strip()
    key = key.translate(_PLAIN_PUNCTUATION)
    return _WHITE_SPACE.sub(" ", key)


def top10_title_key(top10: pd.DataFrame) -> pd.Series:
    """The key a Top 10 row is matched on: the season title for TV, the title for films.

    Netflix's Top 10 season titles ("Weak Hero: Class 1") are written like the
    English part of engagement-report titles ("Weak Hero: Class 1 // 약한영웅: Class 1").
    A few TV rows have season_title 'N/A'; they fall back to the show title.
    """
    use_show = top10["category"].str.startswith("Films") | (top10["season_title"] == "N/A")
    return top10["season_title"].where(~use_show, top10["show_title"]).map(title_key)


def identify_korean_top10(top10: pd.DataFrame, engagement: pd.DataFrame,
                          catalogue: pd.DataFrame) -> pd.DataFrame:
    """Mark which Top 10 rows are Korean titles, and which could be checked at all.

    Method (documented in the chapters): a Top 10 row is *Korean* when its key
    matches the English part of an engagement-report title that carries Hangul
    (reports H1 2023 to H1 2025), or a title of the September 2021 catalogue whose
    production countries include South Korea. It is *identifiable* when its key
    matches any engagement-report title or any catalogue title, Korean or not.
    Rows that are not identifiable (mostly titles first shown after June 2025)
    are neither counted as Korean nor as non-Korean.

    Returns a copy of ``top10`` with columns ``title_key``, ``is_korean``,
    ``identifiable`` and ``korean_evidence`` ('engagement report', 'catalogue
    2021' or missing).
    """
    english_parts = engagement["title"].map(lambda t: title_key(split_title(t)[0]))
    korean_in_reports = set(english_parts[hangul_mask(engagement["title"])])
    korean_country = catalogue["country"].fillna("").str.contains("South Korea", regex=False)
    catalogue_keys = catalogue["title"].map(title_key)
    korean_in_catalogue = set(catalogue_keys[korean_country])
    known = set(english_parts) | set(catalogue_keys)

    marked = top10.copy()
    marked["title_key"] = top10_title_key(top10)
    show_key = top10["show_title"].map(title_key)
    by_report = marked["title_key"].isin(korean_in_reports)
    by_catalogue = show_key.isin(korean_in_catalogue) | marked["title_key"].isin(korean_in_catalogue)
    marked["is_korean"] = by_report | by_catalogue
    marked["identifiable"] = marked["is_korean"] | marked["title_key"].isin(known) | show_key.isin(known)
    evidence = pd.Series(pd.NA, index=marked.index, dtype="string")
    evidence[by_catalogue] = "catalogue 2021"
    evidence[by_report] = "engagement report"
    marked["korean_evidence"] = evidence
    return marked
