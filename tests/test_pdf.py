"""Checks of the built PDF as a reader and an archive see it.

Its structure comes from ``_toc.yml`` (front matter unnumbered with roman page
numbers, chapters numbered as in the HTML, appendices lettered, the references
once at the end), its title page and metadata from ``CITATION.cff``; its text
holds no computer notation (continuation arrows of wrapped code, ``7.3e-12``)
and every table caption of the LaTeX source; Hangul is extractable; the pages a
reader opens first are not blank. The PDF is read with poppler (``pdftotext``,
``pdfinfo``, ``pdftohtml`` for the outline, ``pdftoppm`` for images).

`make test` builds the book first and sets BOOK_BUILT=1, so these tests fail
there if anything is missing; run alone without a build, they are skipped.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import BUILT_LATEX, BUILT_PDF, BUILT_TEX, poppler, requires_built_pdf
from korean_ott.citation import page_source, page_title, read_citation

ROOT = Path(__file__).resolve().parent.parent
LATEX, PDF, TEX = BUILT_LATEX, BUILT_PDF, BUILT_TEX

pytestmark = requires_built_pdf

ROMAN = re.compile(r"^[ivxlcdm]+$")
APPENDIX_STYLES = {"alphaupper", "alphalower"}


@functools.cache
def pages() -> tuple[str, ...]:
    """Each page's text, in reading order (pdftotext's default mode)."""
    return tuple(poppler("pdftotext", "-enc", "UTF-8", str(PDF), "-").stdout.split("\f")[:-1])


@functools.cache
def layout_pages() -> tuple[str, ...]:
    """Each page's text laid out as printed (one line of the contents per line)."""
    return tuple(poppler("pdftotext", "-layout", "-enc", "UTF-8", str(PDF), "-").stdout.split("\f")[:-1])


def text() -> str:
    return "\n".join(pages())


def squash(value: str) -> str:
    """Whitespace collapsed, typographic apostrophes as typed."""
    return " ".join(value.replace("’", "'").split())


@functools.cache
def outline() -> tuple[tuple[str, int], ...]:
    """The PDF's top-level bookmarks: (title, page)."""
    xml = poppler("pdftohtml", "-xml", "-i", "-q", "-stdout", str(PDF)).stdout
    start = xml.find("<outline>")
    assert start >= 0, "the PDF has no outline (bookmarks)"
    depth, end = 0, start
    for match in re.finditer(r"</?outline>", xml[start:]):
        depth += 1 if match.group(0) == "<outline>" else -1
        if depth == 0:
            end = start + match.end()
            break
    tree = ET.fromstring(xml[start:end])
    return tuple((squash("".join(item.itertext())), int(item.get("page")))
                 for item in tree.findall("item"))


def outline_page(title: str) -> int:
    found = [page for name, page in outline() if name == title]
    assert found, f"no bookmark {title!r} in the PDF's outline: {[n for n, _ in outline()]}"
    return found[0]


def toc_parts() -> list[dict]:
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["parts"]


def title_of(page: str) -> str:
    return squash(page_title(page_source(page, ROOT)))


def letters(n: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n - 1]


def numbered_chapters() -> list[tuple[str, str]]:
    """(number, title) of every numbered chapter, as _toc.yml numbers them: 1, 2, ... then A, B, ..."""
    chapters, number, letter = [], 0, 0
    for part in toc_parts():
        if not part.get("numbered"):
            continue
        for entry in part["chapters"]:
            if part.get("style") in APPENDIX_STYLES:
                letter += 1
                chapters.append((letters(letter), title_of(entry["file"])))
            else:
                number += 1
                chapters.append((str(number), title_of(entry["file"])))
    return chapters


def front_matter_titles() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    titles = [title_of(toc["root"])]
    for part in toc["parts"]:
        if part.get("numbered"):
            break
        titles += [title_of(entry["file"]) for entry in part["chapters"]]
    return titles


# --- text ---------------------------------------------------------------------------

def test_no_continuation_arrows():
    """Wrapped code and text outputs print ↪ or ",→" at each break: tables must be tables."""
    found = [(number, line) for number, page in enumerate(pages(), 1)
             for line in page.splitlines() if "↪" in line or ",→" in line]
    assert not found, f"continuation arrows (wrapped code or text output) on pages {found[:10]}"


EXPONENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][-+]\d+\b")


def test_no_exponent_notation():
    found = [(number, match.group(0)) for number, page in enumerate(pages(), 1)
             for match in EXPONENT.finditer(page)]
    assert not found, f"numbers in computer notation (page, text): {found[:10]}"


def test_hangul_is_extractable():
    # xeCJK may break a line between two Hangul syllables, as Korean typesetting allows.
    joined = text().replace("\n", "")
    assert "약한영웅" in joined, "the Korean title 약한영웅 cannot be found in the PDF's text"


def test_no_empty_pages():
    empty = [number for number, page in enumerate(pages(), 1) if not page.strip()]
    assert not empty, f"pages without any text: {empty}"


# --- structure ------------------------------------------------------------------------

