"""Tables: numbered MyST tables, escaped cells, readable numbers, deterministic bytes.

The last tests check the whole book: every table a chapter shows is a labelled
``{table}`` referred to from its page's prose, and no chapter shows a bare pandas
HTML table.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from korean_ott import book_map, tables
from korean_ott.citation import ROOT


@pytest.fixture(autouse=True)
def csv_dir(tmp_path, monkeypatch):
    """``full=`` listings go to a temporary folder, never into the repository."""
    monkeypatch.setattr(tables, "CSV_DIR", tmp_path)
    return tmp_path


def small_frame() -> pd.DataFrame:
    return pd.DataFrame({"title": ["약한영웅 Class 2", "Squid Game"], "episodes": [8, 9],
                         "share": [0.123456, float("nan")], "p": [7.3e-12, 0.31]}, index=[7, 9])


def markdown(table: tables.Table) -> str:
    return table._repr_markdown_()


def pipe_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


# --- p-values and numbers -------------------------------------------------------

@pytest.mark.parametrize("p, text", [(7.3e-12, "< 0.001"), (0.0004, "< 0.001"), (0.001, "0.001"),
                                     (0.0042, "0.004"), (0.08, "0.08"), (0.6249, "0.62"), (1.0, "1.00")])
def test_p_values_read_as_a_reader_reads_them(p, text):
    assert tables.format_p(p) == text


def test_impossible_p_value_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        tables.format_p(1.5)


@pytest.mark.parametrize("value, text", [(1.5, "1.5"), (3.0, "3"), (1e-7, "0"), (123456789.0, "123456789"),
                                         (2.5e20, "250000000000000000000"), (0.123456, "0.1235"),
                                         (np.int64(42), "42"), (float("nan"), ""), (None, ""), (True, "yes"),
                                         (pd.Timestamp("2024-03-01"), "2024-03-01")])
def test_cells_have_no_exponent_and_integers_no_decimals(value, text):
    assert tables.format_cell(value) == text


# --- the markdown form ----------------------------------------------------------

def test_table_is_a_numbered_myst_table_with_caption_and_label():
    text = markdown(tables.show(small_frame(), caption="Two *titles*", label="tbl-test-two", pvalues=["p"]))
    assert text.startswith("```{tabularcolumns} ")
    assert ":::{table} Two *titles*\n:name: tbl-test-two\n:widths: " in text
    assert pipe_rows(text)[0] == "| title | episodes | share | p |"
    assert pipe_rows(text)[2] == "| 약한영웅 Class 2 | 8 | 0.1235 | \\<\u00a00.001 |"
    assert pipe_rows(text)[3] == "| Squid Game | 9 |  | 0.31 |"
    assert ":class: longtable" not in text


def test_no_index_and_the_same_bytes_every_time():
    first = tables.show(small_frame(), caption="c", label="tbl-test-a", pvalues=["p"])
    second = tables.show(small_frame(), caption="c", label="tbl-test-a", pvalues=["p"])
    assert markdown(first) == markdown(second) and repr(first) == repr(second)
    assert not any(row.startswith("| 7 ") for row in pipe_rows(markdown(first)))


def test_the_bundle_has_markdown_and_one_line_of_text_and_no_html():
    from IPython.core.formatters import DisplayFormatter
    table = tables.show(small_frame(), caption="Two titles", label="tbl-test-two")
    bundle, _ = DisplayFormatter().format(table)
    assert set(bundle) == {"text/markdown", "text/plain"}
    assert bundle["text/plain"] == "Table tbl-test-two: Two titles (2 rows × 4 columns)"


def test_numbers_are_right_aligned_and_text_left_in_html_and_latex():
    frame = small_frame().assign(flag=[True, False], mixed=[1, "a"], count=pd.array([1, None], dtype="Int64"))
    table = tables.show(frame, caption="c", label="tbl-test-align", pvalues=["p"])
    text = markdown(table)
    assert pipe_rows(text)[1] == "|:--|--:|--:|--:|:--|:--|--:|"
    spec = text.splitlines()[0].removeprefix("```{tabularcolumns} ")
    columns = re.findall(r">\{\\(raggedleft|raggedright)\\arraybackslash\}\\X\{(\d+)\}\{(\d+)\}", spec)
    assert [side for side, _, _ in columns] == ["raggedright", "raggedleft", "raggedleft", "raggedleft",
                                                 "raggedright", "raggedright", "raggedleft"]
    assert "".join(f">{{\\{side}\\arraybackslash}}\\X{{{w}}}{{{t}}}" for side, w, t in columns) == spec
    assert len({total for _, _, total in columns}) == 1


def test_widths_follow_content_within_bounds_and_a_narrow_table_stays_narrow():
    frame = pd.DataFrame({"n": [1, 2], "text": ["word " * 40, "short"], "제목": ["약한영웅", "x"]})
    table = tables.show(frame, caption="c", label="tbl-test-w")
    assert table.widths == [tables.MIN_WIDTH, tables.MAX_WIDTH, 8]
    assert f":widths: {tables.MIN_WIDTH} {tables.MAX_WIDTH} 8" in markdown(table)
    narrow = tables.tabularcolumns_spec([True], [5])
    assert narrow.endswith(f"\\X{{{5 + tables.COLUMN_PADDING}}}{{{tables.LINE_WIDTH}}}")
    # Too wide for the line: the text column wraps down to its longest word, numbers keep their room.
    wide = tables.pdf_widths([4, 30, 30, 10], [4, 8, 12, 10])
    assert wide[0] == 4 + tables.COLUMN_PADDING and wide[3] == 10 + tables.COLUMN_PADDING
    assert wide[1] == wide[2] < 30 + tables.COLUMN_PADDING and sum(wide) <= tables.LINE_WIDTH
    # Nothing narrower than its longest word, even when the table cannot fit the line.
    assert tables.pdf_widths([30, 30, 30], [25, 25, 25]) == [25 + tables.COLUMN_PADDING] * 3
    assert tables.pdf_widths([4, 30], [4, 30]) == [4 + tables.COLUMN_PADDING, 30 + tables.COLUMN_PADDING]
    given = tables.show(frame, caption="c", label="tbl-test-w", widths=[1, 2, 3])
    assert ":widths: 1 2 3" in markdown(given)


def test_a_p_value_below_0001_is_one_unbreakable_word():
    assert tables.word_widths(["p"], [["<\u00a00.001"], ["0.20"]]) == [7]


def test_widths_must_match_the_columns():
    with pytest.raises(ValueError, match="one positive integer per column"):
        tables.show(small_frame(), caption="c", label="tbl-test-w", widths=[1, 2])


def test_long_table_becomes_a_longtable_and_is_never_cut():
    frame = pd.DataFrame({"n": range(124), "text": ["word " * 30] * 124})
    table = tables.show(frame, caption="Many rows", label="tbl-test-long")
    text = markdown(table)
    assert ":class: longtable" in text
    assert len(pipe_rows(text)) == 126
    assert "30 of" not in text and "rows shown" not in text
    short = tables.show(frame.head(tables.LONGTABLE_ROWS), caption="c", label="tbl-test-short")
    assert ":class: longtable" not in markdown(short)


@pytest.mark.parametrize("raw, escaped", [
    ("a|b", "a\\|b"), ("*x* _y_", "\\*x\\* \\_y\\_"), ("`code`", "\\`code\\`"), ("<b>", "\\<b\\>"),
    ("[link](u)", "\\[link\\](u)"), ("back\\slash", "back\\\\slash"), ("$1", "\\$1"),
    ("{{ sub }}", "\\{\\{ sub \\}\\}"), ("{numref}`x`", "\\{numref\\}\\`x\\`"), ("&amp;", "\\&amp;"),
    ("~strike~", "\\~strike\\~"), ("약한영웅 2", "약한영웅 2"), ("two\nlines", "two lines")])
def test_cell_text_is_escaped_for_myst(raw, escaped):
    assert tables.escape_markdown(raw) == escaped
    frame = pd.DataFrame({"text": [raw]})
    assert pipe_rows(markdown(tables.show(frame, caption="c", label="tbl-test-e")))[2] == f"| {escaped} |"


def test_headers_are_escaped_too():
    frame = pd.DataFrame({"share_of_hours": [0.5]})
    assert pipe_rows(markdown(tables.show(frame, caption="c", label="tbl-test-h")))[0] == "| share\\_of\\_hours |"


# --- errors ---------------------------------------------------------------------

@pytest.mark.parametrize("label", ["tbl_x", "Tbl-x", "fig-x", "tbl-", "tbl-x y", "tbl-가", None])
def test_bad_labels_are_refused(label):
    with pytest.raises(ValueError, match=r"must match tbl-\[a-z0-9-\]\+"):
        tables.show(small_frame(), caption="c", label=label)


@pytest.mark.parametrize("caption", ["", "   ", None, "two\nlines"])
def test_a_caption_is_required_and_one_line(caption):
    with pytest.raises(ValueError, match="caption"):
        tables.show(small_frame(), caption=caption, label="tbl-test-c")


def test_a_caption_may_hold_roles():
    """A backtick fence's info string may not contain a backtick: the table must be a colon fence."""
    text = markdown(tables.show(small_frame(), caption="Values of {numref}`fig-prod-x`", label="tbl-test-r"))
    assert "\n:::{table} Values of {numref}`fig-prod-x`\n:name: tbl-test-r\n" in text


