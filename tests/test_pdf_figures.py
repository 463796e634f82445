"""The PDF's figures are fit for print: vector, and any raster image at 300 ppi or more.

Each figure is stored by its notebook as PNG (for the HTML) and PDF; myst-nb's
LaTeX builder takes the PDF (see korean_ott/style.py). These checks read what
was actually built: the figure files that _build/latex/book.tex includes, the
image list of book.pdf (poppler's pdfimages) and its fonts (pdffonts).

`make test` builds the book first and sets BOOK_BUILT=1, so these tests fail
there if anything is missing; run alone without a build, they are skipped.
"""

from __future__ import annotations

import re

from conftest import BUILT_LATEX, BUILT_PDF, BUILT_TEX, poppler, requires_built_pdf

LATEX, PDF, TEX = BUILT_LATEX, BUILT_PDF, BUILT_TEX
#: What printers and journals ask of a raster image at its printed size.
MIN_PPI = 300

pytestmark = requires_built_pdf

_INCLUDED = re.compile(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{(?P<file>\{[^}]*\}\.\w+|[^{}]+)\}")


def included_graphics() -> list[str]:
    assert TEX.exists(), "_build/latex/book.tex missing: run `make book`"
    return [match["file"].replace("{", "").replace("}", "")
            for match in _INCLUDED.finditer(TEX.read_text(encoding="utf-8"))]


def test_every_figure_is_included_as_a_vector_pdf():
    graphics = included_graphics()
    assert graphics, "book.tex includes no figure at all"
    raster = [name for name in graphics if not name.lower().endswith(".pdf")]
    assert not raster, (f"{len(raster)} of {len(graphics)} figures are raster files in the PDF: {raster}; "
                        "the notebook stored no application/pdf output for them (korean_ott.style.set_book_style "
                        "registers it; re-execute the notebook)")
    missing = [name for name in graphics if not (LATEX / name).exists()]
    assert not missing, f"figure files missing from _build/latex: {missing}"


def test_no_raster_image_under_300_ppi():
    """pdfimages -list: one row per image, with its resolution as placed on the page."""
    rows = poppler("pdfimages", "-list", str(PDF)).stdout.splitlines()
    assert rows[:1] and rows[0].split()[:2] == ["page", "num"], f"unexpected pdfimages output: {rows[:2]}"
    header = rows[0].split()
    x_ppi, y_ppi = header.index("x-ppi"), header.index("y-ppi")
    low = []
    for row in rows[2:]:
        cells = row.split()
        if min(int(cells[x_ppi]), int(cells[y_ppi])) < MIN_PPI:
            low.append(f"page {cells[0]}: {cells[2]} {cells[3]}x{cells[4]} px at {cells[x_ppi]}x{cells[y_ppi]} ppi")
    assert not low, f"raster images under {MIN_PPI} ppi in book.pdf: " + "; ".join(low)


def test_every_font_is_embedded_and_figures_use_the_book_font():
    listing = poppler("pdffonts", str(PDF))
    rows = listing.stdout.splitlines()[2:]
    assert rows
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]  # name and type may hold spaces
    assert not not_embedded, "fonts not embedded in book.pdf:\n" + "\n".join(not_embedded)
    assert "Mismatch" not in listing.stderr, f"a font's type does not match its embedded file: {listing.stderr}"
    # matplotlib embeds figure text as Type 3 subsets of the figure font.
    figure_fonts = {row.split()[0].split("+")[-1] for row in rows if " Type 3 " in row}
    assert figure_fonts, "no figure text found in book.pdf (matplotlib's Type 3 fonts)"
    assert all(name.startswith("NotoSansCJKkr") for name in figure_fonts), (
        f"figure text in other fonts than Noto Sans CJK KR: {sorted(figure_fonts)}")
