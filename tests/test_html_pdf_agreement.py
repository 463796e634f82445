"""The HTML and the PDF are one book: same numbers, same computed values, whole tables.

* Every numbered chapter, section, figure and table carries the same number in
  the HTML (``span.section-number`` and ``span.caption-number``) and in the PDF
  (the ``\\newlabel`` entries of ``_build/latex/book.aux``: LaTeX numbers the PDF
  itself). Sphinx's LaTeX labels are ``<page>:<id>`` for the HTML's ``id`` on
  ``<page>.html``, and ``<page>::doc`` for the page itself.
* Every ``{numref}`` in the HTML names the number its target has in the PDF.
* Every glued value (``{glue:text}``, ``<span class="pasted-text">`` in the HTML)
  is printed identically in the PDF (compared with whitespace collapsed, across
  line breaks, with or without the hyphen LaTeX adds when it breaks a word).
* No table, in either, is cut by a display limit: no pandas ``...`` rows, no
  "[124 rows x 5 columns]" footer, no "rows shown here" note.

`make test` builds the book first and sets BOOK_BUILT=1, so these tests fail
there if anything is missing; run alone without a build, they are skipped.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from korean_ott.citation import toc_pages

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
LATEX = ROOT / "_build" / "latex"
PDF = LATEX / "book.pdf"
AUX = LATEX / "book.aux"

pytestmark = pytest.mark.skipif(
    not os.environ.get("BOOK_BUILT") and not (HTML.exists() and PDF.exists()),
    reason="the book is not built; `make test` builds it first")

#: A number as the book writes it: 3, 2.4, A, B.1.2.
NUMBER = re.compile(r"(?:\d+|[A-Z])(?:\.\d+)*")


# --- the PDF's side ---------------------------------------------------------------

@functools.cache
def latex_numbers() -> dict[str, str]:
    """Label -> number from book.aux ('' for an unnumbered chapter or section)."""
    assert AUX.exists(), "_build/latex/book.aux missing: run `make book`"
    numbers = {}
    for match in re.finditer(r"^\\newlabel\{([^{}]+)\}\{\{([^{}]*)\}",
                             AUX.read_text(encoding="utf-8"), re.MULTILINE):
        numbers[match.group(1)] = match.group(2)
    return numbers


@functools.cache
def pdf_pages() -> tuple[str, ...]:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed to read the PDF"
    assert PDF.exists(), "_build/latex/book.pdf missing: run `make book`"
    out = subprocess.run([tool, "-enc", "UTF-8", str(PDF), "-"], check=True, capture_output=True,
                         text=True).stdout
    return tuple(out.split("\f")[:-1])


@functools.cache
def pdf_layout_text() -> str:
    out = subprocess.run([shutil.which("pdftotext"), "-layout", "-enc", "UTF-8", str(PDF), "-"],
                         check=True, capture_output=True, text=True).stdout
    return out


def running_heads() -> set[str]:
    """Every running head the PDF can print: a chapter's title with or without its number."""
    heads = {"Contents", "List of Figures", "List of Tables"}
    for page, info in html_pages().items():
        heads.add(info["title"])
        if info["number"]:
            heads.add(f"{info['number']} {info['title']}")
    return heads


def is_running_head(line: str, heads: set[str]) -> bool:
    line = " ".join(line.split())
    if line in heads:
        return True
    return line.endswith("…") and any(head.startswith(line[:-1].rstrip()) for head in heads)


@functools.cache
def pdf_body() -> str:
    """The PDF's text without running heads and page numbers, pages joined."""
    heads = running_heads()
    body = []
    for page in pdf_pages():
        lines = page.rstrip("\n").split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines and is_running_head(lines[0], heads):
            lines.pop(0)
        while lines and (not lines[-1].strip() or re.fullmatch(r"\s*(?:\d+|[ivxlcdm]+)\s*", lines[-1])):
            lines.pop()
        body.append("\n".join(lines))
    return "\n".join(body)


@functools.cache
def pdf_readings() -> tuple[str, ...]:
    """The body text read two ways: a hyphen at a line's end kept, or dropped as LaTeX's."""
    body = pdf_body()
    kept = " ".join(re.sub(r"-\n", "-", body).split())
    dropped = " ".join(re.sub(r"(?<=\w)-\n(?=\w)", "", body).split())
    return kept, dropped


# --- the HTML's side ---------------------------------------------------------------

@functools.cache
def article(page: str) -> BeautifulSoup:
    """The page's article, parsed once per session (the tests only read it)."""
    path = HTML / f"{page}.html"
    assert path.exists(), f"{path.relative_to(ROOT)} missing from the HTML build"
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article") or soup


def number_of(text: str) -> str:
    """The number that ends a caption or section number: "Fig. 1.2" -> "1.2", "A. " -> "A"."""
    tokens = text.split()
    last = tokens[-1].rstrip(".") if tokens else ""
    return last if NUMBER.fullmatch(last) else ""


