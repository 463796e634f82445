"""The PDF's structure, read from ``_toc.yml``; its title page and metadata, read from ``CITATION.cff``.

Sphinx's LaTeX writer ignores the parts of the table of contents: every page
becomes a numbered chapter, so the front matter was "Chapter 1" to "Chapter 3"
and the HTML's chapter 1 was the PDF's chapter 4. This extension gives the PDF
the structure the HTML has, from the same ``_toc.yml`` (through
sphinx-external-toc's site map, so nothing is listed twice):

* **front matter**: the root page and the parts before the first numbered
  part; unnumbered chapters, roman page numbers (the root page, whose title
  Sphinx leaves out of the PDF, gets its title back as the first chapter);
* **main matter**: the numbered parts, chapters numbered from 1 as in the HTML;
* **appendices**: the numbered part whose numbering ``style`` is a letter
  (``alphaupper``); ``\\appendix`` makes them A, B, C, with their tables and
  figures "A.1". sphinx-external-toc letters the same part in the HTML, so both
  agree;
* **back matter**: the unnumbered parts after the numbered ones. A page there
  that holds nothing but the ``{bibliography}`` directive prints nothing of its
  own (the LaTeX writer gathers every reference into one list at the end of the
  PDF); in the HTML it stays the page of references.

The switches are LaTeX-only raw nodes inserted into the one document the LaTeX
builder assembles; the macros they call are defined in ``STRUCTURE_PREAMBLE``.
The title page (title, authors, version, licences, the recommended citation)
and the PDF's metadata (title, author, subject, keywords, version) come from
``CITATION.cff`` at build time; the citation text is ``korean_ott.citation``'s,
the one the "How to cite" page prints. The PDF's creation date is the release
date, not the build date.

Figures are drawn at the width of the text block by ``korean_ott.style``, so
their type prints at the size it was set in; they are placed with
``figure_align`` (``_config.yml``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.errors import ExtensionError
from sphinx.util import texescape

ROOT = Path(__file__).resolve().parent.parent

#: toc numbering styles (sphinx-external-toc) that mean "appendix".
APPENDIX_STYLES = {"alphaupper", "alphalower"}


# --- the parts of the book, from the site map ----------------------------------

@dataclass(frozen=True)
class BookStructure:
    root: str
    front: list[str]
    main: list[str]
    appendices: list[str]
    back: list[str]


def _style(toctree) -> str:
    style = toctree.style
    return style[0] if isinstance(style, list) else style


def book_structure(site_map) -> BookStructure:
    """Front, main, appendix and back matter, in the order and with the numbering of ``_toc.yml``.

    The toc must read: unnumbered parts, then numbered parts (numerical), then
    at most lettered numbered parts, then unnumbered parts. Anything else has
    no sensible printed form, and the error says which part breaks the order.
    """
    root = site_map.root.docname
    front, main, appendices, back = [], [], [], []
    stage = "front"
    for toctree in site_map[root].subtrees:
        name = toctree.caption or "(a part without caption)"
        if toctree.numbered:
            kind = "appendices" if _style(toctree) in APPENDIX_STYLES else "main"
        else:
            kind = "front" if stage == "front" else "back"
        order = ["front", "main", "appendices", "back"]
        if order.index(kind) < order.index(stage):
            raise ExtensionError(
                f"_toc.yml: part {name!r} ({kind} matter) comes after {stage} matter; the PDF needs "
                "unnumbered parts, then numbered parts, then lettered (style: alphaupper) parts, "
                "then unnumbered parts")
        stage = kind
        {"front": front, "main": main, "appendices": appendices, "back": back}[kind].extend(toctree.files())
    if not main:
        raise ExtensionError("_toc.yml: no part is `numbered: true`; the PDF has no main matter")
    return BookStructure(root, front, main, appendices, back)


# --- LaTeX: macros, title page, metadata ------------------------------------------

STRUCTURE_PREAMBLE = r"""
% ---- Book structure (_ext/book_structure.py) ----
\usepackage{truncate}
% Long URLs (references, footnotes) may break at any character instead of running into the margin.
\usepackage{xurl}
\makeatletter
% Parts of the book. The front matter is unnumbered with roman page numbers;
% its figures and tables are numbered 1, 2, ... as the HTML numbers those of
% unnumbered pages. The main matter restarts the page numbers in arabic.
\newcount\book@secnumdepth
\newcommand{\bookfrontmatter}{%
  \book@secnumdepth=\c@secnumdepth
  \setcounter{secnumdepth}{-1}}
