"""One look for every figure in the book, drawn at the size it is printed.

Colours are the Okabe-Ito palette, which stays distinguishable under the
common forms of colour-vision deficiency. The font carries Hangul, because
several figures label Korean titles.

Every figure is stored twice: a PNG for the HTML and a PDF (vector, fonts
embedded, no dates) that myst-nb's LaTeX builder prefers, so the printed book
has no raster charts. Figures are drawn at the width of the PDF's text block,
so a font size in points here is the size on paper; `finish` refuses a figure
whose text would print smaller than `MIN_PRINTED_FONT_PT`.
"""

from __future__ import annotations

import re
import textwrap
from binascii import b2a_base64
from functools import partial
from io import BytesIO

import matplotlib
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.text import Text

#: Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
    "reddish purple": "#CC79A7", "black": "#000000", "grey": "#999999",
}
PALETTE = [OKABE_ITO[name] for name in
           ("blue", "orange", "bluish green", "vermillion", "sky blue", "reddish purple", "yellow", "black")]
#: Fixed roles, so that one platform has one colour in every chapter.
ROLE_COLOURS = {
    "korean": OKABE_ITO["vermillion"], "other": OKABE_ITO["grey"],
    "netflix": OKABE_ITO["vermillion"], "wavve": OKABE_ITO["blue"],
    "tving": OKABE_ITO["bluish green"], "coupang play": OKABE_ITO["orange"],
    "season 1": OKABE_ITO["blue"], "season 2": OKABE_ITO["orange"],
}
HANGUL_FONT = "Noto Sans CJK KR"
FALLBACK_FONT = "DejaVu Sans"

#: The PDF's text block: Sphinx's LaTeX defaults on A4 (1 in margins) give
#: \textwidth = 452.9679pt and \textheight = 700.50687pt (TeX points, 72.27 to
#: the inch), read from a LaTeX build of the book's _config.yml. A figure wider
#: than this (or taller) is shrunk to fit by \sphinxincludegraphics.
TEXT_WIDTH_IN = 452.9679 / 72.27
TEXT_HEIGHT_IN = 700.50687 / 72.27
#: Smallest type a reader should meet in a printed figure.
MIN_PRINTED_FONT_PT = 7.0
#: Default figure: the full text width, at the aspect ratio of the book's charts.
FIGURE_SIZE_IN = (TEXT_WIDTH_IN, 3.5)
#: Type sizes in points, as printed (figures are drawn at print width).
FONT_SIZES_PT = {"base": 9, "title": 10, "label": 9, "tick": 8, "legend": 8}
SOURCE_FONT_PT = 7.5
SOURCE_COLOUR = "#555555"
SOURCE_GAP_IN = 0.06

#: Resolution of the HTML's PNGs: a figure of text-block width is about 815 px.
FIGURE_DPI = 130
#: Resolution of anything raster inside a PDF figure (an image, a rasterized layer).
PRINT_DPI = 300
#: No creation date, no producer or creator version: the same figure gives the
#: same bytes on every run and every machine with the same fonts, as strict nbval needs.
PDF_METADATA = {"CreationDate": None, "Producer": None, "Creator": None}


class FigurePrintError(ValueError):
    """A figure that would print unreadably or in a font other than the book's."""


def book_font() -> str:
    """Noto Sans CJK KR (Hangul), or DejaVu Sans where it is not installed."""
    return HANGUL_FONT if has_font(HANGUL_FONT) else FALLBACK_FONT


def set_book_style() -> None:
    """Apply the book's seaborn theme; call once at the top of a chapter."""
    matplotlib.use("Agg")
    enable_figure_display()
    sizes = FONT_SIZES_PT
    sns.set_theme(context="paper", style="whitegrid", palette=PALETTE, font=book_font(),
                  rc={"axes.unicode_minus": False, "figure.dpi": FIGURE_DPI,
                      "savefig.dpi": PRINT_DPI, "figure.figsize": FIGURE_SIZE_IN,
                      "font.size": sizes["base"], "axes.titlesize": sizes["title"],
                      "figure.titlesize": sizes["title"], "axes.titleweight": "bold",
                      "figure.titleweight": "bold", "axes.labelsize": sizes["label"],
                      "xtick.labelsize": sizes["tick"], "ytick.labelsize": sizes["tick"],
                      "legend.fontsize": sizes["legend"], "legend.title_fontsize": sizes["legend"],
                      "svg.hashsalt": "korean-ott",
                      # Type 3: matplotlib 3.11 embeds a CFF-flavoured OpenType font such as
                      # Noto Sans CJK as TrueType (Type 42) under a TrueType header, which
                      # Ghostscript draws with no text and poppler flags as a mismatch.
                      "pdf.fonttype": 3})


