"""Where every figure and table of the book comes from: notebook and cell.

The reproducibility appendix prints these maps, so a reviewer can go from a
figure or table on the page to the code cell that made it. The same maps give
each output's file and SHA-256 (:func:`output_manifest`, printed by the appendix
through :func:`output_hash_table`) and the CODECHECK manifest ``codecheck.yml``
(``python -m korean_ott.book_map``, run by ``make codecheck``, which also writes the
README's generated sections: :mod:`korean_ott.replication`).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

from korean_ott.citation import ROOT, numbered_pages, page_title, read_citation, toc_pages

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



# --- the outputs a reviewer checks, with their files and hashes ------------------

#: Where a figure's PNG is in the built HTML: myst-nb names each image by its SHA-256.
HTML_IMAGES = "_build/html/_images"
#: myst-nb's prefix for the mime types of a glued output.
RECORD_PREFIX = "application/papermill.record/"
OUTPUT_COLUMNS = ["page", "notebook", "kind", "number", "label", "file", "hashed", "sha256",
                  "code cell", "cell id", "caption"]


def glued_bundle(cells: list[dict], key: str) -> dict:
    """The mime bundle glued under ``key``, without myst-nb's record prefix; empty if none."""
    for cell in cells:
        for output in cell.get("outputs", []):
            if output.get("metadata", {}).get("scrapbook", {}).get("name") == key:
                return {mime.removeprefix(RECORD_PREFIX): value for mime, value in output.get("data", {}).items()}
    return {}


def image_sha256(bundle: dict, mime: str) -> str:
    """SHA-256 of a base64-encoded image in a mime bundle: the bytes myst-nb writes to a file."""
    value = bundle[mime]
    return hashlib.sha256(base64.b64decode("".join(value) if isinstance(value, list) else value)).hexdigest()


def table_text(cells: list[dict], label: str) -> str:
    """The MyST text of the ``{table}`` directive named ``label`` in a code cell's output."""
    for cell in cells:
        for output in cell.get("outputs", []):
            for match in TABLE_DIRECTIVE.finditer(output_markdown(output)):
                name = NAME_OPTION.search(match.group("body"))
                if name and name.group("name") == label:
                    return match.group(0)
    raise ValueError(f"no table labelled {label} in the notebook's outputs")


def printed_number(notebook: str, position: int, root: Path = ROOT, names: dict[str, str] | None = None) -> str:
    """A figure's or table's number as both editions print it: "2.3" in chapter 2, "A.1" in appendix A.

    ``names`` is :func:`korean_ott.citation.numbered_pages` of ``root``, if already read.
    """
    page = notebook.removesuffix(".ipynb")
    names = numbered_pages(root) if names is None else names
    if page not in names:
        raise ValueError(f"{notebook} shows a numbered figure or table but is in no numbered part of _toc.yml")
    return f"{names[page].split()[-1]}.{position}"