\newcommand{\bookmainmatter}{%
  \clearpage
  \pagenumbering{arabic}%
  \setcounter{secnumdepth}{\book@secnumdepth}%
  \setcounter{chapter}{0}%
  % sphinx.sty writes \arabic{chapter}, which would number Table A.2 as 2.2.
  \renewcommand{\thefigure}{\thechapter.\arabic{figure}}%
  \renewcommand{\thetable}{\thechapter.\arabic{table}}%
  \renewcommand{\theliteralblock}{\thechapter.\arabic{literalblock}}%
  \renewcommand{\theequation}{\thechapter.\arabic{equation}}}
\newcommand{\bookappendices}{\appendix}
\newcommand{\bookbackmatter}{\setcounter{secnumdepth}{-1}}
% Chapter openings: "Chapter 4" or "Appendix B" in figures, then the title;
% unnumbered chapters have the title alone.
\titleformat{\chapter}[display]
  {\raggedright\py@HeaderFamily}{\Large\@chapapp\ \thechapter}{0.6ex}{\huge}
\titleformat{name=\chapter,numberless}[display]
  {\raggedright\py@HeaderFamily}{}{0pt}{\huge}
\titlespacing*{\chapter}{0pt}{0pt}{3ex}
% Running head: the chapter (number and title, without the word "Chapter"),
% cut to the header's width with an ellipsis; page number alone, centred, in
% the footer, so a long title can never run into it.
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyhead[L]{\small\itshape\truncate{\headwidth}{\nouppercase{\leftmark}}}%
  \fancyfoot[C]{\thepage}%
  \renewcommand{\headrulewidth}{0.4pt}%
  \renewcommand{\footrulewidth}{0pt}%
  \def\chaptermark##1{\markboth{\ifnum\c@secnumdepth>\m@ne\thechapter\quad\fi##1}{}}%
  \def\sectionmark##1{}}
\fancypagestyle{plain}{%
  \fancyhf{}%
  \fancyfoot[C]{\thepage}%
  \renewcommand{\headrulewidth}{0pt}%
  \renewcommand{\footrulewidth}{0pt}}
\makeatother
% Sphinx names the contents after the first part of the toc ("Front matter").
\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}
"""

TABLE_OF_CONTENTS = r"""
\pagenumbering{roman}
\begingroup
  \parskip 0pt
  \sphinxtableofcontentshook
  \pdfbookmark[0]{\contentsname}{book-contents}
  \tableofcontents
  \clearpage\pdfbookmark[0]{\listfigurename}{book-figures}
  \listoffigures
  \clearpage\pdfbookmark[0]{\listtablename}{book-tables}
  \listoftables
\endgroup
\clearpage
\bookfrontmatter
"""


def read_citation(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def _tex(text: str) -> str:
    texescape.init()  # the LaTeX builder calls it too, but later than config-inited
    return texescape.escape(" ".join(str(text).split()), "xelatex")


def _pdf_string(text: str) -> str:
    """Text for the PDF's information dictionary, where hyperref allows no \\sphinxhyphen."""
    return _tex(text).replace(r"\sphinxhyphen{}", "-")


def _authors(citation: dict) -> list[str]:
    return [a.get("name") or f"{a['given-names']} {a['family-names']}" for a in citation["authors"]]


def _licences(citation: dict) -> list[str]:
    licence = citation.get("license", [])
    return [licence] if isinstance(licence, str) else list(licence)


def pdf_date(citation: dict) -> str:
    released = citation["date-released"]
    day = released if isinstance(released, dt.date) else dt.date.fromisoformat(str(released))
    return f"D:{day:%Y%m%d}000000Z"


