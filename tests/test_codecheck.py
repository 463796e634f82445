"""codecheck.yml: the CODECHECK manifest of every figure and table, current and well-formed."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
import yaml

from korean_ott import book_map

ROOT = Path(__file__).resolve().parent.parent
CODECHECK = ROOT / book_map.CODECHECK_FILE


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load(CODECHECK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outputs():
    return book_map.output_manifest()


def test_committed_file_equals_the_generated_one():
    assert CODECHECK.read_text(encoding="utf-8") == book_map.codecheck_yaml(), \
        "codecheck.yml is out of date: run `make codecheck` and commit it"


def test_file_follows_the_codecheck_specification(config):
    text = CODECHECK.read_text(encoding="utf-8")
    assert text.startswith("---\n"), "the specification asks for the explicit document marker first"
    assert config["version"] == book_map.CODECHECK_SPEC
    assert config["paper"]["title"] and config["paper"]["authors"]
    assert all(author.get("name") for author in config["paper"]["authors"])
    assert isinstance(config["manifest"], list) and config["manifest"]
    for entry in config["manifest"]:
        assert set(entry) == {"file", "comment"}, entry
        assert not entry["file"].startswith("/") and ".." not in Path(entry["file"]).parts, entry["file"]
        assert entry["comment"].strip()
    assert not re.search(r"FIXME|TODO|XXXXX", text)


def test_every_figure_and_table_is_listed_by_chapter(config, outputs):
    figures, tables = book_map.figure_map(), book_map.table_map()
    assert len(config["manifest"]) == len(figures) + len(tables) == len(outputs)
    labels = [re.search(r"\((fig|tbl)-[a-z0-9-]+\)", e["comment"]).group(0)[1:-1] for e in config["manifest"]]
    assert sorted(labels) == sorted([*figures["label"], *tables["label"]])
    order = [page for page in book_map.toc_pages() if (ROOT / f"{page}.ipynb").exists()]
    pages = [order.index(n.removesuffix(".ipynb")) for n in outputs["notebook"]]
    assert pages == sorted(pages), "the manifest goes chapter by chapter, in table-of-contents order"


def test_committed_files_of_the_manifest_exist_with_their_hashes(outputs):
    committed = outputs[~outputs["file"].str.startswith("_build/")]
    assert not committed.empty
    for row in committed.to_dict("records"):
        path = ROOT / row["file"]
        assert path.exists(), f"{row['label']}: {row['file']} is missing"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]


def test_figure_files_are_named_by_their_hash(outputs):
    figures = outputs[outputs["kind"] == "figure"]
    assert (figures["file"] == book_map.HTML_IMAGES + "/" + figures["sha256"] + ".png").all()
    assert (figures["hashed"] == "PNG file").all()


@pytest.mark.skipif(not os.environ.get("BOOK_BUILT") and not (ROOT / "_build" / "html").exists(),
                    reason="the book is not built; `make test` builds it first")
def test_every_listed_file_is_in_the_built_book(config):
    """A figure's file name is the hash of its PNG: the build must draw the committed figure again to the byte."""
    missing = [e["file"] for e in config["manifest"] if not (ROOT / e["file"]).exists()]
    assert not missing, ("not in the build (a figure the build drew differently from the committed notebook, "
                         "or a page not built): " + ", ".join(missing))


def synthetic_book(root: Path, png: bytes | None = b"\x89PNG fake", csv: bool = True) -> Path:
    """A one-chapter book: one glued figure, one table with a CSV listing and one without."""
    import base64
    import json

    figure_data = {f"{book_map.RECORD_PREFIX}text/plain": "<Figure>"}
    if png is not None:
        figure_data[f"{book_map.RECORD_PREFIX}image/png"] = base64.b64encode(png).decode("ascii")
    tables = ":::{table} First table, see {numref}`fig-one-plot`\n:name: tbl-one-first\n\n| a |\n|---|\n| 1 |\n:::\n"
    other = ":::{table} Second table\n:name: tbl-one-second\n\n| b |\n|---|\n| 2 |\n:::\n"
    page = {"cells": [
        {"cell_type": "markdown", "metadata": {},
         "source": "# One\n\n:::{glue:figure} one_plot\n:name: fig-one-plot\n\nA plot.\n:::\n"},
        {"cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {},
         "source": "# Draw\nglue('one_plot', fig)",
         "outputs": [{"output_type": "display_data", "data": figure_data,
                      "metadata": {"scrapbook": {"name": "one_plot", "mime_prefix": book_map.RECORD_PREFIX}}}]},
        {"cell_type": "code", "execution_count": 2, "id": "c2", "metadata": {}, "source": "show(...)",
         "outputs": [{"output_type": "execute_result", "execution_count": 2, "metadata": {},
                      "data": {"text/markdown": tables, "text/plain": "table"}},
                     {"output_type": "display_data", "metadata": {},
                      "data": {"text/markdown": other, "text/plain": "table"}}]}]}
    (root / "chapters" / "tables").mkdir(parents=True)
    (root / "chapters" / "one.ipynb").write_text(json.dumps(page), encoding="utf-8")
    if csv:
        (root / "chapters" / "tables" / "tbl-one-first.csv").write_bytes(b"a\n1\n2\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapters/intro\nparts:\n  - caption: Analysis\n"
                                   "    numbered: true\n    chapters:\n      - file: chapters/one\n", encoding="utf-8")
    (root / "CITATION.cff").write_text('title: "A book"\nauthors:\n  - given-names: Ada\n    family-names: Lee\n',
                                       encoding="utf-8")
    return root