def test_outline_has_every_chapter_in_toc_order():
    titles = [name for name, _ in outline()]
    expected = [f"{number} {title}" for number, title in numbered_chapters()]
    numbered = [name for name in titles if re.match(r"^(?:\d+|[A-Z]) ", name)]
    assert numbered == expected, f"numbered bookmarks {numbered} != _toc.yml's chapters {expected}"
    for title in front_matter_titles():
        assert title in titles, f"front matter {title!r} has no bookmark of its own"


def test_contents_lists_chapters_and_appendices_in_order():
    first, last = outline_page("Contents"), outline_page("List of Figures")
    contents = squash(" ".join(layout_pages()[first - 1:last - 1]))
    position = -1
    for number, title in numbered_chapters():
        entry = f"{number} {title}"
        found = contents.find(entry, position + 1)
        assert found > position, f"the contents lack {entry!r} after the previous chapter"
        position = found


def test_front_matter_is_unnumbered_with_roman_page_numbers():
    first_chapter = outline_page(f"{numbered_chapters()[0][0]} {numbered_chapters()[0][1]}")
    front = list(enumerate(pages()[1:first_chapter - 1], 2))  # after the title page
    assert front, "no front matter before the first chapter"
    for number, page in front:
        footer = footer_line(number)
        assert ROMAN.match(footer), f"front-matter page {number} is numbered {footer!r}, not in roman"
        assert not re.search(r"^Chapter\b", page, re.MULTILINE), f"front-matter page {number} says 'Chapter'"
    for title in front_matter_titles():
        for number, page in front:
            assert not re.search(rf"^\d+\s+{re.escape(title)}$", squash_lines(page), re.MULTILINE), (
                f"front matter {title!r} is numbered like a chapter on page {number}")
    opening = [line.strip() for line in pages()[first_chapter - 1].splitlines() if line.strip()]
    assert opening[0] == "Chapter 1" and footer_line(first_chapter) == "1", (
        f"chapter 1 should open with 'Chapter 1' on page 1, not {opening[0]!r} on {footer_line(first_chapter)!r}")


def footer_line(page: int) -> str:
    """The last printed line of a page: its page number (the footer holds nothing else)."""
    lines = [line.strip() for line in layout_pages()[page - 1].splitlines() if line.strip()]
    return lines[-1]


def squash_lines(page: str) -> str:
    return "\n".join(squash(line) for line in page.splitlines())


def test_chapter_openings_use_figures_not_words():
    words = r"One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve|Thirteen"
    found = re.findall(rf"\b(?:Chapter|Appendix)\s+(?:{words})\b", text(), re.IGNORECASE)
    assert not found, f"chapter numbers spelled out: {found}"


def test_appendices_open_lettered():
    for number, title in numbered_chapters():
        if not number.isalpha():
            continue
        page = pages()[outline_page(f"{number} {title}") - 1]
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == f"Appendix {number}", f"appendix {title!r} opens with {lines[0]!r}"


def test_bibliography_appears_once_at_the_end():
    references = title_of(toc_parts()[-1]["chapters"][-1]["file"])
    titles = [name for name, _ in outline()]
    assert titles.count(references) == 1, f"{references!r} appears {titles.count(references)} times in the outline"
    assert titles[-1] == references, f"the outline ends with {titles[-1]!r}, not the references"
    page = pages()[outline_page(references) - 1]
    assert re.search(r"^\[1\]", page, re.MULTILINE), "the references chapter does not start with its list"


def test_lists_of_figures_and_tables_follow_the_contents():
    titles = [name for name, _ in outline()]
    assert titles[1:4] == ["Contents", "List of Figures", "List of Tables"], titles[:5]
    for name in ("List of Figures", "List of Tables"):
        assert pages()[outline_page(name) - 1].lstrip().startswith(name)


def test_no_index_pages():
    titles = [name for name, _ in outline()]
    assert "Index" not in titles and "Python Module Index" not in titles


# --- title page and metadata -----------------------------------------------------------

def cff() -> dict:
    return read_citation(ROOT)


def authors() -> list[str]:
    return [a.get("name") or f"{a['given-names']} {a['family-names']}" for a in cff()["authors"]]


def test_title_page_is_from_citation_cff():
    from korean_ott.citation import plain_citation

    title_page = squash(pages()[0])
    record = cff()
    assert title_page.startswith(squash(record["title"]))
    for author in authors():
        assert squash(author) in title_page
    assert f"Version {record['version']}" in title_page
    assert squash(plain_citation(record)) in title_page, "the recommended citation is not on the title page"
    licences = record["license"] if isinstance(record["license"], list) else [record["license"]]
    for licence in licences:
        assert licence in title_page, f"licence {licence} not on the title page"


@functools.cache
def pdfinfo() -> dict[str, str]:
    info = {}
    for line in poppler("pdfinfo", "-custom", "-isodates", str(PDF)).stdout.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def test_metadata_equals_citation_cff():
    record, info = cff(), pdfinfo()
    assert info.get("Title") == squash(record["title"])
    assert info.get("Author") == "; ".join(authors())
    assert squash(info.get("Subject", "")) == squash(record["abstract"])
    assert info.get("Keywords") == ", ".join(record["keywords"])
    assert info.get("Version") == str(record["version"])


