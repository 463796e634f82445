"""The small statistical helpers and the figure style."""

from __future__ import annotations

import base64
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from korean_ott import stats, style  # noqa: E402


def test_percent_change():
    assert stats.percent_change(115, 90) == pytest.approx(-21.739, abs=1e-3)
    assert round(stats.percent_change(115, 90), 2) == -21.74
    assert stats.percent_change(90, 115) == pytest.approx(27.778, abs=1e-3)
    assert stats.percent_change(50, 50) == 0
    assert stats.percent_change(-10, -5) == pytest.approx(-50)


def test_percent_change_from_zero_raises():
    with pytest.raises(ValueError, match="zero"):
        stats.percent_change(0, 5)


def test_format_interval():
    assert stats.format_interval(0.78, 0.58, 1.05) == "0.78 (95% CI 0.58 to 1.05)"
    assert stats.format_interval(12.345, 10, 15.5, digits=1, unit="%") == "12.3% (95% CI 10.0% to 15.5%)"
    assert stats.format_interval(-1.5, -2.25, -0.75, digits=0) == "-2 (95% CI -2 to -1)"


@pytest.mark.parametrize(("value", "figures", "expected"), [
    (123_456, 3, 123_000),
    (122_900_000, 2, 120_000_000),
    (0.0012345, 2, 0.0012),
    (-98_765, 3, -98_800),
    (21.739, 3, 21.7),
    (9.99, 1, 10),
    (0, 3, 0),
])
def test_round_sig(value, figures, expected):
    assert stats.round_sig(value, figures) == pytest.approx(expected)


def test_round_sig_non_finite():
    assert math.isnan(stats.round_sig(float("nan")))
    assert stats.round_sig(float("inf")) == float("inf")

# --- the figure style ---------------------------------------------------------

@pytest.fixture
def book_style():
    """The book's figure style, undone after the test."""
    with matplotlib.rc_context():
        style.set_book_style()
        yield


def test_set_book_style_runs(book_style):
    assert matplotlib.rcParams["figure.dpi"] == style.FIGURE_DPI
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert matplotlib.rcParams["svg.hashsalt"] == "korean-ott"
    assert matplotlib.rcParams["pdf.fonttype"] == 3
    assert tuple(matplotlib.rcParams["figure.figsize"]) == pytest.approx(style.FIGURE_SIZE_IN)
    assert matplotlib.rcParams["font.family"] == [style.book_font()]
    cycle = [matplotlib.colors.to_hex(colour) for colour in
             matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle == [colour.lower() for colour in style.PALETTE]


def test_print_sizes_fit_the_text_block():
    # A4 is 8.27 in wide; Sphinx's LaTeX defaults leave 1 in margins each side.
    assert style.TEXT_WIDTH_IN == pytest.approx(8.27 - 2, abs=0.01)
    assert style.FIGURE_SIZE_IN[0] <= style.TEXT_WIDTH_IN
    assert min(style.FONT_SIZES_PT.values()) >= style.MIN_PRINTED_FONT_PT
    assert style.SOURCE_FONT_PT >= style.MIN_PRINTED_FONT_PT


def test_palette():
    assert len(style.PALETTE) == 8
    assert len({colour.lower() for colour in style.PALETTE}) == 8
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", colour) for colour in style.PALETTE)
    assert set(style.PALETTE) <= set(style.OKABE_ITO.values())


def test_role_colours_come_from_the_palette():
    assert set(style.ROLE_COLOURS.values()) <= set(style.OKABE_ITO.values())
    assert style.ROLE_COLOURS["korean"] != style.ROLE_COLOURS["other"]


def test_finish_adds_source_and_closes(book_style):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    ax.set_xlabel("Year")
    returned = style.finish(fig, "Netflix Top 10")
    assert returned is fig
    assert [text.get_text() for text in fig.texts] == ["Source: Netflix Top 10"]
    assert not plt.fignum_exists(fig.number)
    # Under everything else, so it never overlaps the axis label.
    assert fig.texts[0].get_window_extent().y1 < ax.get_tightbbox().y0


def test_source_line_sits_under_a_constrained_layout(book_style):
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([1, 2], [3, 4])
    ax.set_xlabel("Year")
    style.finish(fig, "Netflix Top 10")
    fig.draw_without_rendering()
    assert fig.texts[0].get_window_extent().y1 < ax.get_tightbbox().y0


def test_source_line_wraps_to_the_figure_content(book_style):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 2], [3, 4])
    content = fig.get_tightbbox()
    label = style.add_source(fig, "a long list of sources " * 6)
    assert label.get_text().count("\n") >= 2
    assert label.get_window_extent().width / fig.dpi <= content.width + 1e-6
    assert style.printed_size_in(fig)[0] == pytest.approx(content.padded(0.1).width, abs=0.01)
    plt.close(fig)


