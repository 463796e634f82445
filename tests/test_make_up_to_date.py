"""``make html`` and ``make pdf`` skip a build whose inputs have not changed.

The Makefile records a hash of every input of the book (sources, package,
data, the Python and fonts fingerprint, the build date) after a build that
succeeded, and builds again only when that hash changes, so ``make test`` after
``make book`` goes straight to the tests. These tests run the real targets in a
scratch copy of the repository with the builders replaced by ``echo`` (make's
``JB``, ``PREFETCH`` and ``LATEXMK`` variables), so no book is built: the
output says whether a build ran.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import scratch_repository

STUBS = ["JB=echo jupyter-book", "PREFETCH=echo prefetch", "SOURCE_DATE_EPOCH=1700000000"]
SKIP_PREREQUISITES = ["-o", ".venv/bin/.installed", "-o", "fonts", "-o", "cache-check", "-o", "pdf-deps"]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the repository whose files are hard links (instant, no space):
    a test that changes a file replaces its link by a copy first (:func:`append_line`)."""
    copy = scratch_repository(tmp_path / "repo", hard_links=True)
    (copy / "_build" / "html").mkdir(parents=True)
    (copy / "_build" / ".inputs.sha256").write_text("python and fonts fingerprint\n")
    return copy


def make(repo: Path, target: str, *extra: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    result = subprocess.run(["make", "--no-print-directory", *SKIP_PREREQUISITES, target, *STUBS, *extra],
                            cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def append_line(repo: Path, name: str) -> None:
    """Change one input, never the repository's own file behind a hard link."""
    path = repo / name
    content = path.read_bytes()
    path.unlink()
    path.write_bytes(content + b"\n")


def fake_latexmk(repo: Path) -> str:
    """A latexmk that writes the PDF and a clean log, as a successful run does."""
    script = repo / "fake-latexmk"
    script.write_text("#!/bin/sh\necho run >> latexmk-runs\ntouch book.pdf book.log\n")
    script.chmod(0o755)
    (repo / "_build" / "latex").mkdir(parents=True, exist_ok=True)
    return f"LATEXMK={script}"


def test_html_is_built_then_skipped_while_no_input_changes(repo):
    (repo / "_build" / "html" / "index.html").write_text("<html></html>")
    assert "jupyter-book build . --builder html" in make(repo, "html")
    again = make(repo, "html")
    assert "HTML up to date" in again and "jupyter-book build" not in again


@pytest.mark.parametrize("changed", ["chapters/intro.md", "korean_ott/glue.py", "data/facts.csv",
                                     "_config.yml", "_ext/book_fixes.py", "references.bib"])
def test_a_changed_input_builds_the_html_again(repo, changed):
    (repo / "_build" / "html" / "index.html").write_text("<html></html>")
    make(repo, "html")
    append_line(repo, changed)
    assert "jupyter-book build . --builder html" in make(repo, "html")


def test_another_build_date_or_fingerprint_builds_again(repo):
    (repo / "_build" / "html" / "index.html").write_text("<html></html>")
    make(repo, "html")
    assert "jupyter-book build" in make(repo, "html", "SOURCE_DATE_EPOCH=1700000001")
    make(repo, "html")
    (repo / "_build" / ".inputs.sha256").write_text("another Python\n")
    assert "jupyter-book build" in make(repo, "html")


def test_a_missing_html_is_built_whatever_the_stamp_says(repo):
    (repo / "_build" / "html" / "index.html").write_text("<html></html>")
    make(repo, "html")
    (repo / "_build" / "html" / "index.html").unlink()
    assert "jupyter-book build" in make(repo, "html")


def test_pdf_is_built_then_skipped_and_rebuilt_when_an_input_changes(repo):
    latexmk = fake_latexmk(repo)
    runs = repo / "_build" / "latex" / "latexmk-runs"
    assert "jupyter-book build . --builder latex" in make(repo, "pdf", latexmk)
    assert runs.read_text().count("run") == 1
    again = make(repo, "pdf", latexmk)
    assert "PDF up to date" in again and "jupyter-book build" not in again
    assert runs.read_text().count("run") == 1
    append_line(repo, "chapters/intro.md")
    assert "jupyter-book build . --builder latex" in make(repo, "pdf", latexmk)
    assert runs.read_text().count("run") == 2


def test_a_failed_build_leaves_no_stamp_and_is_tried_again(repo):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    (repo / "_build" / "html" / "index.html").write_text("<html></html>")
    # The build fails after prefetch has ended (the case a late kill of prefetch must not break).
    failing = repo / "failing-jupyter-book"
    failing.write_text("#!/bin/sh\nsleep 0.5\nexit 1\n")
    failing.chmod(0o755)
    failed = subprocess.run(["make", "--no-print-directory", *SKIP_PREREQUISITES, "html", f"JB={failing}",
                             "PREFETCH=true", "SOURCE_DATE_EPOCH=1700000000"],
                            cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode != 0 and "HTML build failed; partial output removed." in failed.stderr
    assert not (repo / "_build" / ".html-inputs.sha256").exists()
    assert not (repo / "_build" / "html").exists()
    (repo / "_build" / "html").mkdir()
    (repo / "_build" / "html" / "index.html").write_text("<html></html>")
    assert "jupyter-book build . --builder html" in make(repo, "html")