def enable_figure_display() -> None:
    """Let IPython show (and myst-nb glue) figures as PNG and PDF under the Agg backend.

    Switching to Agg bypasses the inline backend, which is what registers the
    PNG formatter; without it a glued figure is only its text repr. The HTML
    uses the PNG; the LaTeX builder prefers application/pdf. Outside IPython
    this does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    for formatter in formatters.values():
        formatter.pop(Figure, None)
    formatters["image/png"].for_type(Figure, partial(_base64, figure_png))
    formatters["application/pdf"].for_type(Figure, partial(_base64, figure_pdf))
    formatters["application/pdf"].enabled = True


def figure_png(fig: Figure) -> bytes:
    """The figure as the HTML shows it (cropped to its content, FIGURE_DPI)."""
    return _render(fig, "png", FIGURE_DPI)


def figure_pdf(fig: Figure) -> bytes:
    """The figure as the PDF prints it (cropped, vector, fonts embedded, no dates)."""
    return _render(fig, "pdf", PRINT_DPI, metadata=PDF_METADATA)


def _render(fig: Figure, fmt: str, dpi: float, **options) -> bytes:
    buffer = BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight", facecolor=fig.get_facecolor(),
                edgecolor=fig.get_edgecolor(), **options)
    return buffer.getvalue()


def _base64(render, fig: Figure) -> str | None:
    if not fig.axes and not fig.lines:
        return None  # as IPython does: an empty figure is not shown
    return b2a_base64(render(fig), newline=False).decode("ascii")


def has_font(name: str) -> bool:
    from matplotlib import font_manager
    return any(font.name == name for font in font_manager.fontManager.ttflist)


def add_source(fig: Figure, text: str) -> Text:
    """Print the data source under everything else in the figure, flush left, in small grey type.

    The line is wrapped to the width of the figure's content, so it never makes
    the figure wider (and so smaller in print).
    """
    fig.draw_without_rendering()  # runs a layout engine (constrained layout) before measuring
    content = fig.get_tightbbox()
    width, height = fig.get_size_inches()
    # Figure fractions, not inches: a cropped save moves the figure's frame, not the inch grid.
    label = fig.text(content.x0 / width, (content.y0 - SOURCE_GAP_IN) / height, "",
                     ha="left", va="top", fontsize=SOURCE_FONT_PT, color=SOURCE_COLOUR)
    label.set_text(_wrapped(label, f"Source: {text}", content.width))
    return label


def _wrapped(label: Text, text: str, width_in: float) -> str:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            label.set_text(candidate)
            if current and label.get_window_extent().width / label.get_figure(root=True).dpi > width_in:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return "\n".join(lines)


def printed_size_in(fig: Figure) -> tuple[float, float]:
    """Width and height, in inches, of the figure's PDF (cropped to its content), as LaTeX includes it.

    Read from the PDF itself: the Agg renderer measures text a little differently.
    """
    media_box = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", figure_pdf(fig))
    return float(media_box[1]) / 72, float(media_box[2]) / 72


def printed_scale(fig: Figure, size_in: tuple[float, float] | None = None) -> float:
    """How much the PDF shrinks the figure to fit the text block (1 when it fits)."""
    width, height = size_in or printed_size_in(fig)
    return min(1.0, TEXT_WIDTH_IN / width, TEXT_HEIGHT_IN / height)


def figure_title(fig: Figure) -> str:
    titles = [fig.get_suptitle()] + [ax.get_title(loc) for ax in fig.axes for loc in ("center", "left", "right")]
    title = next((t for t in titles if t.strip()), "untitled figure")
    return " ".join(title.split())


def _shown_texts(fig: Figure) -> list[tuple[str, Text]]:
    """Every visible, non-empty text, named for an error message; tick labels by axis."""
    tick_axis = {id(label): f"{name} tick labels" for ax in fig.axes
                 for name, axis in (("x", ax.xaxis), ("y", ax.yaxis))
                 for label in axis.get_ticklabels(which="both")}
    return [(tick_axis.get(id(text), repr(_short(text.get_text()))), text) for text in fig.findobj(Text)
            if text.get_visible() and text.get_text().strip()]


def check_print_size(fig: Figure) -> None:
    """Raise FigurePrintError if any text would print under MIN_PRINTED_FONT_PT or in another font.

    The printed size is the font size times the factor by which LaTeX shrinks a
    figure wider (or taller) than the text block.
    """
    size_in = printed_size_in(fig)
    scale = printed_scale(fig, size_in)
    expected_font = book_font()
    too_small: dict[str, float] = {}
    other_fonts: dict[str, str] = {}
    for name, text in _shown_texts(fig):
        if text.get_fontsize() * scale < MIN_PRINTED_FONT_PT - 1e-6:
            too_small.setdefault(name, text.get_fontsize())
        if text.get_fontname() != expected_font:
            other_fonts.setdefault(name, text.get_fontname())
    problems = []
    if too_small:
        fits = "fits the" if scale == 1 else f"is {size_in[0]:.2f} in wide, so it prints at {scale:.0%} in the"
        shown = "; ".join(f"{name} {size:g} pt, printed {size * scale:.2f} pt" for name, size in too_small.items())
        problems.append(f"it {fits} {TEXT_WIDTH_IN:.2f} in text block, and text prints under "
                        f"{MIN_PRINTED_FONT_PT:g} pt: {shown}")
    if other_fonts:
        shown = "; ".join(f"{name} in {font}" for name, font in other_fonts.items())
        problems.append(f"text not in the book's font {expected_font}: {shown}")
    if problems:
        raise FigurePrintError(f"Figure {figure_title(fig)!r}: " + ". ".join(problems)
                               + ". Use larger type, or a figsize at most TEXT_WIDTH_IN wide.")


def _short(text: str) -> str:
    return textwrap.shorten(" ".join(text.split()), 60, placeholder="...")


def finish(fig: Figure, source: str) -> Figure:
    """Add the source line, check the figure prints legibly, and close it so it is shown only where glued."""
    add_source(fig, source)
    try:
        check_print_size(fig)
    finally:
        plt.close(fig)
    return fig
