"""_ext/prefetch_wait.py: while .ci/prefetch runs, Sphinx reads the Markdown pages
first and waits for each notebook to be cached; otherwise it changes nothing."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("prefetch_wait", ROOT / "_ext" / "prefetch_wait.py")
prefetch_wait = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prefetch_wait)


def fake_app(srcdir: Path):
    env = SimpleNamespace(doc2path=lambda docname: str(srcdir / (docname + (".md" if docname.startswith("md") else ".ipynb"))))
    return SimpleNamespace(srcdir=str(srcdir), env=env, config=SimpleNamespace(nb_execution_cache_path="_build/cache"))


def write_state(srcdir: Path, pid: int, order: list[str]) -> None:
    state = srcdir / prefetch_wait.PREFETCH_STATE
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"pid": pid, "order": [str(srcdir / f"{name}.ipynb") for name in order]}))


def test_without_prefetch_the_reading_order_is_left_alone(tmp_path):
    docnames = ["nb-b", "md-a", "nb-a"]
    prefetch_wait.read_markdown_first(fake_app(tmp_path), None, docnames)
    assert docnames == ["nb-b", "md-a", "nb-a"]


def test_while_prefetch_runs_markdown_comes_first_then_notebooks_in_its_order(tmp_path):
    write_state(tmp_path, os.getpid(), ["nb-b", "nb-c"])
    docnames = ["nb-a", "md-z", "nb-c", "md-a", "nb-b"]
    prefetch_wait.read_markdown_first(fake_app(tmp_path), None, docnames)
    assert docnames == ["md-a", "md-z", "nb-b", "nb-c", "nb-a"]


def test_a_state_left_by_a_process_that_ended_counts_as_not_running(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    write_state(tmp_path, int(finished.stdout), ["nb-a"])
    assert prefetch_wait._prefetch_state(fake_app(tmp_path)) is None
    (tmp_path / prefetch_wait.PREFETCH_STATE).write_text("not json")
    assert prefetch_wait._prefetch_state(fake_app(tmp_path)) is None


def test_a_notebook_is_read_once_cached_or_once_prefetch_has_ended(tmp_path, monkeypatch):
    """The wait ends when the cache matches the notebook, or when prefetch is gone."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    source = nbformat.writes(new_notebook(cells=[new_code_cell("1 + 1")]))
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        write_state(tmp_path, sleeper.pid, ["nb-a"])
        cached = threading.Event()

        class Cache:
            db = None

            def create_hashed_notebook(self, notebook):
                return notebook, "the notebook's hash"

        def record_from_hashkey(hashkey, db):
            if not cached.is_set():
                raise KeyError("not cached")

        monkeypatch.setitem(sys.modules, "jupyter_cache", SimpleNamespace(get_cache=lambda path: Cache()))
        monkeypatch.setitem(sys.modules, "jupyter_cache.cache", SimpleNamespace())
        monkeypatch.setitem(sys.modules, "jupyter_cache.cache.db",
                            SimpleNamespace(NbCacheRecord=SimpleNamespace(record_from_hashkey=record_from_hashkey)))
        threading.Timer(0.5, cached.set).start()
        start = time.perf_counter()
        prefetch_wait.wait_for_prefetch(fake_app(tmp_path), "nb-a", [source])
        assert cached.is_set() and 0.4 < time.perf_counter() - start < 5

        cached.clear()
        threading.Timer(0.5, sleeper.kill).start()
        start = time.perf_counter()
        prefetch_wait.wait_for_prefetch(fake_app(tmp_path), "nb-a", [source])  # never cached: prefetch ends
        assert not cached.is_set() and time.perf_counter() - start < 5
    finally:
        sleeper.kill()
        sleeper.wait()
