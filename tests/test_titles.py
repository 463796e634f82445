"""Title handling and the identification of Korean titles in the Top 10."""

from __future__ import annotations

import pandas as pd
import pytest

from korean_ott.titles import (has_hangul, hangul_mask, identify_korean_top10, split_title,
                               title_key, top10_title_key)


@pytest.mark.parametrize(("text", "expected"), [
    ("약한영웅", True),
    ("Weak Hero: Class 1 // 약한영웅: Class 1", True),
    ("ㅋㅋ", True),                   # compatibility Jamo
    ("\u1100\u1161", True),           # conjoining Jamo
    ("Weak Hero: Class 1", False),
    ("Money Heist: Part 1 // La casa de papel: Parte 1", False),
    ("進撃の巨人", False),             # Japanese, not Hangul
    ("", False),
    (None, False),
    (float("nan"), False),
    (pd.NA, False),
    (42, False),
])
def test_has_hangul(text, expected):
    assert has_hangul(text) is expected


@pytest.mark.parametrize(("title", "parts"), [
    ("Weak Hero: Class 1 // 약한영웅: Class 1", ("Weak Hero: Class 1", "약한영웅: Class 1")),
    ("Red Notice", ("Red Notice", None)),
    ("  Red Notice  ", ("Red Notice", None)),
    ("Money Heist: Part 1 // La casa de papel: Parte 1", ("Money Heist: Part 1", "La casa de papel: Parte 1")),
    ("AC/DC", ("AC/DC", None)),       # a single slash is not the separator
    ("A // B // C", ("A", "B // C")),  # only the first separator splits
])
def test_split_title(title, parts):
    assert split_title(title) == parts


def test_hangul_mask():
    titles = pd.Series(["약한영웅", "Red Notice", None, pd.NA], dtype="object")
    mask = hangul_mask(titles)
    assert mask.dtype == bool
    assert mask.tolist() == [True, False, False, False]
    assert hangul_mask(pd.Series(["약한영웅", pd.NA], dtype="string")).tolist() == [True, False]


@pytest.mark.parametrize(("a", "b"), [
    ("Don\u2019t Look Up", "don't look up"),                                   # curly apostrophe
    ("\u2018Weak Hero\u2019", "'weak hero'"),
    ("Money Heist: Korea \u2013 Joint Economic Area", "money heist: korea - joint economic area"),  # en dash
    ("Money Heist: Korea \u2014 Joint Economic Area", "money heist: korea - joint economic area"),  # em dash
    ("WEAK HERO: CLASS 1", "weak hero: class 1"),                               # case
    ("  Weak   Hero:\tClass\u00a01  ", "weak hero: class 1"),                   # spaces, tab, NBSP
    ("ＷＥＡＫ ＨＥＲＯ", "weak hero"),                                          # full width (NFKC)
    ("Straße", "strasse"),                                                     # casefold, not lower
])
def test_title_key_normalises(a, b):
    assert title_key(a) == b
    assert title_key(a) == title_key(b)


def test_title_key_keeps_distinct_titles_apart():
    assert title_key("Weak Hero: Class 1") != title_key("Weak Hero: Class 2")
    assert title_key("약한영웅") == "약한영웅"


def test_top10_title_key():
    top10 = pd.DataFrame({
        "category": ["TV (Non-English)", "Films (Non-English)", "TV (English)"],
        "show_title": ["Weak Hero", "Parasite", "Some Show"],
        "season_title": ["Weak Hero: Class 1", "N/A", "N/A"],
    }, dtype="string")
    assert top10_title_key(top10).tolist() == ["weak hero: class 1", "parasite", "some show"]


@pytest.fixture
def tiny_frames():
    top10 = pd.DataFrame({
        "category": ["TV (Non-English)", "TV (Non-English)", "Films (English)", "TV (English)"],
        "show_title": ["Weak Hero", "Kingdom", "Red Notice", "Brand New Show"],
        "season_title": ["Weak Hero: Class 1", "Kingdom: Season 1", "N/A", "Brand New Show: Season 1"],
    }, dtype="string")
    engagement = pd.DataFrame({"title": [
        "Weak Hero: Class 1 // 약한영웅: Class 1",    # Korean by its Hangul name
        "Red Notice",                                # known, not Korean
        "Money Heist: Part 1 // La casa de papel: Parte 1",
    ]}, dtype="string")
    catalogue = pd.DataFrame({
        "title": ["Kingdom", "Red Notice", "Unknown Country"],
        "country": ["South Korea", "United States", pd.NA],
    }, dtype="string")
    return top10, engagement, catalogue


def test_identify_korean_top10_tiny(tiny_frames):
    top10, engagement, catalogue = tiny_frames
    marked = identify_korean_top10(top10, engagement, catalogue)
    assert marked["is_korean"].tolist() == [True, True, False, False]
    assert marked["identifiable"].tolist() == [True, True, True, False]
    assert marked["korean_evidence"].tolist() == ["engagement report", "catalogue 2021", pd.NA, pd.NA]
    assert marked["title_key"].tolist() == [
        "weak hero: class 1", "kingdom: season 1", "red notice", "brand new show: season 1"]
    # The input is not modified.
    assert "is_korean" not in top10.columns
    pd.testing.assert_index_equal(marked.index, top10.index)


def test_identify_prefers_engagement_evidence(tiny_frames):
    top10, engagement, catalogue = tiny_frames
    catalogue = pd.concat([catalogue, pd.DataFrame(
        {"title": ["Weak Hero"], "country": ["South Korea, United States"]}, dtype="string")],
        ignore_index=True)
    marked = identify_korean_top10(top10, engagement, catalogue)
    assert marked.loc[0, "korean_evidence"] == "engagement report"


def test_identify_matches_typographic_variants(tiny_frames):
    top10, engagement, catalogue = tiny_frames
    engagement = pd.DataFrame({"title": ["WEAK  HERO: Class 1 // 약한영웅: Class 1"]}, dtype="string")
    marked = identify_korean_top10(top10, engagement, catalogue)
    assert bool(marked.loc[0, "is_korean"])


@pytest.fixture(scope="module")
def marked_real(top10_weekly, engagement, catalogue):
    return identify_korean_top10(top10_weekly, engagement, catalogue)


def test_real_weak_hero_rows_are_korean(marked_real):
    weak_hero = marked_real[marked_real["show_title"].str.contains("Weak Hero", regex=False)]
    assert len(weak_hero) == 9
    assert weak_hero["is_korean"].all()
    assert weak_hero["identifiable"].all()
    assert (weak_hero["korean_evidence"] == "engagement report").all()


def test_real_money_heist_spanish_is_not_korean(marked_real):
    spanish = marked_real[marked_real["show_title"] == "Money Heist"]
    assert len(spanish) > 0
    assert not spanish["is_korean"].any()
    assert spanish["identifiable"].all()
    assert spanish["korean_evidence"].isna().all()
    # ... while the Korean remake is Korean.
    remake = marked_real[marked_real["show_title"].str.startswith("Money Heist: Korea")]
    assert len(remake) > 0 and remake["is_korean"].all()


def test_real_marks_are_consistent(marked_real):
    assert len(marked_real) == 10_560
    assert (marked_real["is_korean"] <= marked_real["identifiable"]).all()
    assert (marked_real["is_korean"] == marked_real["korean_evidence"].notna()).all()
    assert marked_real["is_korean"].sum() > 500
