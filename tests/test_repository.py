"""Repository hygiene: no machine paths, notebooks committed with outputs,
the seed article unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_0663cf3c3f136d4c.txt"
SEED_SHA256 = "8a7783ce75baa04b120989b8d3a7abbe9fbc9bd5cdfa50707268bd64506738f5"


def tracked_files() -> list[Path]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in listing.decode().split("\0") if name]


def machine_paths() -> set[str]:
    paths = {str(ROOT) + "/", os.path.expanduser("~") + "/", tempfile.gettempdir() + "/"}
    return {p for p in paths if len(p) > 2}


def test_no_absolute_machine_path_in_tracked_files():
    needles = machine_paths()
    offenders = []
    for path in tracked_files():
        if not path.is_file() or path.suffix in {".xlsx", ".pdf", ".png"}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        offenders += [f"{path.relative_to(ROOT)} contains {n!r}" for n in needles if n in text]
    assert not offenders, "\n".join(offenders)


NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_executed(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code, f"{notebook.name} has no code"
    unexecuted = [i for i, c in enumerate(code) if c.get("execution_count") is None]
    assert not unexecuted, f"{notebook.name}: code cells {unexecuted} were never executed"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{notebook.name} was not run top to bottom in one kernel"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_error_or_stderr(notebook):
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{notebook.name} has an error output"
            assert output.get("name") != "stderr", f"{notebook.name} writes to stderr: {''.join(output['text'])[:200]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_carries_no_execution_timestamps(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    stamped = [i for i, c in enumerate(cells) if "execution" in c.get("metadata", {})]
    assert not stamped, (f"{notebook.name}: cells {stamped} carry execution timestamps in their metadata; "
                         "strip metadata['execution'] after running nbconvert")


def test_seed_article_is_unchanged():
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256