def test_caption_and_label_are_required_arguments():
    with pytest.raises(TypeError):
        tables.show(small_frame())  # noqa


def test_more_than_eight_columns_is_refused_with_advice():
    wide = pd.DataFrame({f"c{i}": [i] for i in range(9)})
    with pytest.raises(ValueError, match="9 columns.*split it into two tables or summarise it"):
        tables.show(wide, caption="c", label="tbl-test-wide")
    assert tables.show(wide, caption="c", label="tbl-test-wide", max_columns=9).frame.shape == (1, 9)


def test_unknown_p_value_column_is_named():
    with pytest.raises(KeyError, match="no column 'pval'"):
        tables.show(pd.DataFrame({"p": [0.1]}), caption="c", label="tbl-test-p", pvalues=["pval"])


def test_empty_and_multiindex_frames_are_refused():
    with pytest.raises(ValueError, match="no rows"):
        tables.show(pd.DataFrame({"a": []}), caption="c", label="tbl-test-empty")
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")]))
    with pytest.raises(ValueError, match="flatten"):
        tables.show(frame, caption="c", label="tbl-test-mi")


# --- full listings --------------------------------------------------------------

def full_listing() -> pd.DataFrame:
    return pd.DataFrame({"title": ["약한영웅", "a,b \"quoted\"", "c"] * 20, "hours": [1.5, 1e-7, None] * 20,
                         "p": [0.5, 1e-9, 0.02] * 20})