def output_manifest(root: Path = ROOT, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every figure and table of the book, page by page in table-of-contents order (figures,
    then tables, each in their printed order), with the file a reviewer checks and a SHA-256
    computed from the committed notebooks (column ``hashed`` says of what):

    * a figure: the PNG the HTML shows, ``_build/html/_images/<sha256>.png`` (myst-nb names
      an image by its hash), hashed as that file;
    * a table with a whole listing for download: its CSV file in ``chapters/tables/``, hashed
      as that file;
    * any other table: the HTML page that shows it; hashed is the table as the notebook stores
      it (its MyST text, UTF-8), which strict nbval compares on every re-execution.

    A figure's file exists after ``make book`` only if the build drew the committed figure
    again to the byte, since its name is its hash.
    """
    figures = figure_map(root, skip)
    tables = table_map(root, skip)
    names = numbered_pages(root)
    rows = []
    for path in notebooks(root, skip):
        notebook = f"chapters/{path.name}"
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for figure in figures[figures["notebook"] == notebook].to_dict("records"):
            bundle = glued_bundle(cells, figure["glue key"])
            if "image/png" not in bundle:
                raise ValueError(f"{notebook}: figure {figure['label']} is glued as {figure['glue key']!r}, "
                                 "which holds no PNG; execute the notebook")
            digest = image_sha256(bundle, "image/png")
            rows.append({**figure, "kind": "figure",
                         "number": printed_number(notebook, figure["figure"], root, names),
                         "file": f"{HTML_IMAGES}/{digest}.png", "hashed": "PNG file", "sha256": digest,
                         "caption": ""})
        page_tables = tables[tables["notebook"] == notebook].to_dict("records")
        for position, table in enumerate(page_tables, start=1):
            csv = root / "chapters" / "tables" / f"{table['label']}.csv"
            if csv.exists():
                file, hashed, content = csv.relative_to(root).as_posix(), "CSV file", csv.read_bytes()
            else:
                file, hashed = f"_build/html/{notebook.removesuffix('.ipynb')}.html", "MyST table text"
                content = table_text(cells, table["label"]).encode("utf-8")
            rows.append({**table, "kind": "table", "number": printed_number(notebook, position, root, names),
                         "file": file, "hashed": hashed, "sha256": hashlib.sha256(content).hexdigest(),
                         "caption": " ".join(table["caption"].split())})
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


def output_hash_table(root: Path = ROOT, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """The manifest of figures and tables as the reproducibility appendix prints it: each
    output's printed name, label, file, what was hashed and the SHA-256, its digits in groups
    as the data appendix prints checksums (remove the spaces to compare with ``sha256sum``).

    A figure's file is given as ``_build/html/_images/<sha256>.png``: its name is the hash
    in the last column.
    """
    from korean_ott.data import grouped_checksum

    outputs = output_manifest(root, skip)
    files = [f"{HTML_IMAGES}/<sha256>.png" if kind == "figure" else file
             for kind, file in zip(outputs["kind"], outputs["file"])]
    return pd.DataFrame({
        "output": outputs["kind"].str.capitalize() + " " + outputs["number"],
        "label": outputs["label"],
        "file": files,
        "hashed": outputs["hashed"],
        "sha256": [grouped_checksum(f"sha256:{digest}") for digest in outputs["sha256"]],
    })


# --- CODECHECK ---------------------------------------------------------------------

CODECHECK_FILE = "codecheck.yml"
CODECHECK_SPEC = "https://codecheck.org.uk/spec/config/1.0/"
CODECHECK_HEADER = """\
---
# CODECHECK configuration (https://codecheck.org.uk/spec/config/1.0/): the outputs a
# codechecker compares with the book, every figure and table, chapter by chapter.
# Generated from the committed notebooks by `make codecheck`; do not edit it by hand
# (tests/test_codecheck.py requires it to equal the generated text). Files under
# _build/ exist after `make book`. The codechecker adds the fields of the check
# (codechecker, report, certificate, summary); paper.reference will be the book's DOI
# once one is assigned (see CITATION.cff).
"""


#: A MyST role in a caption (``{numref}`fig-x` ``); a comment keeps its target, the label.
CROSS_REFERENCE = re.compile(r"\{(?:numref|ref|doc)\}`(?:[^`<]*<)?(?P<target>[^`>]+)>?`")


def codecheck_comment(row: dict, page_name: str) -> str:
    """What the codechecker finds in a manifest entry's file, and the cell that made it."""
    what = f"{page_name[0].upper()}{page_name[1:]}, {row['kind']} {row['number']} ({row['label']})"
    made = f"code cell {row['code cell']} (id {row['cell id']}) of {row['notebook']}"
    if row["kind"] == "figure":
        return f"{what}: the figure as the HTML shows it, drawn by {made}."
    where = "its whole listing, for download" if row["hashed"] == "CSV file" else "in this page"
    caption = CROSS_REFERENCE.sub(r"\g<target>", row["caption"]).rstrip(".")
    return f"{what}, {where}: {caption}. Shown by {made}."


def codecheck_config(root: Path = ROOT) -> dict:
    citation = read_citation(root)
    names = numbered_pages(root)
    manifest = output_manifest(root)
    return {
        "version": CODECHECK_SPEC,
        "paper": {"title": citation["title"],
                  "authors": [{"name": author.get("name") or f"{author['given-names']} {author['family-names']}"}
                              for author in citation["authors"]]},
        "manifest": [{"file": row["file"],
                      "comment": codecheck_comment(row, names[row["notebook"].removesuffix(".ipynb")])}
                     for row in manifest.to_dict("records")],
    }


def codecheck_yaml(root: Path = ROOT) -> str:
    body = yaml.safe_dump(codecheck_config(root), sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)
    return CODECHECK_HEADER + body


def main(argv: list[str] | None = None) -> int:
    from korean_ott import replication

    parser = argparse.ArgumentParser(
        prog="python -m korean_ott.book_map",
        description=f"Write {CODECHECK_FILE} and the generated sections of {replication.README} "
                    "(data availability, software versions, controlled randomness, tables and figures).")
    parser.add_argument("--check", action="store_true",
                        help=f"do not write; exit 1 if {CODECHECK_FILE} or {replication.README} "
                             "differs from the generated text")
    args = parser.parse_args(argv)
    target = ROOT / CODECHECK_FILE
    text = codecheck_yaml()
    readme, new_readme = replication.readme_text(ROOT)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        stale = [name for name, old, new in ((CODECHECK_FILE, current, text), (replication.README, readme, new_readme))
                 if old != new]
        for name in stale:
            print(f"{name} is out of date: run `make codecheck`", file=sys.stderr)
        return 1 if stale else 0
    target.write_text(text, encoding="utf-8", newline="\n")
    print(f"{CODECHECK_FILE}: {text.count('- file: ')} outputs")
    if new_readme != readme:
        (ROOT / replication.README).write_text(new_readme, encoding="utf-8", newline="\n")
    print(f"{replication.README}: generated sections {'rewritten' if new_readme != readme else 'current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