def test_output_manifest_names_files_and_hashes(tmp_path):
    root = synthetic_book(tmp_path)
    rows = book_map.output_manifest(root).to_dict("records")
    png_hash = hashlib.sha256(b"\x89PNG fake").hexdigest()
    assert [(r["kind"], r["number"], r["label"], r["file"], r["hashed"], r["code cell"], r["cell id"])
            for r in rows] == [
        ("figure", "1.1", "fig-one-plot", f"_build/html/_images/{png_hash}.png", "PNG file", 1, "c1"),
        ("table", "1.1", "tbl-one-first", "chapters/tables/tbl-one-first.csv", "CSV file", 2, "c2"),
        ("table", "1.2", "tbl-one-second", "_build/html/chapters/one.html", "MyST table text", 2, "c2")]
    assert rows[0]["sha256"] == png_hash
    assert rows[1]["sha256"] == hashlib.sha256(b"a\n1\n2\n").hexdigest()
    second = ":::{table} Second table\n:name: tbl-one-second\n\n| b |\n|---|\n| 2 |\n:::"
    assert rows[2]["sha256"] == hashlib.sha256(second.encode("utf-8")).hexdigest()


def test_codecheck_config_of_a_synthetic_book(tmp_path):
    config = book_map.codecheck_config(synthetic_book(tmp_path))
    assert config["paper"] == {"title": "A book", "authors": [{"name": "Ada Lee"}]}
    comments = [entry["comment"] for entry in config["manifest"]]
    assert comments[0] == ("Chapter 1, figure 1.1 (fig-one-plot): the figure as the HTML shows it, drawn by "
                           "code cell 1 (id c1) of chapters/one.ipynb.")
    assert comments[1] == ("Chapter 1, table 1.1 (tbl-one-first), its whole listing, for download: First table, "
                           "see fig-one-plot. Shown by code cell 2 (id c2) of chapters/one.ipynb.")


def test_a_figure_without_its_png_is_an_error_naming_it(tmp_path):
    with pytest.raises(ValueError, match="chapters/one.ipynb: figure fig-one-plot .* holds no PNG"):
        book_map.output_manifest(synthetic_book(tmp_path, png=None))


def test_a_page_outside_the_numbered_parts_has_no_printed_number(tmp_path):
    root = synthetic_book(tmp_path)
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapters/one\n", encoding="utf-8")
    with pytest.raises(ValueError, match="in no numbered part of _toc.yml"):
        book_map.printed_number("chapters/one.ipynb", 1, root)


def test_hash_table_for_the_appendix_prints_every_output_of_the_other_pages(outputs):
    this_page = ("chapters/appendix-reproducibility",)
    printed = book_map.output_hash_table(skip=this_page)
    expected = outputs[outputs["notebook"] != "chapters/appendix-reproducibility.ipynb"].reset_index(drop=True)
    assert list(printed.columns) == ["output", "label", "file", "hashed", "sha256"]
    assert list(printed["label"]) == list(expected["label"])
    assert list(printed["sha256"].str.replace(" ", "")) == list(expected["sha256"])
    assert printed["output"].str.fullmatch(r"(Figure|Table) [0-9A-Z]+\.[0-9]+").all()
    figures = printed[printed["output"].str.startswith("Figure")]
    assert (figures["file"] == "_build/html/_images/<sha256>.png").all()