def test_full_listing_is_written_as_deterministic_csv(csv_dir):
    full = full_listing()
    tables.show(full.head(3), caption="Summary", label="tbl-test-full", full=full)
    path = csv_dir / "tbl-test-full.csv"
    data = path.read_bytes()
    assert b"\r\n" not in data and data.decode("utf-8").splitlines()[0] == "title,hours,p"
    assert data.decode("utf-8").splitlines()[1:4] == [
        "약한영웅,1.5,0.5", '"a,b ""quoted""",0.0000001,0.000000001', "c,,0.02"]
    assert pd.read_csv(path).shape == full.shape
    assert not tables.write_csv(full, path), "the same listing must leave the file untouched"
    assert path.read_bytes() == data


def test_full_listing_is_html_only_folded_and_linked_and_the_pdf_says_where(csv_dir):
    full = full_listing()
    table = tables.show(full.head(3), caption="Summary", label="tbl-test-full", full=full,
                        full_caption="Every row", pvalues=["p"])
    text = markdown(table)
    assert text.count("{table}") == 1, "the whole listing must not be numbered"
    html_part = re.search(r"^(:{4,}){only} html\n(.*?)^\1$", text, re.M | re.S).group(2)
    assert "{download}`CSV file <tables/tbl-test-full.csv>`" in html_part
    assert "{dropdown} Every row (60 rows × 3 columns)" in html_part
    assert len(pipe_rows(html_part)) == 62 and "\\<\u00a00.001" in html_part
    latex_part = re.search(r"^(:{4,}){only} latex\n(.*?)^\1$", text, re.M | re.S).group(2)
    assert "HTML edition" in latex_part and "`chapters/tables/tbl-test-full.csv`" in latex_part
    assert len(latex_part.strip().splitlines()) == 1
    assert repr(table).endswith("whole listing (60 rows × 3 columns) in chapters/tables/tbl-test-full.csv")
    one = tables.show(pd.DataFrame({"n": [1]}), caption="One", label="tbl-test-one")
    assert repr(one) == "Table tbl-test-one: One (1 row × 1 column)"


