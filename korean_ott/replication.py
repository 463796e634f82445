"""The replication package's statements, generated from the files they describe.

The README and the reproducibility appendix follow the template README of the
Social Science Data Editors (the one the AEA uses). The parts of it that restate
facts kept elsewhere are made here, so they cannot drift from those files:

* the data availability statement, one row per dataset, from ``data/datapackage.json``
  (rights holder, licence or terms, the file in this repository, where else to get it)
  and the data citations of ``references.bib`` (matched by the source's address);
* the software and its versions, from the lock ``requirements.txt``, ``pyproject.toml``
  and the system packages ``.ci/system-deps`` installs;
* the places where random numbers are drawn, with their seeds read from the code;
* every table and figure with the notebook and code cell that makes it
  (:func:`korean_ott.book_map.output_manifest`).

``python -m korean_ott.book_map`` (``make codecheck``) writes the README's generated
sections, between ``<!-- BEGIN generated: NAME -->`` and ``<!-- END generated: NAME -->``;
``tests/test_replication.py`` requires them to equal what this module makes now.
"""

from __future__ import annotations

import inspect
import json
import re
import tomllib
from pathlib import Path

import pandas as pd

from korean_ott.citation import ROOT, read_citation

README = "README.md"

# --- data availability -----------------------------------------------------------

BIB_ENTRY = re.compile(r"^@(?P<type>\w+)\{(?P<key>[^,\s]+),(?P<body>.*?)^\}", re.MULTILINE | re.DOTALL)
BIB_FIELD = re.compile(r"^\s*(?P<name>\w+)\s*=\s*\{(?P<value>.*)\},?\s*$", re.MULTILINE)


def bib_entries(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """``references.bib`` as ``{key: {field: value}}`` (one-line fields, as this file writes them)."""
    text = (root / "references.bib").read_text(encoding="utf-8")
    return {match.group("key"): {field.group("name").lower(): field.group("value")
                                 for field in BIB_FIELD.finditer(match.group("body"))}
            for match in BIB_ENTRY.finditer(text)}


def plain_bib_text(value: str) -> str:
    """A BibTeX value as a reader sees it: no protecting braces, en dashes for ``--``."""
    return value.replace("{", "").replace("}", "").replace("\\_", "_").replace("--", "–")


def read_descriptor(root: Path = ROOT) -> dict:
    return json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))


def is_address(path: str | None) -> bool:
    return bool(path) and path.startswith(("https://", "http://"))


def data_citations(root: Path = ROOT) -> dict[str, list[str]]:
    """The bibliography keys that cite each dataset: the entries whose ``url`` is one of the
    addresses the data package gives as the dataset's sources, in the sources' order.

    A source with an address and no entry is an error naming the dataset and the address.
    """
    by_url = {}
    for key, fields in bib_entries(root).items():
        if "url" in fields:
            by_url.setdefault(fields["url"], key)
    citations = {}
    for resource in read_descriptor(root)["resources"]:
        keys = []
        for source in resource["sources"]:
            if not is_address(source.get("path")):
                continue
            if source["path"] not in by_url:
                raise ValueError(f"data/datapackage.json: dataset {resource['name']}: source {source['path']} "
                                 "has no entry in references.bib with that url (data citations rule)")
            keys.append(by_url[source["path"]])
        citations[resource["name"]] = list(dict.fromkeys(keys))
    return citations


def book_authors(root: Path = ROOT) -> str:
    return "; ".join(author.get("name") or f"{author['given-names']} {author['family-names']}"
                     for author in read_citation(root)["authors"])


def rights_holder(resource: dict, citations: list[str], entries: dict, root: Path = ROOT) -> str:
    """Who holds the rights: the original source's publisher; else the author of its data
    citation; a dataset with no outside source was compiled for this book by its authors."""
    original = resource["sources"][0]
    if original.get("publisher"):
        return original["publisher"]
    if citations and entries[citations[0]].get("author"):
        return plain_bib_text(entries[citations[0]]["author"])
    return f"{book_authors(root)} (compiled for this book)"


