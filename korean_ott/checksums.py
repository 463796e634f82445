"""The SHA-256 of a file, read in blocks: the data loaders check each dataset's
against the data package, and the build manifest lists each output's.

Standard library only: ``.ci/reprocheck`` runs :mod:`korean_ott.build_manifest`
without the book's packages.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
