"""Checks of the built book: every page of the table of contents is in the HTML,
and the PDF exists and carries Hangul text.

`make test` builds the book first and sets BOOK_BUILT=1, so these tests fail
there if anything is missing; run alone without a build, they are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from korean_ott.citation import toc_pages

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
PDF = ROOT / "_build" / "latex" / "book.pdf"

pytestmark = pytest.mark.skipif(
    not os.environ.get("BOOK_BUILT") and not HTML.exists(),
    reason="the book is not built; `make test` builds it first")


def toc_files() -> list[str]:
    return toc_pages(ROOT)


def test_toc_lists_existing_sources():
    for entry in toc_files():
        matches = [p for p in (ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")) if p.exists()]
        assert len(matches) == 1, f"_toc.yml entry {entry!r} must match exactly one .md or .ipynb file"


@pytest.mark.parametrize("entry", toc_files())
def test_every_toc_page_is_in_the_html(entry):
    page = HTML / f"{entry}.html"
    assert page.exists(), f"{page.relative_to(ROOT)} missing from the HTML build"
    assert "<h1" in page.read_text(encoding="utf-8"), f"{entry} has no title"


def test_html_index_points_into_the_book():
    assert (HTML / "index.html").exists()


def test_pdf_exists_and_has_hangul():
    assert PDF.exists(), "_build/latex/book.pdf missing: run `make book`"
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the PDF"
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(PDF), "-"], check=True,
                          capture_output=True, text=True).stdout
    # xeCJK may break a line between two Hangul syllables, as Korean typesetting allows.
    text = text.replace("\n", "")
    for word in ("약한영웅", "웨이브", "티빙"):
        assert word in text, f"Hangul word {word} not found in the PDF text"


def test_latex_log_has_no_missing_characters():
    log = PDF.with_suffix(".log")
    assert log.exists()
    assert "Missing character" not in log.read_text(encoding="utf-8", errors="replace")


# Attributes that make a browser fetch something as the page loads.
_FETCHED = re.compile(r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*?\b(?:src|href)=["']([^"']+)["'][^>]*>""", re.I)


def _outside_resources(page: Path) -> list[str]:
    html = page.read_text(encoding="utf-8")
    found = []
    for match in _FETCHED.finditer(html):
        tag, url = match.group(0), match.group(1)
        if tag.lower().startswith("<link") and not re.search(r"""rel=["'](?:stylesheet|preload|icon|modulepreload)""", tag, re.I):
            continue  # an ordinary hyperlink-like <link> (canonical, license) is not fetched
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I):
            found.append(url)
    return found


def test_no_page_loads_anything_from_outside_the_site():
    """The book reads offline: scripts (MathJax too), styles, fonts and images all come with the site."""
    pages = sorted(HTML.rglob("*.html"))
    assert pages
    outside = {page.relative_to(HTML).as_posix(): urls for page in pages if (urls := _outside_resources(page))}
    assert not outside, f"pages that load files from the web: {outside}"


def test_mathjax_is_part_of_the_site():
    script = HTML / "mathjax" / "tex-chtml.js"
    assert script.is_file(), "_vendor/mathjax was not copied into the site (html_extra_path)"
    assert (HTML / "mathjax" / "LICENSE").is_file()
    fonts = list((HTML / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert fonts, "MathJax's fonts are missing from the site"
    page = (HTML / "chapters" / "04-expert-views.html").read_text(encoding="utf-8")
    assert re.search(r'<script[^>]+src="[^"]*mathjax/tex-chtml\.js', page), "chapter 4 does not load the site's MathJax"
