"""The citation metadata: valid CFF, and one version and title everywhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import korean_ott
from korean_ott import citation

ROOT = Path(__file__).resolve().parent.parent
CFFCONVERT = ROOT / ".venv-tools" / "bin" / "cffconvert"


def test_citation_cff_is_valid():
    tool = CFFCONVERT if CFFCONVERT.exists() else shutil.which("cffconvert")
    if tool is None:
        if os.environ.get("BOOK_BUILT"):
            pytest.fail("cffconvert missing: `make test` installs it into .venv-tools")
        pytest.skip("cffconvert not installed; `make test` installs it")
    result = subprocess.run([str(tool), "--validate", "-i", "CITATION.cff"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_version_everywhere():
    version = citation.read_citation()["version"]
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert korean_ott.__version__ == version
    assert zenodo["version"] == version
    assert config["sphinx"]["config"]["today"] == f"Version {version}"


def test_one_title_everywhere():
    record = citation.read_citation()
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert zenodo["title"] == record["title"] == config["title"]
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in record["authors"]]


def test_no_invented_doi():
    record = citation.read_citation()
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert "doi" not in record and "doi" not in zenodo
    assert "No DOI assigned yet" in citation.book_bibtex(record)


def test_bibtex_records():
    record = citation.read_citation()
    book = citation.book_bibtex(record)
    assert book.startswith("@book{kcontent_platform_book_2026,")
    assert "{{The K-Content Platform Book contributors}}" in book
    chapter = citation.Chapter("chapters/01-example-chapter", "An example")
    entry = citation.chapter_bibtex(record, chapter)
    assert entry.startswith("@incollection{kcontent_platform_book_2026_01_example_chapter,")
    assert f"booktitle = {{{record['title']}}}" in entry


def test_toc_chapters_have_titles():
    for chapter in citation.toc_chapters():
        assert chapter.title and not chapter.title.startswith("#")