def test_book_defaults_print_at_full_size(book_style):
    fig, ax = plt.subplots()
    ax.plot([2019, 2024], [3, 4], label="Wavve 웨이브")
    ax.set(title="A title", xlabel="Year", ylabel="Users (millions)")
    ax.legend()
    style.finish(fig, "facts register")
    assert style.printed_scale(fig) == 1


def test_finish_rejects_text_under_seven_points(book_style):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    ax.set_title("Korean share of the chart")
    ax.text(1.5, 3.5, "a small note", fontsize=6)
    with pytest.raises(style.FigurePrintError, match=r"'Korean share of the chart'.*fits the.*'a small note' 6 pt, printed 6\.00 pt"):
        style.finish(fig, "Netflix Top 10")
    assert not plt.fignum_exists(fig.number)


def test_finish_rejects_a_wide_figure_whose_text_shrinks(book_style):
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot([1, 2], [3, 4])
    ax.set_title("Wide timeline")
    ax.legend(["a legend entry"], fontsize=8)
    with pytest.raises(style.FigurePrintError) as error:
        style.finish(fig, "facts register")
    message = str(error.value)
    assert "'Wide timeline'" in message
    assert f"{style.TEXT_WIDTH_IN:.2f} in text block" in message
    assert f"prints at {style.printed_scale(fig):.0%} in the" in message
    printed = 8 * style.printed_scale(fig)
    assert f"'a legend entry' 8 pt, printed {printed:.2f} pt" in message
    assert f"'Source: facts register' 7.5 pt, printed {7.5 / 8 * printed:.2f} pt" in message
    assert f"x tick labels 8 pt, printed {printed:.2f} pt" in message


def test_finish_rejects_another_font_family(book_style):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    ax.set_title("Mixed fonts")
    ax.set_xlabel("Year", fontfamily="DejaVu Serif")
    with pytest.raises(style.FigurePrintError, match=r"'Mixed fonts'.*'Year' in DejaVu Serif"):
        style.finish(fig, "facts register")


def _small_figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 2, 3], [2, 1, 3], label="약한영웅")
    ax.set_title("웨이브 to Netflix")
    ax.legend()
    return style.finish(fig, "facts register")


def test_pdf_bytes_are_deterministic(book_style):
    first, second = style.figure_pdf(_small_figure()), style.figure_pdf(_small_figure())
    assert first.startswith(b"%PDF")
    assert first == second
    for varying in (b"/CreationDate", b"/ModDate", b"/Producer", b"/Creator", b"Matplotlib v"):
        assert varying not in first


def test_pdf_bytes_are_the_same_in_another_process(book_style):
    """What nbval compares: a fresh kernel stores the same PDF as the committed notebook."""
    script = ("import sys\n"
              "sys.path.insert(0, sys.argv[1])\n"
              "import test_stats_style as t\n"
              "t.style.set_book_style()\n"
              "sys.stdout.buffer.write(t.style.figure_pdf(t._small_figure()))\n")
    other = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], check=True,
                           capture_output=True, env={**os.environ, "PYTHONHASHSEED": "12345"}).stdout
    assert other == style.figure_pdf(_small_figure())


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="pdffonts (poppler-utils) is not installed")
def test_pdf_embeds_its_fonts(book_style, tmp_path):
    pdf = tmp_path / "figure.pdf"
    pdf.write_bytes(style.figure_pdf(_small_figure()))
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
    rows = listing.stdout.splitlines()[2:]
    assert rows, "the figure's PDF has no fonts"
    family = style.book_font().replace(" ", "").lower()
    for row in rows:
        name, *_ = row.split()
        assert family in name.lower(), f"figure font is not {style.book_font()}: {row}"
        assert " yes " in row, f"font not embedded: {row}"
    assert "Mismatch" not in listing.stderr, listing.stderr


def test_ipython_shows_figures_as_png_and_pdf(book_style, monkeypatch):
    import IPython
    from IPython.core.formatters import DisplayFormatter

    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    style.enable_figure_display()
    fig = _small_figure()
    bundle, _ = shell.display_formatter.format(fig)
    assert set(bundle) == {"text/plain", "image/png", "application/pdf"}
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert base64.b64decode(bundle["application/pdf"]) == style.figure_pdf(fig)


def test_has_font():
    assert style.has_font("DejaVu Sans")
    assert not style.has_font("No Such Font 12345")
