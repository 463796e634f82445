"""The small statistical helpers and the figure style."""

from __future__ import annotations

import math
import re

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


def test_set_book_style_runs():
    style.set_book_style()
    assert matplotlib.rcParams["figure.dpi"] == style.FIGURE_DPI
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert matplotlib.rcParams["svg.hashsalt"] == "korean-ott"
    cycle = [matplotlib.colors.to_hex(colour) for colour in
             matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle == [colour.lower() for colour in style.PALETTE]


def test_palette():
    assert len(style.PALETTE) == 8
    assert len({colour.lower() for colour in style.PALETTE}) == 8
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", colour) for colour in style.PALETTE)
    assert set(style.PALETTE) <= set(style.OKABE_ITO.values())


def test_role_colours_come_from_the_palette():
    assert set(style.ROLE_COLOURS.values()) <= set(style.OKABE_ITO.values())
    assert style.ROLE_COLOURS["korean"] != style.ROLE_COLOURS["other"]


def test_finish_adds_source_and_closes():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    returned = style.finish(fig, "Netflix Top 10")
    assert returned is fig
    texts = [text.get_text() for text in fig.texts]
    assert any(text.startswith("Source:") for text in texts)
    assert "Source: Netflix Top 10" in texts
    assert not plt.fignum_exists(fig.number)
    assert fig.subplotpars.bottom >= 0.16


def test_has_font():
    assert style.has_font("DejaVu Sans")
    assert not style.has_font("No Such Font 12345")
