"""Every figure in a chapter notebook is complete, described, and backed by its data.

For each notebook in ``chapters/`` and each ``{glue:figure}`` directive in its
Markdown cells (backtick or colon fences, ``:key: value`` options or a YAML
``---`` block), the checks are:

- the directive has a ``:name:`` (so the text can cross-reference it; names are
  unique across the book), a non-empty caption, and an ``:alt:`` text of at
  least 40 characters that says what the figure shows;
- the glued key exists in the notebook's committed outputs (a ``glue(key, ...)``
  call ran) and its value is an image, not the text repr of a Figure object;
- **figure data**: the numbers plotted are displayed as a table in the same
  notebook, so a reader (or a screen-reader user) can read them.

The figure-data convention, for a figure glued under key ``K``; either

1. the code cell that displays the plotted data as a DataFrame (its last
   expression, or ``display(df)``) carries the cell tag ``figure-data:K``; or
2. the DataFrame is glued under the key ``K_data``, and is displayed: glued with
   ``display=True``, or pasted into a Markdown cell with ``{glue}`` (directive
   or role).

Either way the output must be one of the book's tables: a ``text/markdown``
output holding a MyST ``{table}`` directive, as ``korean_ott.tables.show`` makes
(a bare pandas HTML table does not count: it has no number or caption). The
cell must not be tagged ``remove-output`` or ``remove-cell`` (the table would
then be missing from the book; ``hide-input``/``hide-output`` are fine). For
example, in a cell tagged ``figure-data:prod_fig_versions``::

    plotted_counts = pd.DataFrame(count_series).rename_axis("year").reset_index()
    show(plotted_counts, caption="Titles per year, as plotted in the figure", label="tbl-prod-versions")

Finally, every image glued in a notebook is placed with ``{glue:figure}``, so
no chart reaches the book without a caption and alt text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
GLUE_PREFIX = "application/papermill.record/"
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif", "image/webp")
MIN_ALT = 40
FIGURE_DATA_TAG = "figure-data:"
HIDDEN_TAGS = {"remove-output", "remove_output", "remove-cell", "remove_cell"}

_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})\{glue:figure\}[ \t]*(?P<key>\S*)\s*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})(?P<info>.*)$")
_OPTION = re.compile(r"^:(?P<name>[\w-]+):(?:[ \t]+(?P<value>.*))?$")
# {glue}`key`, {glue:}`key`, {glue:any}`key`, {glue:md}`key` (roles) and ```{glue} key,
# ```{glue:md} key (directives).
_PASTE_ROLE = re.compile(r"\{glue(?::any|:md|:)?\}`(?P<key>[^`]+)`")
_PASTE_DIRECTIVE = re.compile(r"^ {0,3}(?:`{3,}|:{3,})\{glue(?::any|:md|:)?\}[ \t]+(?P<key>\S+)\s*$", re.M)
# A MyST table directive at the start of a line of a text/markdown output.
_TABLE_DIRECTIVE = re.compile(r"^ {0,3}(?:`{3,}|:{3,})\{table\}", re.M)


@dataclass
class Figure:
    notebook: str
    cell: int
    key: str
    options: dict = field(default_factory=dict)
    caption: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.notebook}::{self.key or f'cell{self.cell}'}"


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def parse_figures(markdown: str, notebook: str, cell_index: int) -> list[Figure]:
    """The ``{glue:figure}`` directives in one Markdown cell."""
    lines = markdown.splitlines()
    figures: list[Figure] = []
    i = 0
    while i < len(lines):
        opening = _OPEN.match(lines[i])
        if not opening:
            i += 1
            continue
        fence = opening["fence"]
        figure = Figure(notebook=notebook, cell=cell_index, key=opening["key"])
        body: list[str] = []
        depth = 0
        i += 1
        while i < len(lines):
            inner = _FENCE.match(lines[i])
            if inner and inner["fence"][0] == fence[0]:
                if inner["info"].strip():
                    depth += 1  # a nested block opens
                elif depth:
                    depth -= 1
                elif len(inner["fence"]) >= len(fence):
                    break
            body.append(lines[i])
            i += 1
        else:
            figure.problems.append("the directive's fence is never closed")
        i += 1
        options, rest = _split_options(body, figure)
        figure.options = options
        figure.caption = "\n".join(rest).strip().split("\n\n")[0].strip()
        figures.append(figure)
    return figures


def _split_options(body: list[str], figure: Figure) -> tuple[dict, list[str]]:
    if body and body[0].strip() == "---":
        try:
            end = body.index("---", 1)
        except ValueError:
            figure.problems.append("YAML option block is not closed with ---")
            return {}, body
        loaded = yaml.safe_load("\n".join(body[1:end])) or {}
        return {str(k): "" if v is None else str(v) for k, v in loaded.items()}, body[end + 1:]
    options: dict[str, str] = {}
    n = 0
    for line in body:
        match = _OPTION.match(line)
        if not match:
            break
        options[match["name"]] = (match["value"] or "").strip()
        n += 1
    return options, body[n:]


@dataclass
class Notebook:
    name: str
    cells: list[dict]
    figures: list[Figure]
    glued: dict[str, list[tuple[int, dict]]]  # key -> [(cell index, output)]
    pasted: set[str]  # keys pasted with {glue} in Markdown


def load_notebook(path: Path) -> Notebook:
    nb = json.loads(path.read_text(encoding="utf-8"))
    name = path.relative_to(CHAPTERS).as_posix()
    figures: list[Figure] = []
    glued: dict[str, list[tuple[int, dict]]] = {}
    pasted: set[str] = set()
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            text = source(cell)
            figures += parse_figures(text, name, index)
            pasted |= {m["key"] for m in _PASTE_ROLE.finditer(text)}
            pasted |= {m["key"] for m in _PASTE_DIRECTIVE.finditer(text)}
        elif cell["cell_type"] == "code":
            for output in cell.get("outputs", []):
                key = output.get("metadata", {}).get("scrapbook", {}).get("name")
                if key:
                    glued.setdefault(key, []).append((index, output))
    return Notebook(name, nb["cells"], figures, glued, pasted)


def notebook_paths() -> list[Path]:
    return sorted(p for p in CHAPTERS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


NOTEBOOKS = {path.relative_to(CHAPTERS).as_posix(): load_notebook(path) for path in notebook_paths()}
FIGURES = [figure for nb in NOTEBOOKS.values() for figure in nb.figures]


def mimetypes(output: dict) -> set[str]:
    return {kind.removeprefix(GLUE_PREFIX) for kind in output.get("data", {})}


def tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def book_table(output: dict, *, prefixed: bool) -> bool:
    """Whether ``output`` is one of the book's tables: text/markdown with a ``{table}`` directive."""
    kind = (GLUE_PREFIX if prefixed else "") + "text/markdown"
    text = output.get("data", {}).get(kind, "")
    text = "".join(text) if isinstance(text, list) else text
    return bool(_TABLE_DIRECTIVE.search(text))