def metadata_latex(citation: dict) -> str:
    """hyperref's document information, all from CITATION.cff."""
    fields = {
        "pdftitle": _pdf_string(citation["title"]),
        "pdfauthor": _pdf_string("; ".join(_authors(citation))),
        "pdfsubject": _pdf_string(citation.get("abstract", "")),
        "pdfkeywords": _pdf_string(", ".join(citation.get("keywords", []))),
        "pdfcreationdate": pdf_date(citation),
        "pdfmoddate": pdf_date(citation),
    }
    lines = [f"  {key}={{{value}}}," for key, value in fields.items()]
    lines.append(f"  pdfinfo={{Version={{{_pdf_string(citation['version'])}}}}},")
    return "\\hypersetup{%\n  bookmarksnumbered=true,\n" + "\n".join(lines) + "\n}\n"


def title_page_latex(citation: dict, recommended_citation: str) -> str:
    authors = r" \\ ".join(_tex(a) for a in _authors(citation))
    licences = ", ".join(_tex(x) for x in _licences(citation))
    return rf"""
\begin{{titlepage}}
  \pdfbookmark[0]{{{_tex(citation['title'])}}}{{book-title}}
  \raggedright
  \vspace*{{0.12\textheight}}
  {{\sffamily\bfseries\Huge {_tex(citation['title'])}\par}}
  \vspace{{3ex}}
  {{\Large {authors}\par}}
  \vspace{{2ex}}
  {{\large Version {_tex(citation['version'])}\par}}
  \vfill
  {{\small
  \textbf{{Recommended citation.}} {_tex(recommended_citation)}\par
  \medskip
  \textbf{{Licences.}} {licences}.\par}}
\end{{titlepage}}
"""


def configure_latex(app: Sphinx, config) -> None:
    from korean_ott.citation import plain_citation

    citation = read_citation(Path(app.srcdir))
    elements = config.latex_elements
    elements["preamble"] = (elements.get("preamble", "") + STRUCTURE_PREAMBLE
                            + metadata_latex(citation))
    elements["maketitle"] = title_page_latex(citation, plain_citation(citation))
    elements["tableofcontents"] = TABLE_OF_CONTENTS


# --- the assembled LaTeX document ---------------------------------------------------

def _raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex + "\n", format="latex")


def _holds_only_the_bibliography(env, docname: str) -> bool:
    from sphinxcontrib.bibtex.nodes import bibliography

    doctree = env.get_doctree(docname)
    if not any(True for _ in doctree.findall(bibliography)):
        return False
    body = [n for n in doctree.findall(nodes.Element)
            if isinstance(n, (nodes.paragraph, nodes.table, nodes.figure, nodes.literal_block,
                              nodes.list_item, nodes.container))]
    return not body


def structure_latex(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "latex" or docname != app.config.root_doc:
        return
    structure = book_structure(app.env.external_site_map)
    files = {node["docname"]: node for node in doctree.findall(addnodes.start_of_file)}
    missing = [d for d in structure.main + structure.appendices if d not in files]
    if missing:
        raise ExtensionError(f"the PDF lacks pages of _toc.yml: {missing}")

    # The root page: Sphinx drops its title; it opens the front matter as an unnumbered chapter.
    # Before the page's section, so that its label (links to the page) follows the heading.
    root_section = doctree.next_node(nodes.section)
    if root_section is not None:
        title = app.env.titles[structure.root].astext()
        root_section.parent.insert(root_section.parent.index(root_section), _raw(f"\\chapter{{{_tex(title)}}}"))

    def before(docname: str, latex: str) -> None:
        node = files[docname]
        node.parent.insert(node.parent.index(node), _raw(latex))

    before(structure.main[0], "\\bookmainmatter")
    if structure.appendices:
        before(structure.appendices[0], "\\bookappendices")
    back_matter = "\\bookbackmatter"
    for page in structure.back:
        if page in files and _holds_only_the_bibliography(app.env, page):
            files[page].parent.remove(files[page])
            # The list LaTeX prints carries the title of the page it stands for.
            back_matter += f"\n\\renewcommand{{\\bibname}}{{{_tex(app.env.titles[page].astext())}}}"
    references = next(iter(doctree.findall(thebibliography)), None)
    if references is not None:
        references.parent.insert(references.parent.index(references), _raw(back_matter))
    else:
        doctree.append(_raw(back_matter))


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", configure_latex)
    # After sphinxcontrib-bibtex and Sphinx's own post-transforms (the references list exists).
    app.connect("doctree-resolved", structure_latex, priority=800)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
