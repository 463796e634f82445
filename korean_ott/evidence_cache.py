"""Evidence several pages share, computed once per input and kept on disk.

Chapter 2 computes the Korean share of the Top 10 and where Korean dramas are
first released; the fact-check appendix, chapter 4 and the synthesis state the
same results, and used to compute them again in their own kernels. A function
decorated with :func:`cached` stores its result under
``_build/evidence-cache/`` (git-ignored; ``make clean`` removes it), keyed by
the SHA-256 of

- the function's module and name;
- its arguments: a DataFrame by its values and index
  (``pandas.util.hash_pandas_object``), columns and dtypes; a ``data_dir`` by
  the content of every file under it (``None``: the package's ``data/``);
  anything else by ``repr``;
- the source of every module of the package, and the Python, NumPy, pandas,
  SciPy and statsmodels versions.

Changed data, code or packages therefore give another key, and the result is
computed afresh: an entry is never served for inputs other than its own. Each
entry is written to a temporary file and renamed into place, so kernels running
in parallel never read half of one; an entry that cannot be read counts as
absent, and a folder that cannot be written only costs the time. Every call
unpickles its own copy, so a caller that changes the result changes nothing
for the next. Setting ``KOREAN_OTT_NO_EVIDENCE_CACHE=1`` bypasses the cache
(every call computes).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
from importlib import metadata
from pathlib import Path

import pandas as pd

from korean_ott import records

PACKAGE_DIR = Path(__file__).resolve().parent
#: Where entries are kept (read at call time, so tests can move it).
CACHE_DIR = PACKAGE_DIR.parent / "_build" / "evidence-cache"
#: Set to anything but empty or ``0`` to compute on every call.
BYPASS_VARIABLE = "KOREAN_OTT_NO_EVIDENCE_CACHE"
VERSIONED = ("numpy", "pandas", "scipy", "statsmodels")


def bypassed() -> bool:
    return os.environ.get(BYPASS_VARIABLE, "").strip() not in ("", "0")


@functools.cache
def code_version() -> str:
    """The package's source and the versions of what computes with it."""
    digest = hashlib.sha256()
    for source in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    digest.update(f"python {platform.python_version()}".encode())
    for name in VERSIONED:
        digest.update(f"; {name} {metadata.version(name)}".encode())
    return digest.hexdigest()


def data_dir_digest(data_dir) -> str:
    """The content of every file under ``data_dir`` (None: the package's data/), by path."""
    from korean_ott.checksums import file_sha256
    from korean_ott.data import DATA_DIR

    root = Path(DATA_DIR if data_dir is None else data_dir)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(root).as_posix()}\0{file_sha256(path)}\0".encode())
    return digest.hexdigest()


def argument_digest(name: str, value) -> str:
    if name == "data_dir":
        return "data " + data_dir_digest(value)
    if isinstance(value, pd.DataFrame):
        values = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        shape = repr((list(value.columns), [str(dtype) for dtype in value.dtypes], value.index.names))
        return "frame " + hashlib.sha256(values + shape.encode()).hexdigest()
    return "repr " + repr(value)


def entry_key(function, bound_arguments: dict) -> str:
    digest = hashlib.sha256(f"{function.__module__}.{function.__qualname__}\0{code_version()}\0".encode())
    for name, value in bound_arguments.items():
        digest.update(f"{name}={argument_digest(name, value)}\0".encode())
    return digest.hexdigest()


def entry_path(function, key: str) -> Path:
    return Path(CACHE_DIR) / f"{function.__module__}.{function.__qualname__}.{key}.pickle"


def _read(path: Path):
    try:
        with open(path, "rb") as stream:
            return True, pickle.load(stream)
    except Exception:  # absent, half-written by a process that died, or from other code: compute
        return False, None


def _write(path: Path, value) -> None:
    records.write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def cached(function):
    """Keep ``function``'s result on disk, keyed by its inputs (see the module's docstring)."""
    import inspect

    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if bypassed():
            return function(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        path = entry_path(function, entry_key(function, bound.arguments))
        found, value = _read(path)
        if found:
            return value
        with records.one_at_a_time(path):  # a kernel computing the same entry meanwhile finishes first
            found, value = _read(path)
            if found:
                return value
            value = function(*args, **kwargs)
            _write(path, value)
        found, stored = _read(path)  # the caller gets a copy, as a later call will
        return stored if found else value

    wrapper.uncached = function
    return wrapper
