"""Where every figure and table of the book comes from: notebook and cell.

The reproducibility appendix prints these maps, so a reviewer can go from a
figure or table on the page to the code cell that made it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from korean_ott.citation import ROOT, page_title, toc_pages

FIGURE_DIRECTIVE = re.compile(
    r"^ {0,3}(`{3,}|:{3,})\{glue:figure\}[ \t]+(?P<key>\S+)[ \t]*\n(?P<body>.*?)^ {0,3}\1[ \t]*$",
    re.MULTILINE | re.DOTALL)
NAME_OPTION = re.compile(r"^:name:[ \t]*(?P<name>\S+)", re.MULTILINE)
GLUE_CALL = re.compile(r"""glue\(\s*(?:f?["'])(?P<key>[^"']+)["']""")


def cell_text(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def notebooks(root: Path = ROOT, skip: tuple[str, ...] = ()) -> list[Path]:
    """The book's notebooks, in table-of-contents order, less the pages in ``skip``.

    The page that prints these maps skips itself: its own committed outputs
    would otherwise change what it prints.
    """
    return [root / f"{page}.ipynb" for page in toc_pages(root)
            if page not in skip and (root / f"{page}.ipynb").exists()]


def describe_cell(source: str) -> str:
    """A code cell's own name for what it shows: its first comment line."""
    for line in source.splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def figure_map(root: Path = ROOT, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per ``{glue:figure}`` in the book: label, notebook, and the cell that glued it."""
    rows = []
    for path in notebooks(root, skip):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        glued_in = {}
        for cell in cells:
            if cell["cell_type"] == "code":
                for key in GLUE_CALL.findall(cell_text(cell)):
                    glued_in.setdefault(key, cell)
        figure_number = 0
        for cell in cells:
            if cell["cell_type"] != "markdown":
                continue
            for match in FIGURE_DIRECTIVE.finditer(cell_text(cell)):
                figure_number += 1
                key = match.group("key")
                name = NAME_OPTION.search(match.group("body"))
                source_cell = glued_in.get(key)
                rows.append({
                    "page": page_title(path),
                    "notebook": f"chapters/{path.name}",
                    "figure": figure_number,
                    "label": name.group("name") if name else "",
                    "glue key": key,
                    "code cell": source_cell.get("execution_count") if source_cell else None,
                    "cell id": source_cell.get("id", "") if source_cell else "",
                })
    return pd.DataFrame(rows, columns=["page", "notebook", "figure", "label", "glue key", "code cell", "cell id"])


TABLE_DIRECTIVE = re.compile(
    r"^ {0,3}(`{3,}|:{3,})\{table\}[ \t]*(?P<caption>[^\n]*?)[ \t]*\n(?P<body>.*?)^ {0,3}\1[ \t]*$",
    re.MULTILINE | re.DOTALL)


def output_markdown(output: dict) -> str:
    text = output.get("data", {}).get("text/markdown", "")
    return "".join(text) if isinstance(text, list) else text


def table_map(root: Path = ROOT, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per table the book shows: a ``{table}`` directive in a code cell's
    ``text/markdown`` output (what ``korean_ott.tables.show`` makes).

    Each table is given by its label and caption; its number ("Table 3.2") is
    Sphinx's, and the label is what a reader can look up in the notebook.
    """
    rows = []
    for path in notebooks(root, skip):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if cell["cell_type"] != "code" or tags & {"remove-output", "remove-cell"}:
                continue
            for output in cell.get("outputs", []):
                if output.get("output_type") not in ("execute_result", "display_data"):
                    continue
                for match in TABLE_DIRECTIVE.finditer(output_markdown(output)):
                    name = NAME_OPTION.search(match.group("body"))
                    rows.append({
                        "page": page_title(path),
                        "notebook": f"chapters/{path.name}",
                        "label": name.group("name") if name else "",
                        "caption": match.group("caption"),
                        "code cell": cell.get("execution_count"),
                        "cell id": cell.get("id", ""),
                    })
    return pd.DataFrame(rows, columns=["page", "notebook", "label", "caption", "code cell", "cell id"])