def test_no_build_date():
    """The PDF's dates are the release date of CITATION.cff, so two builds are the same file."""
    released = str(cff()["date-released"])
    for key in ("CreationDate", "ModDate"):
        assert pdfinfo().get(key, released).startswith(released), f"{key} is {pdfinfo().get(key)}, a build date"


# --- tables -----------------------------------------------------------------------------

@functools.cache
def latex_numbers() -> dict[str, str]:
    """Label -> number, from book.aux."""
    aux = TEX.with_suffix(".aux").read_text(encoding="utf-8")
    return dict(re.findall(r"^\\newlabel\{([^{}]+)\}\{\{([^{}]*)\}", aux, re.MULTILINE))


def latex_to_text(latex: str) -> str:
    """The printed words of a LaTeX caption (commands dropped, their arguments kept, \\ref resolved)."""
    latex = re.sub(r"\\label\{\\detokenize\{[^}]*\}\}|\\label\{[^}]*\}", "", latex)
    latex = re.sub(r"\\ref\{\\detokenize\{([^}]*)\}\}",
                   lambda m: latex_numbers().get(m.group(1), "??"), latex)
    latex = re.sub(r"\\hyperref\[\\detokenize\{[^}]*\}\]", "", latex)
    latex = re.sub(r"\\sphinxfootnotemark\[[^]]*\]", "", latex)
    latex = re.sub(r"\\[A-Za-z@]+\*?", " ", latex)
    return latex


def letters_only(value: str) -> str:
    """Letters and digits alone: immune to line breaks, hyphenation and LaTeX's spacing."""
    return re.sub(r"[\W_]+", "", value.replace("’", "'")).lower()


def table_captions() -> list[str]:
    """Captions of the LaTeX source's tables: \\sphinxcaption (tabular) and \\caption (longtable)."""
    assert TEX.exists(), "_build/latex/book.tex missing: run `make book`"
    source = TEX.read_text(encoding="utf-8")
    captions = []
    for environment in re.finditer(r"\\sphinxattablestart(.*?)\\sphinxattableend|"
                                   r"\\begin\{longtable\}(.*?)\\end\{longtable\}", source, re.DOTALL):
        body = environment.group(1) or environment.group(2)
        match = re.search(r"\\(?:sphinx)?caption\{", body)
        if not match:
            continue
        depth, start = 1, match.end()
        for index in range(start, len(body)):
            depth += {"{": 1, "}": -1}.get(body[index], 0) if body[index - 1] != "\\" else 0
            if depth == 0:
                captions.append(body[start:index])
                break
    return captions


def test_tables_have_captions():
    assert table_captions(), "the LaTeX source has no captioned table (table or longtable)"


def test_every_table_caption_is_in_the_pdf():
    printed = letters_only(text())
    missing = [squash(latex_to_text(caption))[:80] for caption in table_captions()
               if letters_only(latex_to_text(caption)) not in printed]
    assert not missing, f"table captions of book.tex not found in the PDF's text: {missing}"


# --- pages a reader opens first: not blank ----------------------------------------------

def first_page_matching(pattern: str) -> int:
    for number, page in enumerate(pages(), 1):
        if re.search(pattern, page, re.MULTILINE):
            return number
    pytest.fail(f"no page of the PDF matches {pattern!r}")


def ink(page: int, tmp_path: Path) -> float:
    """Share of a page's pixels that are not white, at a low resolution."""
    from PIL import Image

    prefix = tmp_path / f"page{page}"
    poppler("pdftoppm", "-r", "30", "-gray", "-f", str(page), "-l", str(page), "-png", str(PDF), str(prefix))
    image_file = next(tmp_path.glob(f"page{page}*.png"))
    image = Image.open(image_file).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[245:]) / sum(histogram)


@pytest.mark.parametrize("which", ["title", "contents", "table", "figure"])
def test_pages_are_not_blank(which, tmp_path):
    page = {
        "title": lambda: 1,
        "contents": lambda: outline_page("Contents"),
        "table": lambda: first_page_matching(r"^Table (?:\d+|[A-Z])\.\d+:"),
        "figure": lambda: first_page_matching(r"^Fig\. (?:\d+|[A-Z])\.\d+:"),
    }[which]()
    share = ink(page, tmp_path)
    assert 0.002 < share < 0.9, f"the {which} page (page {page}) has {share:.1%} of its pixels inked"


def test_nothing_runs_past_the_foot_of_a_page():
    """An unbreakable box (a table, a figure) taller than the space left on a page is
    set over the footer: TeX logs 'Overfull \\vbox ... while \\output is active'."""
    log = (LATEX / "book.log").read_text(encoding="utf-8", errors="replace")
    overflows = re.findall(r"Overfull \\vbox \(([\d.]+)pt too high\) has occurred while \\output is active", log)
    assert not overflows, f"{len(overflows)} page(s) with content past the foot of the page, by {overflows} pt"