def test_p_value_columns_may_be_in_the_full_listing_only():
    full = full_listing().assign(exact=[0.2, 1e-6, 0.04] * 20)
    text = markdown(tables.show(full.head(3)[["title", "p"]], caption="c", label="tbl-test-fp", full=full,
                                pvalues=["p", "exact"]))
    assert "| 약한영웅 | 1.5 | 0.50 | 0.20 |" in text
    with pytest.raises(KeyError, match="and in full="):
        tables.show(full.head(3), caption="c", label="tbl-test-fp", full=full, pvalues=["nowhere"])


def test_csv_floats_keep_ten_significant_digits_without_exponent(csv_dir):
    path = csv_dir / "x.csv"
    tables.write_csv(pd.DataFrame({"x": [0.08079779182091393, 123456.78901234567, 1.5e-12, 2.0]}), path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "x", "0.08079779182", "123456.789", "0.0000000000015", "2"]


def test_full_caption_without_full_is_refused():
    with pytest.raises(ValueError, match="full_caption"):
        tables.show(small_frame(), caption="c", label="tbl-test-f", full_caption="x")


# --- estimates ------------------------------------------------------------------

def poisson_fit():
    rng = np.random.default_rng(7)
    x = np.linspace(0, 1, 300)
    frame = pd.DataFrame({"years": x, "korean": (rng.random(300) < 0.5).astype(float)})
    y = rng.poisson(np.exp(1 + 0.4 * x + 0.2 * frame["korean"]))
    return sm.GLM(y, sm.add_constant(frame), family=sm.families.Poisson()).fit()


def test_estimates_table_gives_estimates_intervals_and_p():
    fit = poisson_fit()
    frame = tables.estimates_table(fit, terms=["years", "korean"], names={"years": "per year"})
    assert list(frame.columns) == ["term", "estimate", "95% CI low", "95% CI high", "p"]
    assert list(frame["term"]) == ["per year", "korean"]
    assert frame.loc[0, "estimate"] == round(fit.params["years"], 3)
    assert frame.loc[0, "95% CI low"] == round(fit.conf_int().loc["years", 0], 3)
    assert frame.loc[1, "p"] == fit.pvalues["korean"]
    shown = markdown(tables.show(frame, caption="c", label="tbl-test-est", pvalues=["p"]))
    assert "e-" not in shown and "e+" not in shown


def test_estimates_table_exponentiates_to_rate_ratios():
    fit = poisson_fit()
    frame = tables.estimates_table(fit, exp=True, level=0.9)
    assert list(frame.columns) == ["term", "rate ratio", "90% CI low", "90% CI high", "p"]
    assert frame.loc[1, "rate ratio"] == round(float(np.exp(fit.params["years"])), 3)
    assert (frame["90% CI low"] < frame["rate ratio"]).all()


