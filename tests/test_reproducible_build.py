"""Byte-identical rebuilds: the build manifest, the build date, and what the figures carry.

The double build itself is ``make reprocheck`` (``.ci/reprocheck``, about six
minutes; ``.ci/run`` runs it after ``make test``). ``test_two_builds_give_identical_manifests`` compares two builds made
elsewhere: give their folders as ``REPRO_BUILDS=first/_build:second/_build``;
without it the test is skipped.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from korean_ott import book_map
from korean_ott.build_manifest import (EXCLUDED, MANIFEST_NAME, compare, manifest_text, output_files,
                                       read_manifest, write_manifest)

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"


def fake_build(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


# --- the manifest -------------------------------------------------------------------

def test_manifest_lists_the_site_and_the_pdf_and_nothing_else(tmp_path):
    build = fake_build(tmp_path, {
        "html/index.html": b"<h1>x</h1>", "html/_images/b.png": b"png", "html/.buildinfo": b"config: 1",
        "html/chapters/\u00e9t\u00e9.html": b"page", "latex/book.pdf": b"%PDF", "latex/book.log": b"log",
        "latex/book.tex": b"tex", ".jupyter_cache/global.db": b"db", "jupyter_execute/a.ipynb": b"{}",
    })
    assert output_files(build) == ["html/_images/b.png", "html/chapters/\u00e9t\u00e9.html", "html/index.html",
                                   "latex/book.pdf"]
    assert EXCLUDED == {"html/.buildinfo"}


def test_manifest_is_sha256sum_format_and_checks_with_it(tmp_path):
    build = fake_build(tmp_path, {"html/index.html": b"<h1>x</h1>\n", "html/a b.txt": b"space"})
    manifest = write_manifest(build)
    assert manifest == build / MANIFEST_NAME
    page, text = hashlib.sha256(b"<h1>x</h1>\n").hexdigest(), hashlib.sha256(b"space").hexdigest()
    assert manifest.read_text(encoding="utf-8") == f"{text}  html/a b.txt\n{page}  html/index.html\n"
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--check", "--quiet", MANIFEST_NAME], cwd=build, check=True)


def test_manifest_of_a_folder_without_html_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `make book` first"):
        manifest_text(tmp_path)


def test_malformed_manifest_line_names_the_line(tmp_path):
    path = tmp_path / MANIFEST_NAME
    path.write_text("0" * 64 + "  html/a\nnot a line\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        read_manifest(path)
    path.write_text(("0" * 64 + "  html/a\n") * 2, encoding="utf-8")
    with pytest.raises(ValueError, match="listed twice"):
        read_manifest(path)


def test_compare_reports_missing_extra_and_changed_files():
    first = {"html/a": "1" * 64, "html/b": "2" * 64, "html/c": "3" * 64}
    second = {"html/a": "1" * 64, "html/b": "f" * 64, "html/d": "4" * 64}
    difference = compare(first, second)
    assert difference
    assert (difference.only_first, difference.only_second, difference.differing) == (["html/c"], ["html/d"],
                                                                                    ["html/b"])
    assert "different bytes (1):\n  html/b" in difference.report()
    assert not compare(first, dict(first))


@pytest.mark.skipif(not (BUILD / MANIFEST_NAME).exists() or not os.environ.get("BOOK_BUILT"),
                    reason="no built book; `make book` writes _build/MANIFEST.sha256")
def test_manifest_of_the_build_is_current():
    assert read_manifest(BUILD / MANIFEST_NAME) == read_manifest_text(manifest_text(BUILD))


def read_manifest_text(text: str) -> dict[str, str]:
    return {line[66:]: line[:64] for line in text.splitlines()}


@pytest.mark.skipif(not os.environ.get("REPRO_BUILDS"),
                    reason="give two build folders as REPRO_BUILDS=first/_build:second/_build (make reprocheck)")
def test_two_builds_give_identical_manifests():
    first, second = (Path(p) for p in os.environ["REPRO_BUILDS"].split(":"))
    difference = compare(read_manifest(first / MANIFEST_NAME), read_manifest(second / MANIFEST_NAME))
    assert not difference, difference.report()


# --- the build date -------------------------------------------------------------------

SCRIPT = ROOT / ".ci" / "source-date-epoch"


def test_build_date_is_the_last_commit_in_a_checkout():
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    expected = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout.strip()
    printed = subprocess.run([sys.executable, str(SCRIPT)], check=True, capture_output=True, text=True).stdout
    assert printed.strip() == expected


def test_build_date_outside_a_checkout_is_the_release_date(tmp_path):
    copy = tmp_path / "book"
    (copy / ".ci").mkdir(parents=True)
    shutil.copy(SCRIPT, copy / ".ci")
    (copy / "CITATION.cff").write_text('cff-version: 1.2.0\ndate-released: "2026-11-25"\n', encoding="utf-8")
    environment = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    result = subprocess.run([sys.executable, str(copy / ".ci" / "source-date-epoch")], check=True,
                            capture_output=True, text=True, env=environment)
    assert result.stdout.strip() == "1795564800"  # 2026-11-25T00:00:00Z
    assert "date-released" in result.stderr


def test_makefile_exports_the_build_date_and_forces_it_on_tex():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "export SOURCE_DATE_EPOCH" in makefile
    assert re.search(r"FORCE_SOURCE_DATE=1 \$\(LATEXMK\) ", makefile)


# --- figures carry no date, path or version that could vary -----------------------------

def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunks.append((kind, data[at + 8:at + 8 + length]))
        at += 12 + length
    return chunks


def glued_images() -> list[tuple[str, str, bytes]]:
    found = []
    for path in book_map.notebooks():
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                for mime, value in output.get("data", {}).items():
                    kind = mime.removeprefix(book_map.RECORD_PREFIX)
                    if kind in ("image/png", "application/pdf"):
                        text = "".join(value) if isinstance(value, list) else value
                        found.append((path.name, kind, base64.b64decode(text)))
    return found


def test_committed_figures_carry_no_date():
    images = glued_images()
    assert any(kind == "image/png" for _, kind, _ in images)
    for notebook, kind, data in images:
        if kind == "image/png":
            chunks = png_chunks(data)
            assert b"tIME" not in {k for k, _ in chunks}, f"{notebook}: a PNG carries a time chunk"
            texts = [body.split(b"\0")[0] for k, body in chunks if k in (b"tEXt", b"iTXt", b"zTXt")]
            assert set(texts) <= {b"Software"}, f"{notebook}: a PNG carries text chunks {texts}"
        else:
            assert b"/CreationDate" not in data and b"/ModDate" not in data, f"{notebook}: a PDF figure is dated"
