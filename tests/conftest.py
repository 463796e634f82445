"""Shared fixtures.

The real datasets are loaded once per test session (validating the engagement
table row by row takes about a second, the first time its content is seen). Tests that corrupt data never touch the
repository's ``data/``: they build a temporary data package holding
``datapackage.json`` and only the file(s) they need.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from korean_ott import data

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
#: The built PDF and its LaTeX source (tests of the PDF read them).
BUILT_LATEX = REPO_ROOT / "_build" / "latex"
BUILT_PDF = BUILT_LATEX / "book.pdf"
BUILT_TEX = BUILT_LATEX / "book.tex"
#: `make test` builds the book first and sets BOOK_BUILT=1, so tests of the PDF fail
#: there if anything is missing; run alone without a build, they are skipped.
requires_built_pdf = pytest.mark.skipif(
    not os.environ.get("BOOK_BUILT") and not BUILT_PDF.exists(),
    reason="the PDF is not built; `make test` builds it first")


def poppler(tool: str, *args: str) -> subprocess.CompletedProcess:
    """Run one of poppler's tools (pdftotext, pdfinfo, pdfimages, ...) on the built PDF."""
    path = shutil.which(tool)
    assert path, f"{tool} (poppler-utils) is needed to read the PDF"
    assert BUILT_PDF.exists(), "_build/latex/book.pdf missing: run `make book`"
    return subprocess.run([path, *args], check=True, capture_output=True, text=True,
                          encoding="utf-8", errors="replace")

#: What a scratch copy of the repository leaves out: version control, builds, environments, caches.
SCRATCH_IGNORED = shutil.ignore_patterns(".git", "_build", ".venv", ".venv-*", "__pycache__", "*.egg-info",
                                         ".pytest_cache", ".ipynb_checkpoints")


def scratch_repository(destination: Path, *, hard_links: bool = False) -> Path:
    """A copy of the repository without SCRATCH_IGNORED. With ``hard_links`` its files are hard
    links (instant, no space; copies across file systems): a test must then replace a file by
    a copy before changing it, or it changes the repository's own."""
    if hard_links:
        try:
            shutil.copytree(REPO_ROOT, destination, ignore=SCRATCH_IGNORED, symlinks=True, copy_function=os.link)
            return destination
        except OSError:
            shutil.rmtree(destination, ignore_errors=True)
    shutil.copytree(REPO_ROOT, destination, ignore=SCRATCH_IGNORED, symlinks=True)
    return destination


#: Passed as ``content`` to :func:`temp_package` to leave the file out.
ABSENT = object()


# Building edited tab-separated data files (the bad-input and validation tests).
def tsv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def set_cell(line: str, position: int, value: str) -> str:
    cells = line.split("\t")
    cells[position] = value
    return "\t".join(cells)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: re-reads all raw workbooks or re-validates the whole package "
                   "(about 8 s each); deselect with -m 'not slow'")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="session")
def descriptor() -> dict:
    """The committed ``data/datapackage.json``, parsed (do not mutate)."""
    return json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def resources(descriptor) -> dict[str, dict]:
    return {resource["name"]: resource for resource in descriptor["resources"]}


# --- the real data, loaded and validated once -------------------------------

@pytest.fixture(scope="session")
def top10_weekly():
    return data.load_top10_weekly()


@pytest.fixture(scope="session")
def top10_most_popular():
    return data.load_top10_most_popular()


@pytest.fixture(scope="session")
def engagement():
    return data.load_engagement()


@pytest.fixture(scope="session")
def mdl_dramas():
    return data.load_mdl_dramas()


@pytest.fixture(scope="session")
def mdl_top250():
    return data.load_mdl_top250()


@pytest.fixture(scope="session")
def catalogue():
    return data.load_netflix_catalogue_2021()


@pytest.fixture(scope="session")
def facts():
    return data.load_facts()


# --- temporary data packages -------------------------------------------------

def sha256_bytes(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def temp_package(tmp_path):
    """Factory: a temporary ``data/`` directory holding one resource.

    ``temp_package(name)`` copies the real file; ``content=b"..."`` writes
    those bytes instead and, unless ``fix_hash=False``, records their sha256
    and size in the temporary descriptor, so that the checksum passes and the
    row rules are what the loader checks. ``content=ABSENT`` leaves the file
    out. Returns ``(data_dir, target_file)``.
    """
    root = tmp_path / "data"

    def make(name: str, content=None, fix_hash: bool = True) -> tuple[Path, Path]:
        root.mkdir(exist_ok=True)
        package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
        resource = next(r for r in package["resources"] if r["name"] == name)
        target = root / resource["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            shutil.copyfile(DATA_DIR / resource["path"], target)
        elif content is not ABSENT:
            target.write_bytes(content)
            if fix_hash:
                resource["hash"] = f"sha256:{sha256_bytes(content)}"
                resource["bytes"] = len(content)
        (root / "datapackage.json").write_text(
            json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
        return root, target

    return make


@pytest.fixture(scope="session")
def most_popular_lines() -> list[str]:
    """Lines of the real most-popular.tsv (header first), without line ends."""
    text = (DATA_DIR / "raw/netflix-top10/most-popular.tsv").read_text(encoding="utf-8")
    return text.splitlines()