def figure_data_problems(nb: Notebook, key: str) -> list[str]:
    """Why the data of figure ``key`` is not shown as a table ([] when it is)."""
    problems: list[str] = []
    tag = FIGURE_DATA_TAG + key
    tagged = [i for i, cell in enumerate(nb.cells) if tag in tags(cell)]
    for index in tagged:
        cell = nb.cells[index]
        if cell["cell_type"] != "code":
            problems.append(f"cell {index} tagged {tag!r} is not a code cell")
        elif tags(cell) & HIDDEN_TAGS:
            problems.append(f"cell {index} tagged {tag!r} is also tagged {sorted(tags(cell) & HIDDEN_TAGS)}")
        elif not any(o.get("output_type") in ("execute_result", "display_data") and book_table(o, prefixed=False)
                     for o in cell.get("outputs", [])):
            problems.append(f"cell {index} tagged {tag!r} displays no table (no text/markdown output "
                            "with a {table} directive; show the frame with korean_ott.tables.show)")
        else:
            return []
    data_key = f"{key}_data"
    for index, output in nb.glued.get(data_key, []):
        hidden = tags(nb.cells[index]) & HIDDEN_TAGS
        shown_in_cell = book_table(output, prefixed=False) and not hidden
        pasted = book_table(output, prefixed=True) and data_key in nb.pasted
        if shown_in_cell or pasted:
            return []
        problems.append(f"{data_key!r} is glued in cell {index} but is not a table shown in the book "
                        "(glue a korean_ott.tables.show table with display=True, or paste it with {glue:md})")
    if not tagged and data_key not in nb.glued:
        problems.append(f"no cell is tagged {tag!r} and nothing is glued as {data_key!r}")
    return problems


