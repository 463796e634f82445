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
    # Long values wrap onto aligned lines; BibTeX reads the line break as a space.
    assert f"booktitle = {{{record['title']}}}" in " ".join(entry.split())
    assert max(len(line) for line in entry.splitlines()) <= citation.BIBTEX_LINE + 2


def test_toc_chapters_have_titles():
    for chapter in citation.toc_chapters():
        assert chapter.title and not chapter.title.startswith("#")


def test_numbered_pages_follow_the_toc():
    names = citation.numbered_pages()
    assert names["chapters/01-weak-hero-class"] == "chapter 1"
    assert names["chapters/appendix-fact-check"] == "appendix A"
    assert "chapters/intro" not in names and "chapters/how-to-read" not in names
    analysis = [chapter.file for chapter in citation.toc_chapters()]
    assert [names[page] for page in analysis] == [f"chapter {n}" for n in range(1, len(analysis) + 1)]


def write_toc(root: Path, parts: list[dict]) -> Path:
    (root / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "intro", "parts": parts}),
                                   encoding="utf-8")
    return root


def test_numbered_pages_count_on_across_parts_unless_restarted(tmp_path):
    root = write_toc(tmp_path, [
        {"caption": "Front", "chapters": [{"file": "front"}]},
        {"caption": "One", "numbered": True, "chapters": [{"file": "a"}, {"file": "b"}]},
        {"caption": "Two", "numbered": True, "chapters": [{"file": "c"}]},
        {"caption": "Appendices", "numbered": True, "style": "alphaupper", "restart_numbering": True,
         "chapters": [{"file": "x"}, {"file": "y"}]},
        {"caption": "Again", "numbered": True, "restart_numbering": True, "chapters": [{"file": "d"}]},
    ])
    assert citation.numbered_pages(root) == {"a": "chapter 1", "b": "chapter 2", "c": "chapter 3",
                                             "x": "appendix A", "y": "appendix B", "d": "chapter 1"}


def test_an_unknown_numbering_style_is_named(tmp_path):
    root = write_toc(tmp_path, [{"caption": "Parts", "numbered": True, "style": "romanupper",
                                 "chapters": [{"file": "a"}]}])
    with pytest.raises(ValueError, match="_toc.yml, part 'Parts': numbering style 'romanupper'"):
        citation.numbered_pages(root)
