"""Citation records generated from ``CITATION.cff`` and ``_toc.yml``.

``CITATION.cff`` is the one source of the book's title, authors, version and
licence; the "How to cite" page prints BibTeX made here, so a change of
version or title reaches every record at once.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK_KEY_PREFIX = "kcontent_platform_book"


@dataclass(frozen=True)
class Chapter:
    file: str  # as in _toc.yml, without extension
    title: str


def read_citation(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def authors_bibtex(citation: dict) -> str:
    names = []
    for author in citation["authors"]:
        if "name" in author:  # an entity: braces keep BibTeX from splitting it
            names.append("{" + author["name"] + "}")
        else:
            names.append(f"{author['family-names']}, {author['given-names']}")
    return " and ".join(names)


def page_title(path: Path) -> str:
    """The first level-one heading of a Markdown page or notebook."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    match = re.search(r"^# (.+)$", text, flags=re.MULTILINE)
    if not match:
        raise ValueError(f"{path.name} has no level-one heading")
    return match.group(1).strip()


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every page of the book in table-of-contents order, as written in _toc.yml."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part.get("chapters", [])]
    return pages


def page_source(page: str, root: Path = ROOT) -> Path:
    """The source file of a table-of-contents entry: its notebook, else its Markdown page."""
    for path in (root / f"{page}.ipynb", root / f"{page}.md"):
        if path.exists():
            return path
    raise FileNotFoundError(f"_toc.yml names {page}, which has no .ipynb or .md file")


def toc_chapters(root: Path = ROOT, caption: str = "Analysis") -> list[Chapter]:
    """Chapters of the table-of-contents part named ``caption``, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    chapters = []
    for part in toc.get("parts", []):
        if part.get("caption") != caption:
            continue
        for entry in part.get("chapters", []):
            chapters.append(Chapter(entry["file"], page_title(page_source(entry["file"], root))))
    return chapters


#: How a numbered part of _toc.yml names its pages, by numbering style: the
#: chapters are numbered, the appendices lettered (sphinx-external-toc's styles).
PAGE_KINDS = {"numerical": "chapter", "alphaupper": "appendix"}


def numbered_pages(root: Path = ROOT) -> dict[str, str]:
    """Every numbered page as both editions name it: ``{"chapters/01-...": "chapter 1", ...,
    "chapters/appendix-...": "appendix A"}``.

    Numbers follow jupyter-book's rules: each style counts on across parts
    (``use_multitoc_numbering``) unless a part sets ``restart_numbering``.
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    names = {}
    for part in toc.get("parts", []):
        if not part.get("numbered"):
            continue
        style = part.get("style", "numerical")
        if style not in PAGE_KINDS:
            raise ValueError(f"_toc.yml, part {part.get('caption')!r}: numbering style {style!r} is not one "
                             f"the book uses ({', '.join(PAGE_KINDS)})")
        if part.get("restart_numbering"):
            counts[style] = 0
        for entry in part.get("chapters", []):
            counts[style] = counts.get(style, 0) + 1
            number = str(counts[style]) if style == "numerical" else chr(ord("A") + counts[style] - 1)
            names[entry["file"]] = f"{PAGE_KINDS[style]} {number}"
    return names


def year_of(citation: dict) -> str:
    return str(citation["date-released"])[:4]


def book_key(citation: dict) -> str:
    return f"{BOOK_KEY_PREFIX}_{year_of(citation)}"


def chapter_key(citation: dict, chapter: Chapter) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", Path(chapter.file).name.lower()).strip("_")
    return f"{book_key(citation)}_{slug}"


def doi_note(citation: dict) -> str:
    return f"DOI {citation['doi']}" if citation.get("doi") else "No DOI assigned yet"


#: Code and output lines print unwrapped in the PDF up to about 80 characters (9 pt,
#: inside a framed box on A4); 78 leaves room for the closing brace and comma.
BIBTEX_LINE = 78


def bibtex_entry(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    """A BibTeX record whose long field values wrap onto aligned lines (BibTeX reads a
    line break inside braces as a space), so the PDF prints it without wrapping marks."""
    lines = [f"@{entry_type}{{{key},"]
    for position, (name, value) in enumerate(fields):
        head = f"  {name:<9} = {{"
        tail = "}" + ("," if position < len(fields) - 1 else "")
        wrapped = textwrap.wrap(value + tail, width=BIBTEX_LINE, initial_indent=head,
                                subsequent_indent=" " * len(head), break_long_words=False,
                                break_on_hyphens=False)
        lines += wrapped
    return "\n".join(lines + ["}"])


def book_bibtex(citation: dict) -> str:
    return bibtex_entry("book", book_key(citation), [
        ("author", authors_bibtex(citation)),
        ("title", citation["title"]),
        ("year", str(year_of(citation))),
        ("edition", f"Version {citation['version']}"),
        ("note", f"Executable Jupyter Book. {doi_note(citation)}"),
    ])


def chapter_bibtex(citation: dict, chapter: Chapter) -> str:
    return bibtex_entry("incollection", chapter_key(citation, chapter), [
        ("author", authors_bibtex(citation)),
        ("title", chapter.title),
        ("booktitle", citation["title"]),
        ("year", str(year_of(citation))),
        ("edition", f"Version {citation['version']}"),
        ("note", f"Chapter {chapter.file}. {doi_note(citation)}"),
    ])


def plain_citation(citation: dict) -> str:
    authors = " and ".join(a.get("name") or f"{a['family-names']}, {a['given-names']}"
                           for a in citation["authors"])
    return (f"{authors} ({year_of(citation)}). {citation['title']} "
            f"(version {citation['version']}). Executable book. {doi_note(citation)}.")