# --- tests -------------------------------------------------------------------

def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks in {CHAPTERS}"


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.id)
def test_figure_directive_is_complete(figure):
    problems = list(figure.problems)
    if not figure.key:
        problems.append("no key given to {glue:figure}")
    if not figure.options.get("name", "").strip():
        problems.append("no :name: (needed to cross-reference the figure)")
    if not figure.options.get("alt", "").strip():
        problems.append("no :alt: text")
    if not figure.caption:
        problems.append("no caption (the first paragraph of the directive's content)")
    assert not problems, f"{figure.id} (cell {figure.cell}): " + "; ".join(problems)


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.id)
def test_figure_alt_text_is_descriptive(figure):
    alt = " ".join(figure.options.get("alt", "").split())
    assert len(alt) >= MIN_ALT, (
        f"{figure.id}: alt text has {len(alt)} characters, fewer than {MIN_ALT}; say what the figure "
        f"shows (kind of chart, axes, the pattern a sighted reader sees): {alt!r}")


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.id)
def test_figure_key_is_glued_as_an_image(figure):
    nb = NOTEBOOKS[figure.notebook]
    outputs = nb.glued.get(figure.key)
    assert outputs, (f"{figure.id}: no output glued under {figure.key!r}; "
                     f"glued keys are {sorted(nb.glued)[:20]}{' …' if len(nb.glued) > 20 else ''}")
    kinds = set().union(*(mimetypes(output) for _, output in outputs))
    assert kinds & set(IMAGE_TYPES), (
        f"{figure.id}: the value glued under {figure.key!r} has no image ({sorted(kinds)}), so the book "
        "would show its text repr; the kernel did not render the Figure (is the inline backend active?)")


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.id)
def test_figure_data_is_displayed_as_a_table(figure):
    problems = figure_data_problems(NOTEBOOKS[figure.notebook], figure.key)
    assert not problems, (
        f"{figure.id}: the plotted data is not displayed as a table: " + "; ".join(problems)
        + f". Tag the code cell that displays the DataFrame '{FIGURE_DATA_TAG}{figure.key}', "
          f"or glue it as '{figure.key}_data' (see this module's docstring).")


def test_figure_names_and_keys_are_unique():
    names = Counter(f.options.get("name") for f in FIGURES if f.options.get("name"))
    keys = Counter((f.notebook, f.key) for f in FIGURES)
    assert not [n for n, c in names.items() if c > 1], f"figure :name: used twice: {names}"
    assert not [k for k, c in keys.items() if c > 1], f"glue key placed as a figure twice: {keys}"


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_every_glued_image_is_placed_as_a_figure(name):
    nb = NOTEBOOKS[name]
    placed = {f.key for f in nb.figures}
    images = {key for key, outputs in nb.glued.items()
              if any(mimetypes(output) & set(IMAGE_TYPES) for _, output in outputs)}
    orphans = sorted(images - placed)
    assert not orphans, (f"{name}: images glued but never placed with {{glue:figure}} (so they have no "
                         f"caption or alt text in the book): {orphans}")
