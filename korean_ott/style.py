"""One look for every figure in the book.

Colours are the Okabe-Ito palette, which stays distinguishable under the
common forms of colour-vision deficiency. The font carries Hangul, because
several figures label Korean titles.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import seaborn as sns

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
FIGURE_DPI = 110


def set_book_style() -> None:
    """Apply the book's seaborn theme; call once at the top of a chapter."""
    matplotlib.use("Agg")
    enable_figure_display()
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE,
                  font=HANGUL_FONT if has_font(HANGUL_FONT) else "DejaVu Sans",
                  rc={"axes.unicode_minus": False, "figure.dpi": FIGURE_DPI,
                      "savefig.dpi": FIGURE_DPI, "figure.figsize": (7.5, 4.2),
                      "axes.titlesize": 12, "axes.titleweight": "bold",
                      "svg.hashsalt": "korean-ott", "pdf.fonttype": 42})


def enable_figure_display() -> None:
    """Let IPython show (and myst-nb glue) figures as PNG under the Agg backend.

    Switching to Agg bypasses the inline backend, which is what registers the
    PNG formatter; without it a glued figure is only its text repr. Outside
    IPython this does nothing.
    """
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        select_figure_formats(shell, {"png"}, dpi=FIGURE_DPI)


def has_font(name: str) -> bool:
    from matplotlib import font_manager
    return any(font.name == name for font in font_manager.fontManager.ttflist)


def add_source(fig: plt.Figure, text: str) -> None:
    """Print the data source under the figure, flush left, in small grey type."""
    fig.text(0.01, 0.005, f"Source: {text}", ha="left", va="bottom",
             fontsize=8, color="#555555")
    fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, 0.16))


def finish(fig: plt.Figure, source: str) -> plt.Figure:
    """Add the source line and close the figure so it is shown only where glued."""
    add_source(fig, source)
    plt.close(fig)
    return fig
