"""What the book's pages say, read from their sources: glued values and typed numbers.

Two rules of the book are checked here, for the tests and the reproducibility
appendix:

* **One estimate, one value.** A number or verdict stated on several pages is
  glued under one ``ev_`` key on each (see :mod:`korean_ott.glue`);
  :func:`glue_records` reads every page's glued values from its stored outputs,
  :func:`shared_key_conflicts` lists keys glued with different values, and
  :func:`broken_cross_references` lists ``{glue}`page.ipynb::key``` references
  to keys that page does not glue.
* **No number typed by hand.** :func:`typed_numbers` lists the numbers left in
  a page's Markdown once everything computed or conventional is set aside.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from korean_ott.citation import ROOT, page_source, toc_pages
from korean_ott.glue import SHARED_PREFIX

GLUE_MIME = "application/papermill.record/"
TEXT_MIME = GLUE_MIME + "text/plain"

#: ``{glue}`key```, ``{glue:text}`page.ipynb::key:,```, and the figure directive.
GLUE_ROLE = re.compile(r"\{glue(?P<role>:\w+)?\}`(?P<ref>[^`]+)`")
GLUE_DIRECTIVE = re.compile(r"^ {0,3}(?:`{3,}|:{3,})\{glue(?::\w+)?\}[ \t]+(?P<ref>\S+)", re.MULTILINE)


def book_pages(root: Path = ROOT) -> list[Path]:
    """The source file of every page of the book, in table-of-contents order."""
    return [page_source(page, root) for page in toc_pages(root)]


def cell_source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def read_cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def glue_records(path: Path) -> dict[str, str]:
    """Every key a notebook glues, with the text its stored output shows for it.

    A figure or other non-text glue maps to its MIME type, so a key glued twice
    in one notebook with different values is reported as an error.
    """
    records: dict[str, str] = {}
    for index, cell in enumerate(read_cells(path)):
        if cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is None:
                continue
            data = output.get("data", {})
            value = data.get(TEXT_MIME)
            if value is None or any(m != TEXT_MIME for m in data if m.startswith(GLUE_MIME + "image")):
                value = "<" + ",".join(sorted(m[len(GLUE_MIME):] for m in data)) + ">"
            value = "".join(value) if isinstance(value, list) else value
            if name in records and records[name] != value:
                raise ValueError(f"{path.name}, cell {index}: key {name!r} glued twice with "
                                 f"different values ({records[name]} and {value})")
            records[name] = value
    return records


def shared_key_conflicts(records_by_page: dict[str, dict[str, str]]) -> list[str]:
    """``ev_`` keys that two pages glue with different values, one line per key."""
    values: dict[str, dict[str, str]] = {}
    for page, records in records_by_page.items():
        for key, value in records.items():
            if key.startswith(SHARED_PREFIX):
                values.setdefault(key, {})[page] = value
    problems = []
    for key in sorted(values):
        if len(set(values[key].values())) > 1:
            stated = "; ".join(f"{page}: {value}" for page, value in sorted(values[key].items()))
            problems.append(f"{key} differs between pages ({stated})")
    return problems


@dataclass(frozen=True)
class GlueReference:
    page: str      #: the page that pastes the value
    target: str    #: the page that glues it (the same page for a local reference)
    key: str
    #: myst-nb reads ``{glue:text}`page.ipynb::key``` as key ``page.ipynb:`` with format
    #: ``key`` (it splits the format off at the last colon first), so a cross-page
    #: text reference must carry a format spec, such as ``:s`` or ``:.1f``.
    unreadable: bool = False


def glue_references(page: Path, text: str) -> list[GlueReference]:
    """The glue references in a page's Markdown, with cross-page paths resolved."""
    references = []
    for match in [*GLUE_ROLE.finditer(text), *GLUE_DIRECTIVE.finditer(text)]:
        ref = match.group("ref")
        is_text_role = match.groupdict().get("role") == ":text"
        target = page
        unreadable = False
        if "::" in ref:
            other, ref = ref.split("::", 1)
            target = (page.parent / other).resolve()
            unreadable = is_text_role and ":" not in ref
        key = ref.split(":", 1)[0]
        references.append(GlueReference(page.name, target.name, key, unreadable))
    return references


