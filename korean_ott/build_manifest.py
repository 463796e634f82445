"""The SHA-256 manifest of the built book, and the comparison of two builds.

``make book`` writes ``_build/MANIFEST.sha256``: one line per output file, in
``sha256sum``'s format (``<hex digest>  <path>``), paths relative to ``_build/``
and sorted by their UTF-8 bytes, so ``cd _build && sha256sum -c MANIFEST.sha256``
checks a build against it. Two builds of the same commit, in other folders, at
other times, must give identical manifests (``make reprocheck``).

Listed: every file under ``html/`` (the published site, with its search index,
images, downloads and the sources it links to) and ``latex/book.pdf``. Left out,
because they are records of one build's work, not outputs a reader gets:

* ``html/.buildinfo``: Sphinx's note of the configuration's hash, read only to
  decide whether the next build may be incremental;
* everything else under ``_build/``: the execution cache (``.jupyter_cache``),
  Sphinx's pickled doctrees (``.doctrees``), the executed notebooks
  (``jupyter_execute``), the LaTeX sources, logs and auxiliary files (``latex/``
  other than the PDF), the cache fingerprint (``.inputs.sha256``) and test
  artefacts (``screenshots``).

Standard library only: ``.ci/reprocheck`` runs it without the book's packages.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from korean_ott.checksums import file_sha256

MANIFEST_NAME = "MANIFEST.sha256"
#: What the manifest covers, relative to the build folder: folders (all their files) and files.
LISTED = ("html", "latex/book.pdf")
#: Files under a listed folder that are not outputs (see the module's docstring).
EXCLUDED = frozenset({"html/.buildinfo"})


def output_files(build: Path) -> list[str]:
    """Paths (POSIX, relative to ``build``) of every output file, sorted by their UTF-8 bytes."""
    build = Path(build)
    found = []
    for entry in LISTED:
        path = build / entry
        if path.is_file():
            found.append(entry)
        elif path.is_dir():
            found += [p.relative_to(build).as_posix() for p in path.rglob("*") if p.is_file()]
    return sorted((p for p in found if p not in EXCLUDED), key=lambda p: p.encode("utf-8"))


def manifest_text(build: Path) -> str:
    build = Path(build)
    if not (build / "html").is_dir():
        raise FileNotFoundError(f"{build.name}/html: no HTML build to list; run `make book` first")
    return "".join(f"{file_sha256(build / path)}  {path}\n" for path in output_files(build))


def write_manifest(build: Path) -> Path:
    target = Path(build) / MANIFEST_NAME
    target.write_text(manifest_text(build), encoding="utf-8", newline="\n")
    return target


def read_manifest(path: Path) -> dict[str, str]:
    """``{relative path: sha256}`` from a manifest file; a malformed line is an error naming it."""
    entries: dict[str, str] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64 or not name or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"{Path(path).name}, line {number}: expected '<64 hex digits>  <path>', "
                             f"got {line!r}")
        if name in entries:
            raise ValueError(f"{Path(path).name}, line {number}: {name} is listed twice")
        entries[name] = digest
    return entries


@dataclass(frozen=True)
class ManifestDifference:
    only_first: list[str]
    only_second: list[str]
    differing: list[str]

    def __bool__(self) -> bool:
        return bool(self.only_first or self.only_second or self.differing)

    def report(self, first: str = "first build", second: str = "second build") -> str:
        lines = []
        for title, paths in ((f"only in the {first}", self.only_first),
                             (f"only in the {second}", self.only_second),
                             ("different bytes", self.differing)):
            if paths:
                lines.append(f"{title} ({len(paths)}):")
                lines += [f"  {p}" for p in paths]
        return "\n".join(lines) if lines else "identical"


def compare(first: dict[str, str], second: dict[str, str]) -> ManifestDifference:
    return ManifestDifference(
        only_first=sorted(set(first) - set(second)),
        only_second=sorted(set(second) - set(first)),
        differing=sorted(p for p in set(first) & set(second) if first[p] != second[p]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m korean_ott.build_manifest", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write", help=f"write BUILD/{MANIFEST_NAME}")
    write.add_argument("build", type=Path, help="the build folder (_build)")
    diff = commands.add_parser("compare", help="compare two manifests; exit 1 if they differ")
    diff.add_argument("first", type=Path)
    diff.add_argument("second", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        try:
            target = write_manifest(args.build)
        except FileNotFoundError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"{args.build.name}/{MANIFEST_NAME}: {len(read_manifest(target))} files")
        return 0
    difference = compare(read_manifest(args.first), read_manifest(args.second))
    print(difference.report())
    return 1 if difference else 0


if __name__ == "__main__":
    sys.exit(main())
