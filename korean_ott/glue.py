"""The book's one way of gluing numbers and words into the prose.

Every chapter glues through these functions, so a number is rounded the same
way on every page (half away from zero, at a stated number of decimals) and a
number stated on two pages is the same text on both.

Estimates and verdicts that more than one page states are glued under keys that
start with :data:`SHARED_PREFIX` (``ev_``). Each such key is computed by one
function of this package; ``tests/test_consistency.py`` fails when two pages
glue different values under one ``ev_`` key, or when a page pastes another
page's key that does not exist there.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

SHARED_PREFIX = "ev_"


def rounded(value: float, digits: int = 0) -> int | float:
    """``value`` rounded half away from zero: an ``int`` for ``digits=0``, else a ``float``.

    Python's ``round`` rounds halves to even and works on binary floats
    (``round(2.675, 2) == 2.67``); the book rounds as a reader would.
    """
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot glue a non-finite number: {value!r}")
    if digits < 0:
        raise ValueError("digits must be 0 or more")
    quantum = Decimal(1).scaleb(-digits)
    result = Decimal(repr(number)).quantize(quantum, rounding=ROUND_HALF_UP)
    if digits == 0:
        return int(result)
    return float(result)


def glue_number(key: str, value: float, digits: int = 0) -> int | float:
    """Glue ``value`` rounded to ``digits`` decimals for the prose; return what was glued.

    Nothing is shown where the cell runs. In Markdown, ``{glue:text}`key```
    pastes it, ``{glue:text}`key:,``` adds thousands separators.
    """
    from myst_nb import glue

    number = rounded(value, digits)
    glue(key, number, display=False)
    return number


def glue_text(key: str, text: object) -> str:
    """Glue a date, a title or a verdict as plain text (``{glue:text}`` shows no quotes)."""
    from myst_nb import glue

    words = str(text)
    glue(key, words, display=False)
    return words
