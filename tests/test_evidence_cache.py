"""korean_ott.evidence_cache: shared evidence computed once per input, never served stale."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from korean_ott import data, evidence_cache, expert_views, migration

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "evidence-cache"
    monkeypatch.setattr(evidence_cache, "CACHE_DIR", folder)
    monkeypatch.delenv(evidence_cache.BYPASS_VARIABLE, raising=False)
    return folder


def counting():
    calls = []

    @evidence_cache.cached
    def total(frame: pd.DataFrame, scale: int = 1, data_dir=None) -> dict:
        calls.append(1)
        return {"total": float(frame["x"].sum()) * scale, "frame": frame.assign(y=frame["x"] * scale)}

    return total, calls


def test_a_second_call_with_the_same_inputs_is_not_computed_and_equals_the_first():
    total, calls = counting()
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    first, second = total(frame), total(frame.copy())
    assert len(calls) == 1
    assert first["total"] == second["total"] == 3.0
    pd.testing.assert_frame_equal(first["frame"], second["frame"], check_exact=True)


def test_each_call_gets_its_own_copy():
    total, _ = counting()
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    first = total(frame)
    first["frame"].loc[0, "y"] = 99.0
    first["total"] = -1.0
    second = total(frame)
    assert second["frame"].loc[0, "y"] == 1.0 and second["total"] == 3.0


@pytest.mark.parametrize("change", ["value", "column", "dtype", "index", "argument"])
def test_changed_arguments_are_computed_again(change):
    total, calls = counting()
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    total(frame)
    changed = {"value": lambda: (pd.DataFrame({"x": [1.0, 2.5]}), 1),
               "column": lambda: (pd.DataFrame({"z": [1.0, 2.0]}).rename(columns={"z": "x"}).assign(w=0), 1),
               "dtype": lambda: (pd.DataFrame({"x": np.array([1.0, 2.0], dtype="float32")}), 1),
               "index": lambda: (pd.DataFrame({"x": [1.0, 2.0]}, index=[5, 6]), 1),
               "argument": lambda: (frame, 2)}[change]()
    total(*changed)
    assert len(calls) == 2


def test_a_changed_data_file_is_computed_again(tmp_path):
    total, calls = counting()
    copy = tmp_path / "data"
    (copy / "raw").mkdir(parents=True)
    (copy / "a.csv").write_text("x\n1\n")
    (copy / "raw" / "b.csv").write_text("x\n2\n")
    frame = pd.DataFrame({"x": [1.0]})
    total(frame, data_dir=copy)
    total(frame, data_dir=copy)
    (copy / "raw" / "b.csv").write_text("x\n3\n")
    total(frame, data_dir=copy)
    assert len(calls) == 2


def test_a_byte_changed_in_a_copy_of_the_books_data_is_computed_again(tmp_path):
    total, calls = counting()
    copy = tmp_path / "data"
    shutil.copytree(data.DATA_DIR, copy)
    frame = pd.DataFrame({"x": [1.0]})
    total(frame, data_dir=None)
    total(frame, data_dir=copy)  # the same content elsewhere is the same entry
    assert len(calls) == 1
    edited = sorted(p for p in copy.rglob("*.csv"))[0]
    content = bytearray(edited.read_bytes())
    content[-2] = ord("0") if content[-2] != ord("0") else ord("1")
    edited.write_bytes(bytes(content))
    total(frame, data_dir=copy)
    assert len(calls) == 2


def test_changed_package_code_is_computed_again(monkeypatch):
    total, calls = counting()
    frame = pd.DataFrame({"x": [1.0]})
    total(frame)
    monkeypatch.setattr(evidence_cache, "code_version", lambda: "another version of the package")
    total(frame)
    assert len(calls) == 2


def test_code_version_covers_every_module_of_the_package():
    modules = sorted(p.name for p in evidence_cache.PACKAGE_DIR.glob("*.py"))
    assert {"migration.py", "expert_views.py", "data.py", "evidence_cache.py"} <= set(modules)


def test_a_corrupt_entry_is_computed_again(cache_dir):
    total, calls = counting()
    frame = pd.DataFrame({"x": [1.0]})
    total(frame)
    for entry in cache_dir.iterdir():
        entry.write_bytes(b"not a pickle")
    assert total(frame)["total"] == 1.0
    assert len(calls) == 2


def test_the_bypass_variable_computes_every_time(monkeypatch):
    total, calls = counting()
    monkeypatch.setenv(evidence_cache.BYPASS_VARIABLE, "1")
    frame = pd.DataFrame({"x": [1.0]})
    total(frame)
    total(frame)
    assert len(calls) == 2


def test_a_folder_that_cannot_be_written_only_costs_time(cache_dir):
    total, calls = counting()
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.write_text("a file where the folder should be")
    frame = pd.DataFrame({"x": [1.0]})
    assert total(frame)["total"] == total(frame)["total"] == 1.0
    assert len(calls) == 2


def deep_equal(a, b, where="result"):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            deep_equal(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            deep_equal(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), where
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    else:
        assert type(a) is type(b) and a == b, (where, a, b)


def test_the_books_shared_evidence_is_the_same_cached_and_computed():
    top10, engagement = data.load_top10_weekly(), data.load_engagement()
    catalogue, mdl = data.load_netflix_catalogue_2021(), data.load_mdl_dramas()
    for function, args in ((migration.korean_share_evidence, (top10, engagement, catalogue)),
                           (migration.release_origin_evidence, (mdl,)),
                           (expert_views.collect_evidence, ())):
        computed = function.uncached(*args)
        deep_equal(function(*args), computed, function.__name__)  # stored, then read back
        deep_equal(function(*args), computed, function.__name__)  # read from the cache


WRITER = """
import sys, time
import pandas as pd
from pathlib import Path
from korean_ott import evidence_cache
evidence_cache.CACHE_DIR = Path(sys.argv[1])

@evidence_cache.cached
def slow(frame):
    with open(Path(sys.argv[1]).parent / "computed", "a") as log:
        log.write("computed\\n")
    time.sleep(1.0)  # long enough for the other process to ask for the same entry meanwhile
    return {"rows": [float(v) for v in frame["x"]] * 20000}

print(len(slow(pd.DataFrame({"x": [1.0, 2.0]}))["rows"]))
"""


def test_two_processes_asking_for_the_same_entry_compute_it_once(cache_dir):
    runs = [subprocess.Popen([sys.executable, "-c", WRITER, str(cache_dir)], stdout=subprocess.PIPE, text=True,
                             cwd=ROOT) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0].strip() for run in runs]
    assert outputs == ["40000", "40000"]
    # The second waited for the first (a lock per entry) and read what it wrote.
    assert (cache_dir.parent / "computed").read_text().splitlines() == ["computed"]
    entries = [p for p in cache_dir.iterdir() if not p.name.endswith(".lock")]
    assert len(entries) == 1 and not entries[0].name.endswith(".partial")
    check = subprocess.run([sys.executable, "-c", WRITER, str(cache_dir)], capture_output=True, text=True, cwd=ROOT)
    assert check.stdout.strip() == "40000"
