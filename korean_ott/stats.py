"""Small statistical helpers shared by the chapters."""

from __future__ import annotations

import math


def percent_change(old: float, new: float) -> float:
    """Change from ``old`` to ``new`` in percent (negative for a fall)."""
    if old == 0:
        raise ValueError("percent change from zero is undefined")
    return (new - old) / old * 100


def format_interval(estimate: float, low: float, high: float, digits: int = 2, unit: str = "") -> str:
    """``"0.78 (95% CI 0.58 to 1.05)"``: how the book writes an estimate with its interval."""
    return f"{estimate:.{digits}f}{unit} (95% CI {low:.{digits}f}{unit} to {high:.{digits}f}{unit})"


def round_sig(value: float, figures: int = 3) -> float:
    """Round to significant figures, so glued numbers do not pretend to precision."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, figures - 1 - int(math.floor(math.log10(abs(value)))))
