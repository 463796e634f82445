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
    return "\n".join("".join(output.get("data", {}).get("text/html", ""))
                     for cell in cells for output in cell.get("outputs", []))


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


def test_every_table_is_named_by_its_cell():
    tables = book_map.table_map(skip=THIS_PAGE)
    assert len(tables) > 0
    unnamed = tables[tables["what it shows"] == ""]
    assert unnamed.empty, "code cells showing a table must open with a comment naming it:\n" + unnamed.to_string()