def test_estimates_table_gives_percent_changes_of_a_log_linear_trend():
    years = np.arange(6.0)
    fit = sm.OLS(np.log(100 * 1.1 ** years * np.array([1, 1.01, 0.99, 1, 1.02, 0.98])), sm.add_constant(years)).fit()
    frame = tables.estimates_table(fit, terms=["x1"], names={"x1": "revenue"}, exp=True, percent=True, digits=2)
    assert list(frame.columns) == ["term", "change (%)", "95% CI low", "95% CI high", "p"]
    assert frame.loc[0, "change (%)"] == round(100 * np.expm1(fit.params[1]), 2)
    assert frame.loc[0, "95% CI high"] == round(100 * np.expm1(fit.conf_int()[1, 1]), 2)
    with pytest.raises(ValueError, match="needs exp=True"):
        tables.estimates_table(fit, percent=True)


def test_estimates_table_names_unknown_terms():
    with pytest.raises(KeyError, match=r"terms \['decade'\] are not in the model"):
        tables.estimates_table(poisson_fit(), terms=["decade"])


# --- the whole book ---------------------------------------------------------------

TABLE_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{table\}[ \t]*(?P<caption>[^\n]*)\n(?P<body>.*?)^\1[ \t]*$", re.M | re.S)


def output_tables(path) -> list[tuple[int, dict, str]]:
    """(cell index, output, markdown) of every displayed output of a notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") in ("execute_result", "display_data"):
                found.append((index, output, "".join(output.get("data", {}).get("text/markdown", ""))))
    return found


def prose(path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join(book_map.cell_text(cell) for cell in cells if cell["cell_type"] == "markdown")


BOOK = book_map.notebooks(ROOT, skip=())


def test_every_table_of_the_book_has_a_label_used_once_and_cited_in_its_page():
    problems, seen = [], {}
    for path in BOOK:
        text = prose(path)
        for index, _, md in output_tables(path):
            for match in TABLE_DIRECTIVE.finditer(md):
                name = re.search(r"^:name:[ \t]*(\S+)", match["body"], re.M)
                where = f"chapters/{path.name}, cell {index}"
                if not name:
                    problems.append(f"{where}: table {match['caption']!r} has no :name: label")
                    continue
                label = name.group(1)
                if label in seen:
                    problems.append(f"{where}: label {label} is also used in {seen[label]}")
                seen[label] = where
                if not re.search(r"\{numref\}`(?:[^`<]*<)?" + re.escape(label) + r">?`", text):
                    problems.append(f"{where}: no {{numref}}`{label}` in the page's prose")
    assert not problems, "\n".join(problems)


def test_every_committed_listing_is_linked_from_a_table_of_the_book():
    linked = {match for path in BOOK for _, _, md in output_tables(path)
              for match in re.findall(r"\{download\}`[^`<]*<(tables/[^>]+\.csv)>`", md)}
    committed = {f"tables/{path.name}" for path in (ROOT / "chapters" / "tables").glob("*.csv")}
    assert not committed - linked, f"CSV listings no table links to (delete them): {sorted(committed - linked)}"
    assert not linked - committed, f"tables link CSV listings that are not in chapters/tables/: {sorted(linked - committed)}"


def test_no_chapter_shows_a_bare_pandas_html_table():
    bare = [f"chapters/{path.name}, cell {index}"
            for path in BOOK for index, output, _ in output_tables(path)
            if "<table" in "".join(output.get("data", {}).get("text/html", ""))]
    assert not bare, ("these outputs are HTML tables, which the book shows without a number or caption; "
                      "show them with korean_ott.tables.show(frame, caption=..., label=...):\n" + "\n".join(bare))


def test_a_float_column_has_one_number_of_decimals():
    frame = pd.DataFrame({"ratio": [1.9, 1.55, 2.0, float("nan")], "count": [3.0, 12.0, 7.0, 1.0]})
    table = tables.show(frame, caption="Ratios", label="tbl-test-decimals")
    header, cells = tables._formatted(table.frame, [])
    assert [row[0] for row in cells] == ["1.90", "1.55", "2.00", ""]
    assert [row[1] for row in cells] == ["3", "12", "7", "1"]
