"""How the book shows a table: a captioned, numbered table in the HTML and the PDF alike.

Usage, in a chapter's code cell (the last expression of the cell)::

    from korean_ott.tables import show, estimates_table
    show(counts, caption=f"Dramas per year, {first}-{last}", label="tbl-prod-dramas")
    show(estimates_table(fit, terms=["years"], names={"years": "per year"}, exp=True),
         caption="Rate ratio of Korean titles per year", label="tbl-prod-rate", pvalues=["p"])
    show(per_year, caption="Titles per year", label="tbl-prod-titles",
         full=per_title, full_caption="Every title")   # writes chapters/tables/tbl-prod-titles.csv

and in the prose: ``{numref}`tbl-prod-dramas` shows ...`` (never a typed "Table 3.2").
Labels are ``tbl-<page prefix>-<what>``; at most 8 columns; round numbers before
showing them (floats print with at most four decimals, never an exponent); the CSV
of a ``full=`` listing is committed with the notebook.

:func:`show` returns a :class:`Table` whose notebook output is a MyST ``{table}``
directive (``text/markdown``; ``_config.yml`` sets ``nb_render_markdown_format:
myst``), so Sphinx numbers it ("Table 3.2") in both editions and the prose refers
to it with ``{numref}`tbl-...```. There is deliberately no ``text/html`` form:
myst-nb would prefer it in the HTML, and the table would lose its number.
The ``text/plain`` form is one line naming the table.

No pandas index, no exponent notation, p-values as a reader reads them, cell text
escaped so MyST never interprets it, and the same bytes every run (strict nbval
compares them). Nothing is ever cut by a display limit: a table too long for a
printed page is summarised, and the whole listing given with ``full=``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
#: Where ``full=`` listings are written. Every notebook of the book sits in
#: ``chapters/``, so its ``{download}`` link is ``tables/<label>.csv``.
CSV_DIR = ROOT / "chapters" / "tables"
CSV_LINK_DIR = "tables"

LABEL = re.compile(r"tbl-[a-z0-9]+(?:-[a-z0-9]+)*")
#: An A4 page holds about this many columns of a readable table.
MAX_COLUMNS = 8
#: Above this many rows a table may run over a page (LaTeX ``longtable``, header repeated).
#: A shorter table is one unbreakable box: it moves whole to the next page, which
#: costs at most about a third of a page; a longer box ran past the foot of the page.
LONGTABLE_ROWS = 12
#: Bounds of one column's share in ``:widths:`` (in characters of its longest cell).
MIN_WIDTH, MAX_WIDTH, HEADER_WIDTH = 4, 30, 12
#: A table cell's padding, and the PDF's line, in characters of table text (A4, 11 pt).
COLUMN_PADDING, LINE_WIDTH = 3, 80
#: Width of the PDF's header face (sans-serif) relative to its body text.
HEADER_FACE = 1.2

# Characters MyST would read as markup inside a table cell: escapes, code, emphasis,
# roles and substitutions ({ }), links and footnotes ([ ]), raw HTML and autolinks
# (< >), the cell separator, dollar math, strikethrough and entities (&amp;).
_MARKUP = re.compile(r"([\\`*_{}\[\]<>|$~&])")


def format_p(p: float) -> str:
    """A p-value as a reader reads it: ``< 0.001``, ``0.004``, ``0.08``, ``0.62``."""
    if p is None or (isinstance(p, float) and math.isnan(p)) or p is pd.NA:
        return ""
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value lies between 0 and 1, not {p}")
    if p < 0.001:
        return "< 0.001"
    if p < 0.01:
        return f"{p:.3f}"
    return f"{p:.2f}"


def format_number(value: float) -> str:
    """A float as written: no exponent, no trailing zeros, at most four decimals."""
    return np.format_float_positional(float(value), precision=4, trim="-")


def escape_markdown(text: str) -> str:
    """``text`` as literal MyST inline text (one line; Hangul and other letters untouched)."""
    # Line breaks and runs of spaces become one space; a no-break space stays.
    return _MARKUP.sub(r"\\\1", re.sub(r"[ \t\r\n\f\v]+", " ", str(text)).strip(" "))


def format_cell(value) -> str:
    """One cell's text, before escaping: NaN/None empty, floats by :func:`format_number`,
    integers without decimals, booleans "yes"/"no", midnight timestamps as dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else format_number(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    return str(value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def numeric_columns(frame: pd.DataFrame, pvalues: Iterable[str] = ()) -> list[bool]:
    """Which columns hold numbers (right-aligned): numeric dtypes, object columns of
    numbers only, and the p-value columns."""
    flags = []
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        if name in set(pvalues):
            flags.append(True)
        elif pd.api.types.is_bool_dtype(column):
            flags.append(False)
        elif pd.api.types.is_numeric_dtype(column):
            flags.append(True)
        elif column.dtype == object:
            present = column.dropna()
            flags.append(len(present) > 0 and all(_is_number(v) for v in present))
        else:
            flags.append(False)
    return flags


def display_width(text: str) -> int:
    """Columns ``text`` takes on a page: wide (Hangul, CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(header: Sequence[str], cells: Sequence[Sequence[str]]) -> list[int]:
    """Relative column widths from content: the longest cell, header word, or header of up to
    HEADER_WIDTH characters (kept on one line), bounded to
    [MIN_WIDTH, MAX_WIDTH] so a long text column wraps instead of crowding out the rest."""
    widths = []
    for position, name in enumerate(header):
        longest_word = max((display_width(word) for word in str(name).split()), default=0)
        short_header = min(display_width(str(name)), HEADER_WIDTH)
        longest_cell = max((display_width(row[position]) for row in cells), default=0)
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, longest_word, short_header, longest_cell)))
    return widths


def word_widths(header: Sequence[str], cells: Sequence[Sequence[str]]) -> list[int]:
    """Each column's longest unbreakable word (cell or header): the narrowest the PDF
    can make the column without text running into the next one. Headers are set in a
    wider sans-serif face, so their words count HEADER_FACE times."""
    return [max([math.ceil(HEADER_FACE * display_width(word)) for word in words(str(name))]
                + [display_width(word) for row in cells for word in words(row[position])], default=0)
            for position, name in enumerate(header)]


def words(text: str) -> list[str]:
    """Words as the PDF breaks lines: at spaces, never at a no-break space."""
    return [word for word in re.split(r"[ \t\r\n]+", text) if word]


def pdf_widths(widths: Sequence[int], minimums: Sequence[int] | None = None) -> list[int]:
    """Column widths for the PDF, padding included. A table wider than the line narrows
    its widest columns first, to a common width, never below a column's longest word
    (``minimums``): long text wraps, and numbers and short columns keep their room."""
    padded = [width + COLUMN_PADDING for width in widths]
    floors = [min(width, max(MIN_WIDTH, minimum)) + COLUMN_PADDING
              for width, minimum in zip(widths, minimums or widths)]

    def capped(cap: int) -> list[int]:
        return [max(floor, min(width, cap)) for width, floor in zip(padded, floors)]

    if sum(padded) <= LINE_WIDTH:
        return padded
    cap = max(padded)
    while cap > min(floors) and sum(capped(cap)) > LINE_WIDTH:
        cap -= 1
    return capped(cap)


def tabularcolumns_spec(numeric: Sequence[bool], widths: Sequence[int], minimums: Sequence[int] | None = None) -> str:
    r"""The LaTeX column spec: every column a wrapping ``\X{w}{total}`` paragraph column,
    numbers flush right, text flush left. ``w`` comes from :func:`pdf_widths`; ``total``
    is at least a printed line's worth, so a narrow table stays narrow instead of being
    stretched across the page."""
    columns = pdf_widths(widths, minimums)
    total = max(sum(columns), LINE_WIDTH)
    return "".join(
        (r">{\raggedleft\arraybackslash}" if is_number else r">{\raggedright\arraybackslash}")
        + rf"\X{{{width}}}{{{total}}}"
        for is_number, width in zip(numeric, columns))


def pipe_table(header: Sequence[str], cells: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    """A GFM pipe table of already formatted text (escaped here)."""
    lines = ["| " + " | ".join(escape_markdown(name) for name in header) + " |",
             "|" + "|".join("--:" if is_number else ":--" for is_number in numeric) + "|"]
    lines += ["| " + " | ".join(escape_markdown(cell) for cell in row) + " |" for row in cells]
    return "\n".join(lines)


def _formatted(frame: pd.DataFrame, pvalues: Iterable[str]) -> tuple[list[str], list[list[str]]]:
    p_columns = set(pvalues)
    header = [str(name) for name in frame.columns]
    columns = []
    for position, name in enumerate(frame.columns):
        values = frame.iloc[:, position].tolist()
        if name in p_columns:
            # A no-break space keeps "< 0.001" on one line in a narrow column.
            columns.append([format_p(value).replace("< ", "<\u00a0") for value in values])
        elif pd.api.types.is_float_dtype(frame.iloc[:, position]):
            columns.append(aligned_decimals(values))
        else:
            columns.append([format_cell(value) for value in values])
    return header, [list(row) for row in zip(*columns)] if columns else []


def aligned_decimals(values: Sequence[float]) -> list[str]:
    """A float column's cells with one number of decimals, the most any of them needs
    (at most four), so that "1.90" stands above "1.55" and not "1.9"."""
    decimals = max((len(text.partition(".")[2]) for text in map(format_cell, values)), default=0)
    return ["" if value is None or math.isnan(value)
            else np.format_float_positional(float(value), precision=decimals, unique=False,
                                            fractional=True, trim="k" if decimals else "-")
            for value in values]


def _check_frame(frame, what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    if isinstance(frame.columns, pd.MultiIndex):
        raise ValueError(f"{what} has MultiIndex columns {list(frame.columns)[:3]}…; "
                         "flatten them to single names first")
    if frame.empty:
        raise ValueError(f"{what} has no rows or no columns; say so in the text instead of showing an empty table")


#: Significant digits of a float in a CSV listing: far more than any table shows, and
#: few enough that the last bits of a p-value, which differ between platforms and
#: library versions, never change the committed file.
CSV_DIGITS = 10


def write_csv(frame: pd.DataFrame, path: Path) -> bool:
    """Write ``frame`` as CSV, byte for byte the same every run (no index, ``\\n`` line
    ends, UTF-8, floats positional to CSV_DIGITS significant digits). Returns whether
    the file changed."""
    text = frame.to_csv(index=False, lineterminator="\n", na_rep="", float_format=lambda x: np.format_float_positional(
        x, precision=CSV_DIGITS, unique=True, fractional=False, trim="-"))
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# Directives are colon fences (MyST's colon_fence extension, on in _config.yml): a
# backtick fence's info string may not contain a backtick, and a caption with a role
# ({numref}`fig-...`, *title* is fine either way) would then not be a directive at all.
TABLE_FENCE, OUTER_FENCE = ":::", "::::"


def size(rows: int, columns: int) -> str:
    """"1 row × 4 columns", "12 rows × 5 columns"."""
    return f"{rows} row{'s' * (rows != 1)} × {columns} column{'s' * (columns != 1)}"


class Table:
    """A captioned, labelled table: ``text/markdown`` (MyST) and a one-line ``text/plain``."""

    def __init__(self, frame: pd.DataFrame, *, caption: str, label: str, pvalues: Iterable[str] = (),
                 full: pd.DataFrame | None = None, full_caption: str | None = None,
                 widths: Sequence[int] | None = None, max_columns: int = MAX_COLUMNS,
                 csv_dir: Path | None = None):
        if not isinstance(caption, str) or not caption.strip():
            raise ValueError(f"table {label!r}: a caption is required (a sentence saying what the table shows)")
        if "\n" in caption.strip():
            raise ValueError(f"table {label!r}: the caption must be one line, not {caption!r}")
        if not isinstance(label, str) or not LABEL.fullmatch(label):
            raise ValueError(f"table label {label!r} must match tbl-[a-z0-9-]+ "
                             "(tbl-<page prefix>-<what>, for example tbl-prod-rate-ratios)")
        _check_frame(frame, f"table {label}")
        if frame.shape[1] > max_columns:
            raise ValueError(
                f"table {label} has {frame.shape[1]} columns, more than {max_columns} fit a printed page: "
                "split it into two tables or summarise it (keep the columns the argument needs and give "
                "the rest with full=); max_columns= raises the limit only for a table shown in the HTML alone")
        pvalues = list(pvalues)
        for column in pvalues:
            if column not in frame.columns and (full is None or column not in full.columns):
                raise KeyError(f"table {label}: no column {column!r} to format as a p-value; "
                               f"columns: {list(frame.columns)}"
                               + (f", and in full=: {list(full.columns)}" if full is not None else ""))
        self.caption = caption.strip()
        self.label = label
        self.frame = frame.reset_index(drop=True)
        self.pvalues = pvalues
        self.header, self.cells = _formatted(self.frame, pvalues)
        self.numeric = numeric_columns(self.frame, pvalues)
        self.given_widths = widths is not None
        if widths is None:
            self.widths = column_widths(self.header, self.cells)
        else:
            self.widths = [int(w) for w in widths]
            if len(self.widths) != len(self.header) or min(self.widths) < 1:
                raise ValueError(f"table {label}: widths= needs one positive integer per column "
                                 f"({len(self.header)}), not {list(widths)}")
        self.longtable = len(self.frame) > LONGTABLE_ROWS
        self.full = None
        self.full_caption = None
        self.csv_link = None
        if full is not None:
            _check_frame(full, f"table {label} (full=)")
            self.full = full.reset_index(drop=True)
            self.full_caption = (full_caption or "").strip() or "The whole listing"
            self.csv_link = f"{CSV_LINK_DIR}/{label}.csv"
            write_csv(self.full, (csv_dir or CSV_DIR) / f"{label}.csv")
        elif full_caption is not None:
            raise ValueError(f"table {label}: full_caption= describes a full= listing, and none was given")

    def _table_markdown(self) -> str:
        options = [f":name: {self.label}", ":widths: " + " ".join(str(w) for w in self.widths)]
        if self.longtable:
            options.append(":class: longtable")
        body = pipe_table(self.header, self.cells, self.numeric)
        if self.given_widths:
            spec = tabularcolumns_spec(self.numeric, self.widths)
        else:
            # In print a header may wrap at any space: a column needs its longest cell,
            # and of the header only its longest word.
            words = word_widths(self.header, self.cells)
            cells = [max((display_width(row[position]) for row in self.cells), default=0)
                     for position in range(len(self.header))]
            natural = [min(MAX_WIDTH, max(MIN_WIDTH, word, cell)) for word, cell in zip(words, cells)]
            spec = tabularcolumns_spec(self.numeric, natural, words)
        return (f"```{{tabularcolumns}} {spec}\n```\n\n"
                f"{TABLE_FENCE}{{table}} {self.caption}\n" + "\n".join(options)
                + f"\n\n{body}\n{TABLE_FENCE}\n")

    def _full_markdown(self) -> str:
        full_pvalues = [column for column in self.pvalues if column in self.full.columns]
        header, cells = _formatted(self.full, full_pvalues)
        body = pipe_table(header, cells, numeric_columns(self.full, full_pvalues))
        summary = escape_markdown(f"{self.full_caption} ({size(*self.full.shape)})")
        inner, outer = TABLE_FENCE, OUTER_FENCE
        return (f"\n{outer}{{only}} html\n"
                f"{summary}: {{download}}`CSV file <{self.csv_link}>`\n\n"
                f"{inner}{{dropdown}} {summary}\n\n{body}\n{inner}\n{outer}\n\n"
                f"{outer}{{only}} latex\n"
                f"{summary}: in the HTML edition of this book, and in the file "
                f"`chapters/{self.csv_link}` of its repository.\n{outer}\n")

    def _repr_markdown_(self) -> str:
        markdown = self._table_markdown()
        if self.full is not None:
            markdown += self._full_markdown()
        return markdown

    def __repr__(self) -> str:
        rows, columns = self.frame.shape
        text = f"Table {self.label}: {self.caption} ({size(rows, columns)})"
        if self.full is not None:
            text += f"; whole listing ({size(*self.full.shape)}) in chapters/{self.csv_link}"
        return text


def show(frame: pd.DataFrame, *, caption: str, label: str, pvalues: Iterable[str] = (),
         full: pd.DataFrame | None = None, full_caption: str | None = None,
         widths: Sequence[int] | None = None, max_columns: int = MAX_COLUMNS) -> Table:
    """``frame`` as a numbered table with ``caption``, referred to as ``{numref}`label```.

    ``caption`` is MyST inline text (``*title*`` is italic; build any number in it in
    Python); ``label`` is ``tbl-<page prefix>-<what>``. The index is dropped. Columns
    named in ``pvalues`` (in ``frame`` or ``full``) read "< 0.001", "0.08". ``full`` is a longer listing behind the
    summary ``frame``: written to ``chapters/tables/<label>.csv`` (commit it), linked for
    download and shown folded in the HTML; the PDF says where to find it.
    ``widths`` overrides the relative column widths computed from the content.
    """
    return Table(frame, caption=caption, label=label, pvalues=pvalues, full=full,
                 full_caption=full_caption, widths=widths, max_columns=max_columns)


def estimates_table(result, terms: Iterable[str] | None = None, names: Mapping[str, str] | None = None,
                    exp: bool = False, estimate_name: str | None = None, level: float = 0.95,
                    digits: int = 3, percent: bool = False) -> pd.DataFrame:
    """A fitted statsmodels model as a table of estimates: term, estimate, CI low, CI high, p.

    ``terms`` keeps (and orders) the model's terms shown; ``names`` renames them for the
    reader. With ``exp`` the estimate and its interval are exponentiated (odds ratios
    for logistic models, rate ratios for Poisson and negative binomial ones; name the
    column with ``estimate_name``); with ``percent`` as well, they are percent changes,
    ``100 * (exp(b) - 1)`` (a log-linear trend's change per unit, for example). Estimates
    are rounded to ``digits`` decimals; show the result with ``show(..., pvalues=["p"])``.
    """
    if not 0 < level < 1:
        raise ValueError(f"level is a confidence level between 0 and 1, not {level}")
    if percent and not exp:
        raise ValueError("percent=True gives 100 * (exp(b) - 1), a change on a log scale: it needs exp=True")
    exog_names = list(getattr(result.model, "exog_names", []) or [])
    params = pd.Series(np.asarray(result.params), index=exog_names or None)
    intervals = np.asarray(result.conf_int(alpha=1 - level))
    low = pd.Series(intervals[:, 0], index=params.index)
    high = pd.Series(intervals[:, 1], index=params.index)
    pvalues = pd.Series(np.asarray(result.pvalues), index=params.index)
    chosen = list(params.index) if terms is None else list(terms)
    unknown = [term for term in chosen if term not in params.index]
    if unknown:
        raise KeyError(f"terms {unknown} are not in the model; its terms: {list(params.index)}")
    if estimate_name is None:
        estimate_name = "change (%)" if percent else _ratio_name(result) if exp else "estimate"
    if percent:
        def transform(x):
            return 100 * np.expm1(x)
    elif exp:
        transform = np.exp
    else:
        def transform(x):
            return x
    percent = format_number(level * 100)
    frame = pd.DataFrame({
        "term": [(names or {}).get(term, term) for term in chosen],
        estimate_name: transform(params[chosen].to_numpy(dtype=float)),
        f"{percent}% CI low": transform(low[chosen].to_numpy(dtype=float)),
        f"{percent}% CI high": transform(high[chosen].to_numpy(dtype=float)),
        "p": pvalues[chosen].to_numpy(dtype=float),
    })
    return frame.round({estimate_name: digits, f"{percent}% CI low": digits, f"{percent}% CI high": digits})


def _ratio_name(result) -> str:
    model = type(result.model).__name__
    family = type(getattr(result.model, "family", None)).__name__
    if model in ("Logit",) or family == "Binomial":
        return "odds ratio"
    if model in ("Poisson", "NegativeBinomial", "GeneralizedPoisson") or family in ("Poisson", "NegativeBinomial"):
        return "rate ratio"
    return "exp(estimate)"
