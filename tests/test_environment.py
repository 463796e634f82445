"""The environment a reader builds the book in.

- Every pin of ``requirements.txt`` and ``.ci/requirements-cffconvert.txt`` is
  exact, and installs on every supported Python (3.11.2, Debian 12's own, 3.12
  and 3.13) on Linux x86_64 and aarch64 (glibc 2.36, Debian 12's, or newer) and
  macOS 14+ on arm64: ``pip download --no-deps --only-binary=:all:
  --python-version V --platform P`` finds a wheel for it, or, failing that, a
  source distribution that is pure Python (no C, C++, Cython, Rust or Fortran
  sources). This needs the package index (marker ``network``); without it the
  test is skipped, saying so. Pins whose wheel is ``none-any`` are checked on
  one platform per Python; the runs go in parallel (about a minute).
  The answer depends only on the locks, so it is checked once per lock content:
  ``.ci/wheels-verified.json`` records the SHA-256 of each lock (and the Pythons
  and platforms) after a check that passed. While the locks match the record the
  test passes at once; a changed lock is checked against the index again, and
  the test then fails, even when every pin is found, until the record is
  renewed (``RECORD_WHEELS=1``, which ``make lock`` sets), so a lock can never
  pass unchecked. ``RECHECK_WHEELS=1`` checks against the index whatever the record says.
- The Makefile chooses a supported Python by itself and refuses an unsupported one.
- The vendored MathJax (``_vendor/mathjax``) is complete: its checksums match
  its ``SHA256SUMS``, its licence is there, and ``_config.yml`` points at it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
LOCKS = [ROOT / "requirements.txt", ROOT / ".ci" / "requirements-cffconvert.txt",
         ROOT / ".ci" / "requirements-bootstrap.txt"]
PYTHONS = ["3.11.2", "3.12", "3.13"]
#: Oldest glibc supported: Debian 12's 2.36 (Ubuntu 24.04 has 2.39).
GLIBC_MINOR = 36
PLATFORMS = {
    f"linux-{arch}": [f"manylinux2014_{arch}"] + [f"manylinux_2_{minor}_{arch}" for minor in range(17, GLIBC_MINOR + 1)]
    for arch in ("x86_64", "aarch64")
}
PLATFORMS["macos-arm64"] = ["macosx_14_0_arm64"]  # pip adds the older macOS and universal2 tags itself
COMPILED_SOURCES = (".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".pyx", ".pxd", ".rs", ".f", ".f90", ".go")
OFFLINE_SIGNS = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
                 "Network is unreachable", "Name or service not known", "ConnectTimeoutError",
                 "Max retries exceeded", "Could not fetch URL")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)$")
MAKE_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS", "PYTHON"))}


def pins(lock: Path) -> list[str]:
    lines = [line.split("#")[0].strip() for line in lock.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and line != "-e ."]


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: p.name)
def test_every_requirement_is_an_exact_pin(lock):
    loose = [line for line in pins(lock) if not PIN.match(line)]
    assert not loose, f"{lock.name}: not pinned with ==: {loose}"
    names = [PIN.match(line).group(1).lower().replace("_", "-").replace(".", "-") for line in pins(lock)]
    assert len(names) == len(set(names)), f"{lock.name}: a package pinned twice"


# --- wheels for every supported Python and platform ---------------------------

class Offline(Exception):
    pass


def pip_download(requirements: list[str], dest: Path, *options: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--retries", "1", "--timeout", "30",
               "--disable-pip-version-check", "--dest", str(dest), *options, *requirements]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if result.returncode and any(sign in result.stderr for sign in OFFLINE_SIGNS):
        line = next(line for line in result.stderr.splitlines() if any(sign in line for sign in OFFLINE_SIGNS))
        raise Offline(line.strip()[-300:])
    return result


def is_pure_python_sdist(archive: Path) -> tuple[bool, list[str]]:
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as z:
            names = z.namelist()
    else:
        with tarfile.open(archive) as t:
            names = t.getnames()
    compiled = [name for name in names if name.lower().endswith(COMPILED_SOURCES)]
    return not compiled, compiled


def normalized(text: str) -> str:
    return re.sub(r"[-_.]+", "_", text).lower()


def files_of(pin: str, folder: Path) -> list[Path]:
    name, version = pin.split("==")
    prefix = normalized(f"{name}-{version}") + "_"
    return [p for p in folder.glob("*") if normalized(p.name).startswith(prefix)]


def quiet(stderr: str) -> str:
    """pip's error without the lines about this machine's optional local indexes."""
    return "\n".join(line for line in stderr.splitlines() if "is ignored: it is neither" not in line).strip()


def check_combination(requirements: list[str], python: str, platform: str, dest: Path) -> tuple[list[str], set[str]]:
    """For one (Python, platform): the pins with neither a wheel nor a pure-Python sdist, and
    the pins whose chosen file works on any platform (a ``none-any`` wheel or a pure-Python sdist)."""
    options = ["--only-binary=:all:", "--python-version", python]
    for tag in PLATFORMS[platform]:
        options += ["--platform", tag]
    problems, portable, todo = [], set(), list(requirements)
    while todo:
        result = pip_download(todo, dest, *options)
        if result.returncode == 0:
            break
        match = re.search(r"No matching distribution found for (\S+)", result.stderr)
        if not match or match.group(1) not in todo:
            problems.append(f"pip download for Python {python} on {platform} failed: {quiet(result.stderr)[-800:]}")
            return problems, portable
        pin = match.group(1)
        todo.remove(pin)
        sdist_dir = dest.parent / f"{dest.name}-sdist-{pin}"
        sdist = pip_download([pin], sdist_dir, "--no-binary=:all:", "--python-version", python)
        archives = sorted(sdist_dir.glob("*")) if sdist.returncode == 0 else []
        if not archives:
            why = [line for line in result.stderr.splitlines() if "Requires-Python" in line]
            problems.append(f"{pin}: no wheel and no source distribution for Python {python} on {platform}"
                            + (f" ({why[-1][:300]})" if why else ""))
            continue
        pure, compiled = is_pure_python_sdist(archives[0])
        if pure:
            portable.add(pin)
        else:
            problems.append(f"{pin}: no wheel for Python {python} on {platform}, and its sdist compiles {compiled[:3]}")
    for pin in todo:
        if any(f.name.endswith("-none-any.whl") for f in files_of(pin, dest)):
            portable.add(pin)
    return problems, portable


CHUNK = 50
#: The locks whose wheels were found for every Python and platform, by content.
WHEELS_RECORD = ROOT / ".ci" / "wheels-verified.json"


def wheels_record() -> dict:
    """What a passing check is recorded as: each lock's SHA-256, the Pythons and the platforms."""
    return {
        "locks": {lock.relative_to(ROOT).as_posix(): hashlib.sha256(lock.read_bytes()).hexdigest() for lock in LOCKS},
        "pythons": PYTHONS,
        "platforms": PLATFORMS,
    }