def markdown_sources(path: Path) -> list[tuple[str, str]]:
    """``(place, text)`` for every Markdown cell of a notebook, or the whole of a ``.md`` page."""
    if path.suffix == ".md":
        return [(path.name, path.read_text(encoding="utf-8"))]
    return [(f"{path.name}, cell {index}", cell_source(cell))
            for index, cell in enumerate(read_cells(path)) if cell["cell_type"] == "markdown"]


def broken_cross_references(pages: list[Path]) -> list[str]:
    """References to a key that the target page does not glue (local or cross-page)."""
    glued = {path.name: glue_records(path) for path in pages if path.suffix == ".ipynb"}
    problems = []
    for path in pages:
        for place, text in markdown_sources(path):
            for ref in glue_references(path, text):
                if ref.unreadable:
                    problems.append(f"{place}: cross-page {{glue:text}} reference to {ref.target}::{ref.key} "
                                    f"needs a format spec (:s for text, :d or :.1f for numbers)")
                elif ref.target not in glued:
                    problems.append(f"{place}: glue reference to {ref.target}::{ref.key}, "
                                    f"which is not a notebook of the book")
                elif ref.key not in glued[ref.target]:
                    problems.append(f"{place}: {ref.target} glues no key {ref.key!r}")
    return problems


# --- numbers typed by hand -----------------------------------------------------

#: What is computed, a reference, or markup, and so never a typed number.
NOT_PROSE = [
    (r"^ {0,3}(`{3,}|~{3,})(?![`~{])[^\n]*\n.*?^ {0,3}\1[ \t]*$", "fenced code blocks"),
    (r"^ {0,3}(?:`{3,}|:{3,})\{[\w:-]+\}[^\n]*$", "directive lines"),
    (r"\{[\w:-]+\}`[^`]*`", "MyST roles: glue, citations, cross-references"),
    (r"`[^`\n]*`", "inline code"),
    (r"\$\$.*?\$\$|\$[^$\n]+\$", "mathematics"),
    (r"https?://[^\s)>]+|\]\([^)]*\)", "links"),
    (r"^\s*\([\w-]+\)=\s*$", "MyST targets"),
    (r"^:(?!alt:)[\w-]+:[^\n]*$", "directive options other than alt text"),
    (r"^#{1,6}[ \t]", "heading marks"),
    (r"^\s*(?:\d+[.)]|[-*])\s", "list markers"),
    (r"<[^>\n]+>", "HTML tags"),
]

#: Numbers that are names or conventions, not findings. Each entry says why.
CONVENTIONS = [
    (r"\b[FCE]\d{2,3}\b", "facts-register and ledger row ids (F012, C05)"),
    (r"\b[AB]\d\b", "prediction ids (A1, B2)"),
    (r"\b(?:19|20)\d\d(?:Q[1-4]|H[12])\b|\b(?:Q[1-4]|H[12])\b", "periods (2023Q1, H1)"),
    (r"\b(?:19|20)\d\d[–-](?:19|20)?\d\d\b", "year ranges"),
    (r"\b(?:19|20)\d\d\b", "calendar years"),
    (r"\b(?:90|95|99)(?:\s?%| per ?cent)(?= (?:confidence |credible |bootstrap |CI|interval|band))",
     "interval levels"),
    (r"\b(?:90|95|99)% CI\b", "interval levels"),
    (r"\bCC BY(?:-SA)? \d\.\d\b|\bAttribution \d\.\d\b", "licence versions"),
    (r"\b(?:Jupyter Book|Python|jupyter-book|MathJax) \d+(?:\.\d+)*(?:\.x)?\b", "software versions"),
    (r"\bClass [12]\b|\bSeason [1-9]\b|\bPart [1-9]\b", "titles of the seasons"),
    (r"\b(?:[Cc]hapters?|[Aa]ppendix|[Tt]ables?|[Ff]igures?|[Ee]xercises?|[Ss]teps?|[Vv]iews?) \d+(?:\.\d+)?"
     r"(?:(?:,\s*|\s+and\s+|\s+or\s+|\s*(?:to|–|-)\s*)\d+(?:\.\d+)?)*\b",
     "references to parts of the book"),
    (r"\b[Yy]ear[ -]0\b|\bindex(?: of)? 100\b", "a model's time origin and index base"),
    (r"\b[Tt]op[ -]?10\b|\btop 250\b|\bTop 250\b", "the lists' names"),
    (r"#[12]\b", "the rank thresholds #1 and #2 that the text defines"),
    (r"\b(?:includes?|excludes?|including|excluding|above|below|cross(?:es)?) 1\b",
     "the null value of a ratio"),
    (r"\b(?:1|5|10)\s?% (?:significance )?level\b", "significance levels"),
    (r"\bSHA-256\b|\bDebian \d+\b|\bUTF-8\b", "names of standards and systems"),
    (r"\b\d+ (?:CPU )?cores?\b|\b\d+(?:\.\d+)? (?:GiB|GB|MB)\b",
     "computational requirements of the replication package"),
    (r"\bK-\w+|\b\d+(?:st|nd|rd|th)\b", "ordinals"),
]

