"""Tables for display: no index, readable p-values, deterministic HTML."""

import pandas as pd
import pytest

from korean_ott import tables


@pytest.mark.parametrize("p, text", [(7.3e-12, "< 0.001"), (0.0004, "< 0.001"), (0.001, "0.001"),
                                     (0.0042, "0.004"), (0.08, "0.08"), (0.6249, "0.62"), (1.0, "1.00")])
def test_p_values_read_as_a_reader_reads_them(p, text):
    assert tables.format_p(p) == text


def test_impossible_p_value_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        tables.format_p(1.5)


def test_table_has_no_index_and_the_same_html_every_time():
    frame = pd.DataFrame({"group": ["Korean", "other"], "p": [1e-9, 0.31]}, index=[7, 9])
    first, second = tables.show(frame, pvalues=["p"]), tables.show(frame, pvalues=["p"])
    assert first._repr_html_() == second._repr_html_()
    assert "&lt; 0.001" in first._repr_html_() and "0.31" in repr(first)
    assert repr(first).splitlines()[0].split() == ["group", "p"]
    assert ">7<" not in first._repr_html_()


def test_unknown_p_value_column_is_named():
    with pytest.raises(KeyError, match="no column 'pval'"):
        tables.show(pd.DataFrame({"p": [0.1]}), pvalues=["pval"])


def test_text_form_of_a_long_table_says_what_it_leaves_out():
    frame = pd.DataFrame({"n": range(100), "text": ["word " * 30] * 100})
    table = tables.show(frame)
    text = repr(table)
    assert text.splitlines()[-1] == "[30 of 100 rows shown here; the HTML edition of the book shows the whole table]"
    assert max(len(line) for line in text.splitlines()) < 100
    assert table._repr_html_().count("<tr>") == 101


def test_text_form_of_a_short_table_is_whole():
    frame = pd.DataFrame({"x": [1.5, float("nan")], "y": ["a", None]})
    lines = repr(tables.show(frame)).splitlines()
    assert [line.split() for line in lines] == [["x", "y"], ["1.5", "a"], []]
