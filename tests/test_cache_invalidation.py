"""``make cache-check`` drops the notebook execution cache exactly when it must.

jupyter-cache keys a notebook only on its code cells, so the Makefile's
``cache-check`` target fingerprints ``data/``, ``korean_ott/`` and
``requirements.txt`` and removes ``_build/.jupyter_cache`` when the fingerprint
changes. These tests run the real target in a scratch copy of the repository
(without ``.git``, ``_build`` and ``.venv``; ``.venv`` is a symlink to the
project's and is never remade: make runs with ``-o .venv/bin/.installed``). No
book is built: a marker file in ``_build/.jupyter_cache`` shows whether the
cache survived.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import scratch_repository

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = ".venv/bin/.installed"
CLEARED = "clearing the execution cache"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


@pytest.fixture
def repo(tmp_path) -> Path:
    """A scratch copy of the repository whose execution cache holds one marker file."""
    copy = scratch_repository(tmp_path / "repo")
    venv = ROOT / ".venv"
    if (venv / "bin" / ".installed").exists():
        (copy / ".venv").symlink_to(venv, target_is_directory=True)
    else:  # no project venv yet: a stub satisfies the target's prerequisite
        (copy / INSTALLED).parent.mkdir(parents=True)
        (copy / INSTALLED).touch()
    first = cache_check(copy)
    assert CLEARED in first, f"a first run, with no fingerprint yet, must clear the cache:\n{first}"
    assert (copy / "_build" / ".inputs.sha256").exists()
    add_marker(copy)
    return copy


def cache_check(repo: Path) -> str:
    """Run ``make cache-check`` in ``repo``; return what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    result = subprocess.run(["make", "--no-print-directory", "-o", INSTALLED, "cache-check"], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"make cache-check failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def marker(repo: Path) -> Path:
    return repo / "_build" / ".jupyter_cache" / "marker"


def add_marker(repo: Path) -> None:
    marker(repo).parent.mkdir(parents=True, exist_ok=True)
    marker(repo).write_text("cached execution\n")


def flip_a_byte(path: Path) -> None:
    content = bytearray(path.read_bytes())
    assert content, f"{path} is empty"
    middle = len(content) // 2
    content[middle] = ord("x") if content[middle] != ord("x") else ord("y")
    path.write_bytes(bytes(content))


def smallest_file(folder: Path, pattern: str = "*") -> Path:
    files = [p for p in folder.rglob(pattern) if p.is_file() and p.stat().st_size and "__pycache__" not in p.parts]
    assert files, f"no file in {folder}"
    return min(files, key=lambda p: (p.stat().st_size, p.as_posix()))


def assert_cleared(repo: Path, output: str) -> None:
    assert not marker(repo).exists(), f"the execution cache was kept after an input changed:\n{output}"
    assert CLEARED in output
    # ... and the new fingerprint is stable: the next run keeps a fresh cache.
    add_marker(repo)
    again = cache_check(repo)
    assert marker(repo).exists() and CLEARED not in again, f"cleared twice for one change:\n{again}"


def test_unchanged_inputs_keep_the_cache(repo):
    output = cache_check(repo)
    assert marker(repo).exists(), f"cache cleared although nothing changed:\n{output}"
    assert CLEARED not in output


def test_touching_without_changing_content_keeps_the_cache(repo):
    for path in (smallest_file(repo / "data"), smallest_file(repo / "korean_ott", "*.py"), repo / "requirements.txt"):
        os.utime(path)
    output = cache_check(repo)
    assert marker(repo).exists(), f"cache cleared by a timestamp change only:\n{output}"


def test_bytecode_does_not_count(repo):
    pycache = repo / "korean_ott" / "__pycache__"
    pycache.mkdir(exist_ok=True)
    (pycache / "data.cpython-311.pyc").write_bytes(b"\x00compiled")
    output = cache_check(repo)
    assert marker(repo).exists(), f"a .pyc file cleared the cache:\n{output}"


def test_changed_data_file_clears_the_cache(repo):
    flip_a_byte(smallest_file(repo / "data"))
    assert_cleared(repo, cache_check(repo))


def test_changed_data_file_deep_in_raw_clears_the_cache(repo):
    raw = repo / "data" / "raw"
    if not raw.is_dir():
        pytest.skip("no data/raw folder")
    flip_a_byte(smallest_file(raw))
    assert_cleared(repo, cache_check(repo))


def test_new_data_file_clears_the_cache(repo):
    (repo / "data" / "new_table.csv").write_text("a,b\n1,2\n")
    assert_cleared(repo, cache_check(repo))


def test_changed_package_module_clears_the_cache(repo):
    flip_a_byte(smallest_file(repo / "korean_ott", "*.py"))
    assert_cleared(repo, cache_check(repo))


def test_changed_requirements_clear_the_cache(repo):
    with (repo / "requirements.txt").open("a") as requirements:
        requirements.write("# a changed pin\n")
    assert_cleared(repo, cache_check(repo))
