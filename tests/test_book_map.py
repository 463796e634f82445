"""The reproducibility appendix maps every figure and table to its notebook and cell."""

from __future__ import annotations

import json
import re

from korean_ott import book_map
from korean_ott.citation import ROOT

APPENDIX = ROOT / "chapters" / "appendix-reproducibility.ipynb"
THIS_PAGE = ("chapters/appendix-reproducibility",)


def appendix_output_text() -> str:
    cells = json.loads(APPENDIX.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(output.get("data", {}).get(mime, ""))
                     for cell in cells for output in cell.get("outputs", [])
                     for mime in ("text/markdown", "text/html"))


def figure_directives() -> dict[str, int]:
    """Count ``{glue:figure}`` directives per notebook, independently of book_map's parser."""
    counts = {}
    for path in book_map.notebooks(skip=THIS_PAGE):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join(book_map.cell_text(c) for c in cells if c["cell_type"] == "markdown")
        counts[f"chapters/{path.name}"] = len(re.findall(r"\{glue:figure\}", text))
    return counts


def test_every_figure_is_in_the_map():
    figures = book_map.figure_map(skip=THIS_PAGE)
    mapped = figures.groupby("notebook").size().to_dict()
    expected = {nb: n for nb, n in figure_directives().items() if n}
    assert mapped == expected


def test_every_figure_has_a_label_and_a_drawing_cell():
    figures = book_map.figure_map(skip=THIS_PAGE)
    assert (figures["label"] != "").all()
    assert figures["code cell"].notna().all(), figures[figures["code cell"].isna()].to_string()
    assert figures["label"].is_unique


def test_the_appendix_shows_every_figure_label():
    shown = appendix_output_text()
    missing = [label for label in book_map.figure_map(skip=THIS_PAGE)["label"] if label not in shown]
    assert not missing, f"re-execute chapters/appendix-reproducibility.ipynb; missing: {missing}"


def table_directives() -> dict[str, int]:
    """Count ``{table}`` directives in code outputs per notebook, independently of book_map."""
    counts = {}
    for path in book_map.notebooks(skip=THIS_PAGE):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(output.get("data", {}).get("text/markdown", ""))
                         for c in cells if c["cell_type"] == "code"
                         and not {"remove-output", "remove-cell"} & set(c.get("metadata", {}).get("tags", []))
                         for output in c.get("outputs", []))
        counts[f"chapters/{path.name}"] = len(re.findall(r"^(?:`{3,}|:{3,})\{table\}", text, re.M))
    return counts


def test_every_table_is_in_the_map_with_its_label_and_caption():
    tables = book_map.table_map(skip=THIS_PAGE)
    assert len(tables) > 0, "no chapter shows a table through korean_ott.tables.show yet"
    assert tables.groupby("notebook").size().to_dict() == {nb: n for nb, n in table_directives().items() if n}
    unlabelled = tables[(tables["label"] == "") | (tables["caption"] == "")]
    assert unlabelled.empty, "every table needs a label and a caption:\n" + unlabelled.to_string()
    assert tables["label"].str.fullmatch(r"tbl-[a-z0-9-]+").all()
    assert tables["code cell"].notna().all()


def test_table_map_reads_the_form_tables_show_writes(tmp_path, monkeypatch):
    import pandas as pd

    from korean_ott import tables as tables_module
    monkeypatch.setattr(tables_module, "CSV_DIR", tmp_path / "chapters" / "tables")
    shown = tables_module.show(pd.DataFrame({"n": [1]}), caption="One *row*", label="tbl-test-one",
                               full=pd.DataFrame({"n": [1, 2]}))
    page = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# A page"},
                      {"cell_type": "code", "execution_count": 4, "id": "abc", "metadata": {}, "source": "",
                       "outputs": [{"output_type": "execute_result", "metadata": {}, "execution_count": 4,
                                    "data": {"text/markdown": shown._repr_markdown_(),
                                             "text/plain": repr(shown)}}]}]}
    (tmp_path / "chapters").mkdir(exist_ok=True)
    (tmp_path / "chapters" / "page.ipynb").write_text(json.dumps(page), encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: chapters/page\n", encoding="utf-8")
    found = book_map.table_map(tmp_path)
    assert found[["notebook", "label", "caption", "code cell", "cell id"]].to_dict("records") == [
        {"notebook": "chapters/page.ipynb", "label": "tbl-test-one", "caption": "One *row*",
         "code cell": 4, "cell id": "abc"}]
