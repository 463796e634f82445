"""How the book shows a table: no row index, readable p-values, the same bytes every run.

A bare DataFrame shows pandas' 0..n row index, and ``DataFrame.style`` names its
HTML after a random identifier, which strict nbval would see as a changed
output. :func:`show` returns a :class:`Table`, which renders as HTML (for the
web book) and as plain text (for the PDF and the console), both without the
index and both deterministic.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd


def format_p(p: float) -> str:
    """A p-value as a reader reads it: ``< 0.001``, ``0.004``, ``0.08``, ``0.62``."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value lies between 0 and 1, not {p}")
    if p < 0.001:
        return "< 0.001"
    if p < 0.01:
        return f"{p:.3f}"
    return f"{p:.2f}"


#: Limits of the plain-text form only (a printed page holds about this much).
TEXT_MAX_ROWS, TEXT_HEAD_ROWS, TEXT_MAX_CELL = 40, 30, 60


def shorten(text: str, width: int = TEXT_MAX_CELL) -> str:
    """A cell's text cut to ``width`` characters, ending in an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def format_number(value: float) -> str:
    """A float as written: no exponent, no trailing zeros, at most four decimals."""
    return np.format_float_positional(float(value), precision=4, trim="-")


class Table:
    """A table for display: HTML without index, and an aligned text form without index."""

    def __init__(self, frame: pd.DataFrame, *, pvalues: Iterable[str] = (), name: str | None = None):
        shown = frame.reset_index(drop=True).copy()
        for column in pvalues:
            if column not in shown.columns:
                raise KeyError(f"no column {column!r} to format as a p-value; columns: {list(shown.columns)}")
            shown[column] = shown[column].map(format_p)
        self.frame = shown
        text = shown.to_csv(index=False)
        self.name = name or hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]

    def _repr_html_(self) -> str:
        return (self.frame.style.hide(axis="index")
                .format(format_number, subset=self.frame.select_dtypes("float").columns, na_rep="")
                .format(escape="html", subset=self.frame.select_dtypes(exclude="float").columns, na_rep="")
                .set_uuid(self.name).to_html())

    def __repr__(self) -> str:
        """The plain-text form, which the PDF prints: long cells shortened, long tables
        shown in part with a line that says so (the HTML form is always whole)."""
        shown = self.frame
        if len(shown) > TEXT_MAX_ROWS:
            shown = shown.head(TEXT_HEAD_ROWS)
        text = shown.astype(object).where(shown.notna(), "").map(
            lambda cell: shorten(format_number(cell) if isinstance(cell, float) else str(cell)))
        lines = text.to_string(index=False)
        if len(self.frame) > TEXT_MAX_ROWS:
            lines += (f"\n[{len(shown)} of {len(self.frame)} rows shown here; "
                      "the HTML edition of the book shows the whole table]")
        return lines


def show(frame: pd.DataFrame, *, pvalues: Iterable[str] = (), name: str | None = None) -> Table:
    """Display ``frame`` without its index, p-value columns formatted by :func:`format_p`."""
    return Table(frame, pvalues=pvalues, name=name)
