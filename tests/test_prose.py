"""The readers of the book's pages: glue records, references and typed numbers."""

from __future__ import annotations

import json

import pytest

from korean_ott import prose


def notebook(tmp_path, name, cells):
    path = tmp_path / name
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def glue_output(key, text):
    return {"output_type": "display_data", "metadata": {"scrapbook": {"name": key, "mime_prefix": prose.GLUE_MIME}},
            "data": {prose.TEXT_MIME: text}}


def code(*outputs):
    return {"cell_type": "code", "source": "", "outputs": list(outputs), "metadata": {}}


def markdown(text):
    return {"cell_type": "markdown", "source": text, "metadata": {}}


def test_glue_records_read_stored_values(tmp_path):
    path = notebook(tmp_path, "a.ipynb", [code(glue_output("ev_x", "0.98"), glue_output("n", "12"))])
    assert prose.glue_records(path) == {"ev_x": "0.98", "n": "12"}


def test_a_key_glued_twice_with_different_values_is_an_error(tmp_path):
    path = notebook(tmp_path, "a.ipynb", [code(glue_output("k", "1")), code(glue_output("k", "2"))])
    with pytest.raises(ValueError, match=r"a.ipynb, cell 1: key 'k' glued twice"):
        prose.glue_records(path)


def test_shared_keys_must_agree_but_local_keys_may_differ():
    pages = {"a.ipynb": {"ev_or": "0.98", "n": "1"}, "b.ipynb": {"ev_or": "0.97", "n": "2"},
             "c.ipynb": {"ev_or": "0.98"}}
    problems = prose.shared_key_conflicts(pages)
    assert problems == ["ev_or differs between pages (a.ipynb: 0.98; b.ipynb: 0.97; c.ipynb: 0.98)"]


def test_cross_page_references_resolve(tmp_path):
    owner = notebook(tmp_path, "02-x.ipynb", [code(glue_output("ev_or", "0.98"))])
    reader = notebook(tmp_path, "05-y.ipynb", [
        markdown("Ratio {glue:text}`02-x.ipynb::ev_or:.2f`, missing {glue:text}`02-x.ipynb::ev_gone:s`, "
                 "no spec {glue:text}`02-x.ipynb::ev_or`, plain role {glue}`02-x.ipynb::ev_or`."),
        markdown("```{glue:figure} 02-x.ipynb::fig_absent\n:name: f\n```")])
    page = tmp_path / "intro.md"
    page.write_text("Local {glue:text}`nothing_here` and {glue:text}`elsewhere.ipynb::k:s`.")
    problems = prose.broken_cross_references([owner, reader, page])
    assert problems == [
        "05-y.ipynb, cell 0: 02-x.ipynb glues no key 'ev_gone'",
        "05-y.ipynb, cell 0: cross-page {glue:text} reference to 02-x.ipynb::ev_or needs a format spec "
        "(:s for text, :d or :.1f for numbers)",
        "05-y.ipynb, cell 1: 02-x.ipynb glues no key 'fig_absent'",
        "intro.md: glue reference to intro.md::nothing_here, which is not a notebook of the book",
        "intro.md: glue reference to elsewhere.ipynb::k, which is not a notebook of the book",
    ]


@pytest.mark.parametrize("text", [
    "The ratio is {glue:text}`ev_or` (95% CI {glue:text}`lo` to {glue:text}`hi`).",
    "Row F012 and claim C05, prediction B2, in 2023Q1 and H1, over 2019–2023, in 2024.",
    "Weak Hero Class 1 reached #2 in the Top 10; see Chapter 3 and Table 2.1.",
    "As chapters 1 to 4 and chapters 2 and 3 show; exercises 1, 2 and 3.",
    "The interval includes 1. Text is CC BY 4.0; built with Jupyter Book 1.x on Debian 12.",
    "Math $x_1 = 2$ and code `f(3)` and a [link](https://example.org/3).",
    "```python\nx = 0.4\n```",
    "It premiered on 25 April 2025 (row F038).",
    "```{solution} ex-1\n:label: sol-1\n```",
])
def test_conventions_and_computed_numbers_are_not_typed(text):
    assert prose.typed_numbers_in("p", text) == []


@pytest.mark.parametrize("text, numbers", [
    ("Views fell by 23.5% to 1,900 hours.", ["23.5", "1,900"]),
    ("It premiered on 25 April 2025.", ["25"]),
    ("```{figure} x.png\n:alt: Three bars; the tallest is 12 million.\n```", ["12"]),
    ("```{solution} ex-1\nThe answer is 42.\n```", ["42"]),
])
def test_typed_numbers_are_found(text, numbers):
    assert [n.number for n in prose.typed_numbers_in("p", text)] == numbers


def test_reading_time_counts_prose_words_only(tmp_path):
    text = "word " * 898 + "{glue:text}`ev_key` `code`" + "\n```python\n" + "code " * 5000 + "\n```\n" + "word word"
    page = tmp_path / "p.md"
    page.write_text(text)
    assert prose.prose_words(page) == 900
    assert prose.reading_minutes(page, words_per_minute=180) == 5
    page.write_text("word " * 1000)
    assert prose.reading_minutes(page, words_per_minute=180) == 10
