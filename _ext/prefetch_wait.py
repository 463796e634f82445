"""Read while the notebooks run: Sphinx waits for ``.ci/prefetch`` instead of executing twice.

``make html`` starts ``.ci/prefetch`` (the notebooks missing from the execution
cache, one per core) and the Sphinx build at the same time. While prefetch runs
(its process id is in ``_build/.prefetch.pid``), this extension

1. reads the Markdown pages first and the notebooks last, in the order prefetch
   starts them (longest first), so Sphinx's start-up and the Markdown pages
   take no time of their own; and
2. before a notebook is read, waits until prefetch has put its executed copy in
   the cache, so myst-nb finds it there ("Using cached notebook") instead of
   executing it a second time.

When prefetch is not running, or has ended (whether or not the notebook is
cached), nothing waits: myst-nb then executes what is missing itself and reports
any failure in full, as without prefetch. Nothing here changes what is built.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

#: Written by .ci/prefetch while it runs: its process id and the notebooks in the order it starts them.
PREFETCH_STATE = "_build/.prefetch.json"
POLL_SECONDS = 0.2


def _prefetch_state(app) -> dict | None:
    """Prefetch's state file, if the process that wrote it is still running."""
    path = Path(app.srcdir) / PREFETCH_STATE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        pid = int(state["pid"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None if _ended(pid) else state


def _ended(pid: int) -> bool:
    """A process that has exited but was not yet reaped by its parent (a zombie) has ended.
    (Prefetch removes its state file when it ends; this covers its being killed.)"""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False  # no /proc (macOS): os.kill above is the check


def _notebook_path(app, docname: str) -> Path | None:
    path = Path(app.env.doc2path(docname))
    return path if path.suffix == ".ipynb" else None


def read_markdown_first(app, env, docnames: list[str]) -> None:
    state = _prefetch_state(app)
    if state is None:
        return
    order = {str(Path(uri).resolve()): position for position, uri in enumerate(state.get("order", []))}

    def key(docname: str):
        path = _notebook_path(app, docname)
        if path is None:
            return (0, 0, docname)
        return (1, order.get(str(path.resolve()), len(order)), docname)

    docnames.sort(key=key)


def wait_for_prefetch(app, docname: str, source: list[str]) -> None:
    path = _notebook_path(app, docname)
    if path is None or _prefetch_state(app) is None:
        return
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbCacheRecord

    cache = get_cache(str(Path(app.srcdir) / app.config.nb_execution_cache_path))
    # Hashed once (as match_cache_notebook hashes it): each poll is then one database query,
    # not a rehash of the notebook, which took CPU from the kernels running meanwhile.
    _, hashkey = cache.create_hashed_notebook(nbformat.reads(source[0], as_version=4))
    while _prefetch_state(app) is not None:
        try:
            NbCacheRecord.record_from_hashkey(hashkey, cache.db)
            return
        except Exception:  # not cached yet (KeyError), or the cache's database busy: ask again
            time.sleep(POLL_SECONDS)


def setup(app) -> dict:
    app.connect("env-before-read-docs", read_markdown_first)
    app.connect("source-read", wait_for_prefetch)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
