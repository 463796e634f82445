"""The one glue helper: rounding as a reader rounds, and what it glues."""

import math

import pytest

from korean_ott import glue


@pytest.mark.parametrize("value, digits, expected", [
    (2.5, 0, 3), (3.5, 0, 4), (-2.5, 0, -3), (2.675, 2, 2.68), (0.05, 1, 0.1),
    (1234.4, 0, 1234), (0.983, 2, 0.98), (7, 1, 7.0), (12.0, 0, 12),
])
def test_rounds_half_away_from_zero(value, digits, expected):
    result = glue.rounded(value, digits)
    assert result == expected
    assert isinstance(result, int) == (digits == 0)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_refuses_non_finite_numbers(value):
    with pytest.raises(ValueError, match="non-finite"):
        glue.rounded(value)


def test_refuses_negative_digits():
    with pytest.raises(ValueError, match="digits"):
        glue.rounded(1.0, -1)


def test_glue_number_returns_what_it_glues(monkeypatch):
    glued = {}
    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    assert glue.glue_number("k", 0.9834, 2) == 0.98
    assert glue.glue_text("d", 2025) == "2025"
    assert glued == {"k": 0.98, "d": "2025"}