def otherwise_available(resource: dict, descriptor: dict) -> str:
    """How to get the file other than from this repository."""
    if resource.get("derivedBy"):
        sources = resource.get("derivedFrom", [])
        folders = {str(Path(path).parent) for path in sources}
        inputs = (f"the {len(sources)} files of data/{folders.pop()}/" if len(sources) > 1 and len(folders) == 1
                  else ", ".join(f"data/{path}" for path in sources))
        rebuilt = f"rebuilt from {inputs} by `{resource['derivedBy']}`"
        outside = [s for s in resource["sources"] if is_address(s.get("path"))]
        if outside:
            return f"{rebuilt}; the inputs from " + "; copies: ".join(s["path"] for s in outside)
        return rebuilt + " (compiled for this book: no other copy)"
    outside = [s for s in resource["sources"] if is_address(s.get("path"))]
    if not outside:
        return "compiled for this book: no other copy"
    original, copies = outside[0], outside[1:]
    text = f"from the publisher, {original['path']}"
    for copy in copies:
        text += f"; the copy used: {copy['title']}, {copy['path']}"
    return text


COMMIT = re.compile(r"\b(?P<short>[0-9a-f]{12})[0-9a-f]{28}\b")


def abbreviated_commits(text: str) -> str:
    """``text`` with each full git commit hash cut to its first 12 digits, as git abbreviates
    them (a printed page has no room for 40 unbreakable digits)."""
    return COMMIT.sub(r"\g<short>", text)


def data_availability(root: Path = ROOT) -> pd.DataFrame:
    """The data availability statement, one row per dataset of ``data/datapackage.json``.

    Every file is provided in the repository (a missing file is an error); the statement
    says who holds the rights, the licence or terms as the package records them, the file
    and its retrieval date, how to get it otherwise, and the bibliography keys citing it.
    """
    descriptor = read_descriptor(root)
    entries = bib_entries(root)
    citations = data_citations(root)
    rows = []
    for resource in descriptor["resources"]:
        path = root / "data" / resource["path"]
        if not path.exists():
            raise ValueError(f"data/datapackage.json: dataset {resource['name']}: file data/{resource['path']} "
                             "is not in the repository (every dataset is provided)")
        rows.append({
            "dataset": resource["name"],
            "rights holder": rights_holder(resource, citations[resource["name"]], entries, root),
            "licence or terms": "; ".join(licence["title"] for licence in resource["licenses"]),
            "provided": f"yes: data/{resource['path']} (retrieved {resource['retrieved']})",
            "otherwise": otherwise_available(resource, descriptor),
            "cited as": ", ".join(citations[resource["name"]]),
        })
    return pd.DataFrame(rows, columns=["dataset", "rights holder", "licence or terms", "provided", "otherwise",
                                       "cited as"])


def dataset_list(root: Path = ROOT) -> pd.DataFrame:
    """Every data file of ``data/datapackage.json``: its dataset, size, and whether it is
    kept as obtained or made by code or by hand for this book."""
    rows = []
    for resource in read_descriptor(root)["resources"]:
        if resource.get("derivedBy"):
            made = f"built by `{resource['derivedBy']}`"
        elif resource["path"].startswith("raw/"):
            made = "as obtained (see its folder's PROVENANCE.md)"
        else:
            made = "compiled by hand for this book"
        rows.append({"file": f"data/{resource['path']}", "dataset": resource["name"],
                     "bytes": resource["bytes"], "made": made})
    return pd.DataFrame(rows, columns=["file", "dataset", "bytes", "made"])


# --- computational requirements ------------------------------------------------------

#: The Python packages named in the statement (the lock pins these and all their dependencies).
NAMED_PACKAGES = ("jupyter-book", "Sphinx", "myst-nb", "sphinx-book-theme", "sphinxcontrib-bibtex",
                  "sphinx-exercise", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn",
                  "frictionless", "nbval", "pytest", "ipykernel", "jupyterlab")
#: What each group of system packages in .ci/system-deps is for.
SYSTEM_GROUPS = {"pdf": "TeX Live with XeLaTeX, latexmk and xindy; Noto CJK KR and FreeFont fonts; poppler",
                 "fonts": "Noto Sans CJK KR, the figures' font for Hangul",
                 "browser": "Chromium, for the browser tests"}
#: The machine on which the book is built, tested and timed (`make bench`).
HARDWARE = {"cores": 2, "memory_gib": 24, "system": "Debian 12", "architecture": "x86_64"}
#: What building the book needs of it, as observed there: free memory, and the disk taken by
#: the .venv and by the Debian TeX and font packages (approximate; the README states the same).
NEEDS = {"memory_gib": 2, "venv_gb": 1.1, "tex_and_fonts_mb": 700}