MONTHS = ("January|February|March|April|May|June|July|August|September|October|"
          "November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
DAY_MONTH = re.compile(rf"\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{{1,2}}(?:[–-]\d{{1,2}})?\s+(?:{MONTHS})\b|\b(?:{MONTHS})\s+\d{{1,2}}\b")
REGISTER_ROW = re.compile(r"\bF\d{3}\b|\{cite(?::\w+)?\}")
NUMBER = re.compile(r"(?<![\w.])[−+-]?\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class TypedNumber:
    place: str
    number: str
    context: str

    def __str__(self) -> str:
        return f"{self.place}: {self.number!r} in “{self.context}”"


def blank(text: str, pattern: str, flags: int = 0) -> str:
    """Replace each match with spaces, so offsets and line structure stay as they were."""
    return re.sub(pattern, lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=flags)


def typed_numbers_in(place: str, text: str) -> list[TypedNumber]:
    """Numbers typed by hand in one Markdown text.

    A day of the month is allowed in a paragraph that names its source (a
    register row such as F012, or a citation): a date quoted from a source is
    evidence, a date the data give is glued.
    """
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        cleaned = paragraph
        for pattern, _why in NOT_PROSE:
            cleaned = blank(cleaned, pattern, re.MULTILINE | re.DOTALL)
        sourced = bool(REGISTER_ROW.search(paragraph))
        if sourced:
            cleaned = blank(cleaned, DAY_MONTH.pattern)
        for pattern, _why in CONVENTIONS:
            cleaned = blank(cleaned, pattern)
        for match in NUMBER.finditer(cleaned):
            start, end = max(0, match.start() - 40), min(len(paragraph), match.end() + 40)
            context = " ".join(paragraph[start:end].split())
            found.append(TypedNumber(place, match.group(0), context))
    return found


def typed_numbers(path: Path) -> list[TypedNumber]:
    """Numbers typed by hand in a page's Markdown (every Markdown cell of a notebook)."""
    return [number for place, text in markdown_sources(path) for number in typed_numbers_in(place, text)]


# --- reading time ---------------------------------------------------------------

#: A reader of an academic text with tables and figures: a conservative pace.
WORDS_PER_MINUTE = 180


def prose_words(path: Path) -> int:
    """Words of a page's Markdown, without code blocks, markup and glue references."""
    words = 0
    for _place, text in markdown_sources(path):
        for pattern, _why in NOT_PROSE:
            text = blank(text, pattern, re.MULTILINE | re.DOTALL)
        words += len(re.findall(r"[^\W\d_][\w'’-]*", text))
    return words


def reading_minutes(path: Path, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Minutes to read a page's prose, rounded up to five (figures and tables take time too)."""
    minutes = prose_words(path) / words_per_minute
    return max(5, 5 * math.ceil(minutes / 5))