def recorded_as_checked() -> bool:
    try:
        return json.loads(WHEELS_RECORD.read_text(encoding="utf-8")) == wheels_record()
    except (OSError, ValueError):
        return False


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@pytest.mark.network
def test_every_pin_has_wheels_for_every_supported_python_and_platform(tmp_path):
    """Each lock, each Python: all pins on Linux x86_64 first; then, on the other
    platforms, only the pins that need a platform's own wheel (a ``none-any``
    wheel, or a pure-Python sdist, chosen for one platform serves all)."""
    if recorded_as_checked() and not os.environ.get("RECHECK_WHEELS"):
        return  # these exact locks were checked against the index when recorded
    first, others = "linux-x86_64", [p for p in PLATFORMS if p != "linux-x86_64"]
    problems: list[str] = []

    def run(task):
        lock, python, platform, requirements = task
        dest = tmp_path / f"{lock.name}-{python}-{platform}-{normalized(requirements[0])}"
        return check_combination(requirements, python, platform, dest)

    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            # pip asks the index about one package after another: several runs at once hide the wait.
            tasks = [(lock, python, first, chunk) for lock in LOCKS for python in PYTHONS
                     for chunk in chunks(pins(lock), CHUNK)]
            results = list(pool.map(run, tasks))
            second = []
            for (lock, python, _, requirements), (found, portable) in zip(tasks, results):
                problems += found
                rest = [pin for pin in requirements if pin not in portable]
                second += [(lock, python, platform, rest) for platform in others if rest]
            for found, _ in pool.map(run, second):
                problems += found
    except Offline as error:
        pytest.skip(f"the package index cannot be reached, so the wheels were not checked: {error}")
    assert not problems, "pins that do not install everywhere:\n  " + "\n  ".join(problems)
    if os.environ.get("RECORD_WHEELS"):
        WHEELS_RECORD.write_text(json.dumps(wheels_record(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    elif not recorded_as_checked():
        pytest.fail(f"every pin installs everywhere, but the locks changed since {WHEELS_RECORD.name} was written: "
                    "record this check with `RECORD_WHEELS=1 .venv/bin/python -m pytest tests/test_environment.py "
                    "-m network -k wheels` (make lock does it) and commit the record")


def test_the_wheels_record_is_well_formed():
    """The committed record, if any, is readable and names every lock (the check above uses it)."""
    if not WHEELS_RECORD.exists():
        pytest.skip(f"no {WHEELS_RECORD.name} yet: the wheels check runs against the index every time")
    record = json.loads(WHEELS_RECORD.read_text(encoding="utf-8"))
    assert set(record["locks"]) == set(wheels_record()["locks"])


# --- the Makefile's choice of Python ------------------------------------------

def make(args: list[str], cwd: Path, path: str | None = None) -> subprocess.CompletedProcess:
    env = dict(MAKE_ENV)
    if path is not None:
        env["PATH"] = path
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def bare_repo(tmp_path) -> Path:
    """A folder with the Makefile and what its venv rule reads, and no .venv."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".ci").mkdir()
    for name in ("Makefile", "requirements.txt", "pyproject.toml", ".ci/requirements-bootstrap.txt"):
        shutil.copy(ROOT / name, repo / name)
    return repo


def fake_bin(folder: Path, programs: dict[str, str]) -> str:
    folder.mkdir()
    for name, target in programs.items():
        if target == "broken":  # like a pyenv shim for a version that is not installed
            (folder / name).write_text("#!/bin/sh\necho 'pyenv: command not found' >&2\nexit 127\n")
            (folder / name).chmod(0o755)
        else:
            (folder / name).symlink_to(target)
    for tool in ("bash", "sh", "env", "make", "cat", "rm", "sha256sum", "cut"):
        if shutil.which(tool) and not (folder / tool).exists():
            (folder / tool).symlink_to(shutil.which(tool))
    return str(folder)


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_chooses_the_first_supported_python(bare_repo, tmp_path):
    real = Path(sys.executable).resolve()
    path = fake_bin(tmp_path / "bin", {"python3.11": "broken", "python3.12": str(real)})
    result = make(["python-info"], bare_repo, path)
    assert result.returncode == 0, result.stderr
    assert f"PYTHON={tmp_path / 'bin' / 'python3.12'}" in result.stdout, result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_without_a_supported_python_says_what_to_install(bare_repo, tmp_path):
    path = fake_bin(tmp_path / "bin", {"python3.11": "broken", "python3": "broken"})
    result = make([".venv/bin/.installed"], bare_repo, path)
    assert result.returncode != 0
    assert "No supported Python found" in result.stderr and "apt-get install" in result.stderr, result.stderr
    assert not (bare_repo / ".venv").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_refuses_an_unsupported_python(bare_repo, tmp_path):
    path = fake_bin(tmp_path / "bin", {"python3.10": "broken"})
    result = make([f"PYTHON={tmp_path / 'bin' / 'python3.10'}", ".venv/bin/.installed"], bare_repo, path)
    assert result.returncode != 0
    assert "is not Python 3.11.2 to 3.13" in result.stderr, result.stderr
    assert not (bare_repo / ".venv").exists()


def test_supported_python_range_is_declared():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.11.2,<3.14"' in pyproject


def test_this_python_is_supported():
    assert (3, 11, 2) <= sys.version_info[:3] < (3, 14), sys.version


# --- MathJax, served from the site ---------------------------------------------

MATHJAX = ROOT / "_vendor" / "mathjax"


def test_vendored_mathjax_matches_its_checksums():
    listed = {}
    for line in (MATHJAX / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.removeprefix("./")] = digest
    present = {p.relative_to(MATHJAX).as_posix() for p in MATHJAX.rglob("*") if p.is_file()} - {"SHA256SUMS", "README"}
    assert present == set(listed), f"files not in SHA256SUMS: {present - set(listed)}; missing: {set(listed) - present}"
    changed = [name for name, digest in listed.items()
               if hashlib.sha256((MATHJAX / name).read_bytes()).hexdigest() != digest]
    assert not changed, f"vendored MathJax files changed: {changed} (re-vendor with `bash .ci/vendor-mathjax`)"


def test_vendored_mathjax_is_version_3_with_its_licence():
    assert "Apache License" in (MATHJAX / "LICENSE").read_text(encoding="utf-8")
    readme = (MATHJAX / "README").read_text(encoding="utf-8")
    assert re.search(r"^MathJax 3\.\d+\.\d+", readme), readme[:200]
    assert re.search(r"sha256 [0-9a-f]{64}", readme), "README must record the tarball's checksum"
    version = re.search(r"^MathJax (3\.\d+\.\d+)", readme).group(1)
    assert f'"{version}"' in (MATHJAX / "tex-chtml.js").read_text(encoding="utf-8"), "tex-chtml.js is not that version"


def test_config_serves_mathjax_from_the_site():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    assert "_vendor" in config["html_extra_path"]
    path = config["mathjax_path"]
    assert "://" not in path and not path.startswith("/"), f"mathjax_path must be local: {path}"
    # Relative to _static/ of the built site, into which html_extra_path copies _vendor/'s folders.
    built = Path("_static", path)
    assert (ROOT / "_vendor" / Path(os.path.normpath(built))).is_file(), f"{path} is not in _vendor/"


# --- without Debian's tools (macOS, a Linux without apt) ------------------------

@pytest.fixture(scope="module")
def path_without_debian_tools(tmp_path_factory) -> str:
    """A PATH like this machine's, less dpkg-query, apt-get, XeLaTeX and latexmk."""
    folder = tmp_path_factory.mktemp("bin-without-debian-tools")
    removed = ("dpkg", "apt", "xelatex", "xetex", "latexmk")
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not Path(directory).is_dir():
            continue
        for program in Path(directory).iterdir():
            if program.name.startswith(removed) or (folder / program.name).exists():
                continue
            if program.is_file() and os.access(program, os.X_OK):
                (folder / program.name).symlink_to(program)
    return str(folder)


def test_pdf_tools_missing_says_how_to_install_them(path_without_debian_tools):
    env = dict(MAKE_ENV, PATH=path_without_debian_tools)
    result = subprocess.run(["bash", ".ci/system-deps", "pdf"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert "command: xelatex" in result.stderr
    assert "apt-get install" in result.stderr and "brew install" in result.stderr, result.stderr
    optional = subprocess.run(["bash", ".ci/system-deps", "--optional", "pdf"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
    assert optional.returncode == 0 and "Warning" in optional.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_book_skips_the_pdf_without_its_tools(bare_repo, path_without_debian_tools):
    """``make book`` (its HTML step taken as done: ``-o html``) says the PDF was skipped, and succeeds."""
    (bare_repo / ".ci").mkdir(exist_ok=True)
    shutil.copy(ROOT / ".ci" / "system-deps", bare_repo / ".ci" / "system-deps")
    result = make(["-o", "html", "book"], bare_repo, path_without_debian_tools)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PDF skipped" in result.stderr and "brew install" in result.stderr, result.stderr
    assert not (bare_repo / "_build").exists()