def pinned_versions(root: Path = ROOT) -> dict[str, str]:
    """``requirements.txt`` as ``{normalised name: version}``."""
    pins = {}
    for number, line in enumerate((root / "requirements.txt").read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, separator, version = line.partition("==")
        if not separator:
            raise ValueError(f"requirements.txt, line {number}: {line!r} is not an exact pin (name==version)")
        pins[normalised(name)] = version.split(";", 1)[0].strip()
    return pins


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def python_bounds(root: Path = ROOT) -> tuple[str, str]:
    """The oldest supported Python and the first one not supported, from pyproject.toml."""
    with open(root / "pyproject.toml", "rb") as handle:
        spec = tomllib.load(handle)["project"]["requires-python"]
    parts = dict(re.fullmatch(r"\s*(>=|<)\s*([\d.]+)\s*", part).groups() for part in spec.split(","))
    return parts[">="], parts["<"]


def python_range(root: Path = ROOT) -> str:
    oldest, below = python_bounds(root)
    return f"{oldest} or newer, below {below}"


def system_packages(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """The Debian packages and Homebrew commands ``.ci/system-deps`` gives for each group."""
    text = (root / ".ci" / "system-deps").read_text(encoding="utf-8")
    found = {}
    for system in ("debian", "macos"):
        block = re.search(rf"^declare -A {system}=\((?P<body>.*?)^\)", text, re.MULTILINE | re.DOTALL)
        if not block:
            raise ValueError(f".ci/system-deps: no `declare -A {system}=(...)` table of packages")
        for group, value in re.findall(r'\[(\w+)\]="([^"]*)"', block.group("body")):
            found.setdefault(group, {})[system] = " ".join(value.split("#", 1)[0].split())
    return found


def software_versions(root: Path = ROOT) -> pd.DataFrame:
    """The software the book needs, with the versions the lock pins; the system tools by
    the packages that provide them."""
    pins = pinned_versions(root)
    rows = [{"software": "Python", "version": python_range(root), "from": "pyproject.toml (requires-python)"}]
    for package in NAMED_PACKAGES:
        if normalised(package) not in pins:
            raise ValueError(f"requirements.txt: no pin for {package}")
        rows.append({"software": package, "version": pins[normalised(package)], "from": "requirements.txt"})
    for group, packages in system_packages(root).items():
        rows.append({"software": SYSTEM_GROUPS.get(group, group),
                     "version": "the distribution's (tested: Debian 12's)",
                     "from": f".ci/system-deps {group}: Debian `{packages['debian']}`; macOS `{packages['macos']}`"})
    return pd.DataFrame(rows, columns=["software", "version", "from"])


# --- controlled randomness -------------------------------------------------------------

#: Calls that draw random numbers (numpy, the standard library, scikit-learn style seeds).
RANDOM_CALL = re.compile(r"\bnp\.random\.|\bnumpy\.random\b|\bdefault_rng\(|^\s*import random\b|"
                         r"^\s*from random import|\brandom_state\s*=|\.sample\(", re.MULTILINE)


def _seed_of(function, parameter: str = "seed"):
    return inspect.signature(function).parameters[parameter].default


def notebooks_calling(names: tuple[str, ...], root: Path = ROOT) -> list[str]:
    """The chapters whose code cells name any of ``names``."""
    found = []
    for path in sorted((root / "chapters").glob("*.ipynb")):
        code = "\n".join(cell_source(c) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "code")
        if any(re.search(rf"\b{re.escape(name)}\b", code) for name in names):
            found.append(path.name)
    return found


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def random_draws(root: Path = ROOT) -> pd.DataFrame:
    """Every place where the book draws random numbers, its seed as the code sets it, and
    the notebooks that call it."""
    from korean_ott import chart_runs, migration

    shares = migration.engagement_korean_shares
    return pd.DataFrame([
        {"where": "korean_ott/chart_runs.py, BOOT_SEED", "seed": chart_runs.BOOT_SEED,
         "what": f"percentile bootstrap intervals of the Top 10 run comparisons, {chart_runs.BOOT_DRAWS} draws",
         "used by": ", ".join(notebooks_calling(("BOOT_SEED", "compare_runs", "compare_release_patterns",
                                                 "bootstrap_difference"), root))},
        {"where": "korean_ott/migration.py, engagement_korean_shares(seed=...)", "seed": _seed_of(shares),
         "what": f"title bootstrap of the Korean share of hours in the engagement reports, "
                 f"{_seed_of(shares, 'n_boot')} draws",
         "used by": ", ".join(notebooks_calling(("engagement_korean_shares",), root))},
    ], columns=["where", "seed", "what", "used by"])


def files_drawing_random_numbers(root: Path = ROOT) -> list[str]:
    """The package modules and notebooks whose code calls a random-number generator."""
    found = []
    for path in sorted((root / "korean_ott").glob("*.py")):
        if RANDOM_CALL.search(path.read_text(encoding="utf-8")):
            found.append(path.relative_to(root).as_posix())
    for path in sorted((root / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join(cell_source(c) for c in cells if c["cell_type"] == "code")
        if RANDOM_CALL.search(code):
            found.append(path.relative_to(root).as_posix())
    return found


# --- tables and figures ----------------------------------------------------------------

def tables_and_figures(root: Path = ROOT, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every table and figure of the book with the program (notebook) and code cell that
    makes it, and the cell's own description (its first comment line)."""
    from korean_ott.book_map import describe_cell, output_manifest

    outputs = output_manifest(root, skip)
    described = {}
    for notebook in outputs["notebook"].unique():
        cells = json.loads((root / notebook).read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                source = cell["source"]
                described[(notebook, cell.get("id", ""))] = describe_cell(
                    "".join(source) if isinstance(source, list) else source)
    return pd.DataFrame({
        "output": outputs["kind"].str.capitalize() + " " + outputs["number"],
        "label": outputs["label"],
        "program": outputs["notebook"],
        "code cell": [f"{count} (id {cell_id})" for count, cell_id in zip(outputs["code cell"], outputs["cell id"])],
        "what the cell does": [described.get((n, i), "") for n, i in zip(outputs["notebook"], outputs["cell id"])],
    })


# --- the README's generated sections ---------------------------------------------------

def markdown_cell(value) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = ["| " + " | ".join(markdown_cell(value) for value in row) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def hardware_sentence() -> str:
    return (f"Hardware used: {HARDWARE['cores']} CPU cores, {HARDWARE['memory_gib']} GiB of memory, "
            f"{HARDWARE['system']} on {HARDWARE['architecture']}; no GPU.")


def readme_sections(root: Path = ROOT) -> dict[str, str]:
    """The README's generated sections, by name, as Markdown."""
    outputs = tables_and_figures(root)
    counts = outputs["output"].str.split().str[0].value_counts()
    draws = random_draws(root)
    randomness = "\n".join(
        f"- `{row['where']}`: seed {row['seed']}; {row['what']}; used by {row['used by']}."
        for row in draws.to_dict("records"))
    return {
        "data-availability": markdown_table(data_availability(root)),
        "dataset-list": markdown_table(dataset_list(root)),
        "software-versions": hardware_sentence() + "\n\n" + markdown_table(software_versions(root)),
        "controlled-randomness": randomness,
        "tables-and-figures": (
            f"<details>\n<summary>All {counts.get('Figure', 0)} figures and {counts.get('Table', 0)} tables, "
            "with the notebook and code cell that make each</summary>\n\n"
            + markdown_table(outputs) + "\n\n</details>"),
    }


def begin_marker(name: str) -> str:
    return f"<!-- BEGIN generated: {name} (make codecheck writes this; do not edit) -->"


def end_marker(name: str) -> str:
    return f"<!-- END generated: {name} -->"


def updated_readme(text: str, sections: dict[str, str]) -> str:
    """``text`` with each generated section replaced by its new content."""
    for name, content in sections.items():
        pattern = re.compile(re.escape(begin_marker(name)) + r"\n.*?" + re.escape(end_marker(name)), re.DOTALL)
        if not pattern.search(text):
            raise ValueError(f"{README}: no section `{begin_marker(name)}` ... `{end_marker(name)}`; "
                             "add both marker lines where the generated text belongs")
        text = pattern.sub(lambda _match: f"{begin_marker(name)}\n{content}\n{end_marker(name)}", text, count=1)
    return text


def readme_text(root: Path = ROOT) -> tuple[str, str]:
    """The README as committed and as it would be with its generated sections made now."""
    current = (root / README).read_text(encoding="utf-8")
    return current, updated_readme(current, readme_sections(root))