@functools.cache
def html_pages() -> dict[str, dict]:
    """Per toc page: its number and title, and the numbers of its sections, figures and tables."""
    pages = {}
    for page in toc_pages(ROOT):
        body = article(page)
        heading = body.find("h1")
        assert heading is not None, f"{page}.html has no h1"
        number_span = heading.find("span", class_="section-number")
        title_parts = [t for t in heading.find_all(string=True)
                       if not (number_span and t.parent is number_span) and t.parent.name != "a"]
        info = {"number": number_of(number_span.get_text()) if number_span else "",
                "title": " ".join("".join(title_parts).split()), "labels": {}, "numrefs": [],
                "pasted": []}
        for section in body.find_all("section", id=True):
            span = section.find(re.compile(r"^h[1-6]$")).find("span", class_="section-number") \
                if section.find(re.compile(r"^h[1-6]$")) else None
            info["labels"][section["id"]] = ("section", number_of(span.get_text()) if span else "")
        for span in body.find_all("span", class_="caption-number"):
            kind = span.get_text(strip=True).split()[0]
            owner = span.find_parent(id=True)
            if owner is not None and kind in ("Fig.", "Figure", "Table"):
                info["labels"][owner["id"]] = (kind, number_of(span.get_text()))
        for ref in body.find_all("span", class_="std-numref"):
            link = ref.find_parent("a", href=True)
            if link is not None:
                info["numrefs"].append((link["href"], ref.get_text(" ", strip=True)))
        info["pasted"] = [" ".join(span.get_text().split()) for span in body.find_all("span", class_="pasted-text")]
        pages[page] = info
    return pages


def target_label(page: str, href: str) -> str:
    path, _, anchor = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))[: -len(".html")] if path else page
    return f"{target}:{anchor}" if anchor else f"{target}::doc"


# --- numbers ------------------------------------------------------------------------

def test_chapters_have_the_same_number():
    numbers = latex_numbers()
    for page, info in html_pages().items():
        label = f"{page}::doc"
        if label not in numbers:
            assert not info["number"], f"numbered chapter {page} ({info['number']}) is missing from the PDF"
            continue
        assert numbers[label] == info["number"], (
            f"{page}: chapter {info['number'] or '(unnumbered)'} in the HTML, "
            f"{numbers[label] or '(unnumbered)'} in the PDF")


def test_sections_figures_and_tables_have_the_same_number():
    numbers, mismatches, missing, compared = latex_numbers(), [], [], 0
    for page, info in html_pages().items():
        for anchor, (kind, html_number) in info["labels"].items():
            label = f"{page}:{anchor}"
            if label not in numbers:
                if kind != "section" or html_number:
                    missing.append(f"{label} ({kind} {html_number})")
                continue
            compared += 1
            if numbers[label] != html_number and (kind != "section" or html_number):
                mismatches.append(f"{label}: {kind} {html_number!r} in the HTML, {numbers[label]!r} in the PDF")
    assert compared, "no numbered item was found in both the HTML and book.aux"
    assert not missing, f"numbered in the HTML, absent from the PDF: {missing[:20]}"
    assert not mismatches, "\n".join(mismatches[:30])


def test_figures_and_tables_are_numbered_in_both():
    kinds = {kind for info in html_pages().values() for kind, _ in info["labels"].values()}
    assert "Fig." in kinds or "Figure" in kinds, "the HTML has no numbered figure"
    assert "Table" in kinds, "the HTML has no numbered table"


def test_numref_text_names_the_pdf_number():
    numbers, wrong = latex_numbers(), []
    for page, info in html_pages().items():
        for href, text in info["numrefs"]:
            label = target_label(page, href)
            if label not in numbers:
                wrong.append(f"{page}: '{text}' points to {label}, which the PDF does not have")
            elif number_of(text) != numbers[label]:
                wrong.append(f"{page}: '{text}' in the HTML, number {numbers[label]!r} in the PDF")
    assert not wrong, "\n".join(wrong[:30])


def test_exercises_have_the_same_number():
    text = " ".join(" ".join(pdf_pages()).split())
    missing = []
    for page, _ in html_pages().items():
        for span in article(page).find_all("span", class_="caption-number"):
            caption = " ".join(span.get_text().split())
            if caption.startswith("Exercise ") and caption not in text:
                missing.append(f"{page}: {caption}")
    assert not missing, f"exercises numbered in the HTML but not so in the PDF: {missing}"


# --- glued values --------------------------------------------------------------------

def test_every_glued_value_is_in_the_pdf():
    kept, dropped = pdf_readings()
    missing = [f"{page}: {value!r}" for page, info in html_pages().items() for value in info["pasted"]
               if value and value not in kept and value not in dropped]
    total = sum(len(info["pasted"]) for info in html_pages().values())
    assert total, "the HTML has no glued value"
    assert not missing, f"{len(missing)} of {total} glued values are not printed identically in the PDF:\n" + \
        "\n".join(missing[:30])


# --- tables cut by a display limit ----------------------------------------------------------

ELLIPSES = {"...", "…", ".."}
TRUNCATION_NOTES = re.compile(r"\[\d+ rows x \d+ columns\]|rows shown here")


def test_no_html_table_is_cut():
    cut = []
    for page in toc_pages(ROOT):
        body = article(page)
        for row in body.find_all("tr"):
            cells = [c.get_text(strip=True) for c in row.find_all(["td", "th"])]
            if len(cells) >= 2 and all(cell in ELLIPSES for cell in cells):
                cut.append(f"{page}: a row of '...' (pandas' display limit)")
                break
        for match in TRUNCATION_NOTES.finditer(body.get_text(" ")):
            cut.append(f"{page}: {match.group(0)!r}")
    assert not cut, "\n".join(cut)


def test_no_pdf_table_is_cut():
    cut = []
    for line in pdf_layout_text().splitlines():
        tokens = line.split()
        if len(tokens) >= 2 and all(token in ELLIPSES for token in tokens):
            cut.append(f"a row of '...': {line.strip()!r}")
    cut += [repr(m.group(0)) for m in TRUNCATION_NOTES.finditer(" ".join(pdf_layout_text().split()))]
    assert not cut, "tables cut by a display limit in the PDF:\n" + "\n".join(cut[:20])
