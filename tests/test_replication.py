"""The replication package: README's generated sections are current and complete; every
data source is cited; every random-number draw is listed with its seed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from korean_ott import book_map, replication

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / replication.README
SECTIONS = ("data-availability", "dataset-list", "software-versions", "controlled-randomness", "tables-and-figures")


def generated_section(text: str, name: str) -> str:
    match = re.search(re.escape(replication.begin_marker(name)) + r"\n(.*?)\n" + re.escape(replication.end_marker(name)),
                      text, re.DOTALL)
    assert match, f"README.md has no generated section {name}"
    return match.group(1)


def test_readme_generated_sections_equal_what_the_code_makes_now():
    current, generated = replication.readme_text()
    assert current == generated, "README.md's generated sections are out of date: run `make codecheck` and commit it"


def test_readme_has_every_generated_section_once_and_the_quickstart_first():
    text = README.read_text(encoding="utf-8")
    for name in SECTIONS:
        assert text.count(replication.begin_marker(name)) == 1 and text.count(replication.end_marker(name)) == 1
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings[0] == "Quickstart"
    template = ["Data availability and provenance statements", "Dataset list", "Computational requirements",
                "Description of programs and code", "Instructions to replicators", "List of tables and programs",
                "References and licences"]
    assert [h for h in headings if h in template] == template, "the template README's sections, in its order"
    for sub in ("Statement about rights", "Summary of availability", "Details on each data source",
                "Software requirements", "Controlled randomness", "Memory, runtime and storage requirements"):
        assert re.search(rf"^### {re.escape(sub)}$", text, re.MULTILINE), sub


def test_book_map_check_reports_a_stale_readme(tmp_path, monkeypatch):
    monkeypatch.setattr(replication, "readme_text", lambda root: ("old", "new"))
    assert book_map.main(["--check"]) == 1


def test_every_figure_and_table_is_listed_in_the_readme_with_its_cell():
    listed = generated_section(README.read_text(encoding="utf-8"), "tables-and-figures")
    outputs = book_map.output_manifest()
    rows = [line for line in listed.splitlines() if re.match(r"\| (Figure|Table) ", line)]
    assert len(rows) == len(outputs), "the list is complete, not truncated"
    for row, output in zip(rows, outputs.to_dict("records")):
        assert f"| {output['label']} |" in row and output["notebook"] in row and f"(id {output['cell id']})" in row


def test_every_dataset_has_an_availability_statement():
    descriptor = replication.read_descriptor()
    statement = replication.data_availability()
    assert list(statement["dataset"]) == [r["name"] for r in descriptor["resources"]]
    assert statement.notna().all().all()
    assert (statement[["rights holder", "licence or terms", "provided", "otherwise"]] != "").all().all()
    assert statement["provided"].str.startswith("yes: data/").all()


def test_every_data_source_with_an_address_is_cited_from_the_data_appendix():
    citations = replication.data_citations()
    entries = replication.bib_entries()
    appendix = "\n".join("".join(cell["source"]) for cell in
                         json.loads((ROOT / "chapters" / "appendix-data.ipynb").read_text(encoding="utf-8"))["cells"]
                         if cell["cell_type"] == "markdown")
    cited = {key for role in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", appendix) for key in role.split(",")}
    cited = {key.strip() for key in cited}
    for dataset, keys in citations.items():
        resource = next(r for r in replication.read_descriptor()["resources"] if r["name"] == dataset)
        addresses = [s["path"] for s in resource["sources"] if replication.is_address(s.get("path"))]
        assert bool(keys) == bool(addresses), dataset
        for key in keys:
            assert key in entries and entries[key].get("urldate"), key
            assert key in cited, f"{key} (data source of {dataset}) is not cited in chapters/appendix-data.ipynb"


def test_a_source_without_a_bibliography_entry_is_an_error_naming_it(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "datapackage.json").write_text(json.dumps({"resources": [
        {"name": "one", "path": "one.csv", "sources": [{"title": "A", "path": "https://example.org/one"}]}]}))
    (tmp_path / "references.bib").write_text("@misc{other,\n  url = {https://example.org/other}\n}\n")
    with pytest.raises(ValueError, match=r"dataset one: source https://example.org/one has no entry in references.bib"):
        replication.data_citations(tmp_path)


def test_software_versions_are_the_locks_pins():
    pins = replication.pinned_versions()
    table = replication.software_versions()
    python_packages = table[table["from"] == "requirements.txt"]
    for package, version in zip(python_packages["software"], python_packages["version"]):
        assert pins[replication.normalised(package)] == version
    for needed in ("Python", "jupyter-book", "Sphinx", "myst-nb", "pandas", "numpy", "scipy", "statsmodels",
                   "seaborn", "matplotlib", "frictionless", "nbval"):
        assert needed in set(table["software"]), needed
    system = " ".join(table["from"])
    for package in ("texlive-xetex", "fonts-noto-cjk", "chromium"):
        assert package in system, package


def test_every_random_number_draw_is_listed_with_its_seed():
    draws = replication.random_draws()
    modules = {where.split(",")[0] for where in draws["where"]}
    found = replication.files_drawing_random_numbers()
    assert {f for f in found if f.startswith("korean_ott/")} == modules, \
        "a module draws random numbers that the replication statement does not list (korean_ott.replication.random_draws)"
    listed_users = {name for users in draws["used by"] for name in users.split(", ")}
    for notebook in (f for f in found if f.startswith("chapters/")):
        assert Path(notebook).name in listed_users, f"{notebook} draws random numbers outside the listed places"
        code = "\n".join("".join(c["source"]) for c in json.loads((ROOT / notebook).read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "code")
        for line in code.splitlines():
            if "default_rng(" in line:
                assert "BOOT_SEED" in line, f"{notebook}: {line.strip()} does not use a listed seed"
    assert draws["seed"].map(lambda seed: isinstance(seed, int)).all()


def test_updating_a_readme_without_its_markers_is_an_error():
    with pytest.raises(ValueError, match="no section"):
        replication.updated_readme("# A README\n", {"tables-and-figures": "x"})
