"""Row validation of a data file, done fully once per content and kept on record.

The loaders (:mod:`korean_ott.data`) verify a file's sha256 against the data
package on every load. The full Table Schema validation, which reads every
row, runs only for a file whose validation is not on record. A record entry
names the file's sha256, a hash of the resource descriptor the rows are
validated against (schema, dialect, format, encoding, path) and the version of
the validating code (the source of this module and of ``data.py``, the
frictionless version and the Python version). A changed file, schema or
validator therefore gives another entry and is validated again before use; a
file that failed is never recorded, so it fails the same way every time.

The record is a folder of small JSON files, one per validated entry, under
``_build/validated-data/`` (git-ignored; ``make clean`` removes it). Each is
written to a temporary file and renamed into place, so kernels running in
parallel never read half of one; an entry that cannot be read or does not match
counts as absent, and the file is validated again. Setting the environment
variable ``KOREAN_OTT_FULL_VALIDATION=1`` ignores the record (every load
validates every row; passing files are still recorded).

:func:`rows_conform` is the fast full validation. It reproduces frictionless'
default ("baseline") validation of a table exactly: it opens the file with
frictionless, which validates the descriptor, detects the dialect and checks
the header, reads the same cells frictionless reads, passes every distinct
value of a column once through frictionless' own cell reader for that field
(type, missing values and constraints), and checks blank rows, cell counts,
``unique`` fields and the primary key on the typed values, as frictionless
does row by row. It answers only whether the table is valid: when it is not,
the loader runs frictionless' own validation, whose report names the file, the
row and the rule, so every error message is frictionless' own.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
from functools import cache
from importlib import metadata
from pathlib import Path

from korean_ott import records

PACKAGE_DIR = Path(__file__).resolve().parent
#: Where validated entries are recorded (read at call time, so tests can move it).
RECORD_DIR = PACKAGE_DIR.parent / "_build" / "validated-data"
#: Set to anything but empty or ``0`` to validate every row on every load.
FULL_VALIDATION_VARIABLE = "KOREAN_OTT_FULL_VALIDATION"
#: The code whose behaviour defines what "valid" means here.
VALIDATING_CODE = (PACKAGE_DIR / "validation.py", PACKAGE_DIR / "data.py")


def validation_descriptor(resource: dict) -> dict:
    """The resource as frictionless validates its rows: the checksum and size are
    verified by the loader before, so frictionless need not hash the file again."""
    return {key: value for key, value in resource.items() if key not in ("hash", "bytes")}


@cache
def validator_version() -> str:
    digest = hashlib.sha256()
    for source in VALIDATING_CODE:
        digest.update(source.read_bytes())
    digest.update(f"frictionless {metadata.version('frictionless')}; "
                  f"python {platform.python_version()}".encode())
    return digest.hexdigest()


def record_entry(resource: dict) -> dict:
    """What a validation of this resource's file means: the file's sha256 (as the data
    package records it, and as the loader has just verified it), the descriptor's hash
    and the validator's version."""
    described = json.dumps(validation_descriptor(resource), sort_keys=True, ensure_ascii=False)
    return {
        "resource": resource["name"],
        "path": resource["path"],
        "sha256": resource["hash"].partition(":")[2],
        "descriptor_sha256": hashlib.sha256(described.encode("utf-8")).hexdigest(),
        "validator": validator_version(),
    }


def record_path(entry: dict, record_dir: Path | None = None) -> Path:
    record_dir = Path(RECORD_DIR if record_dir is None else record_dir)
    key = hashlib.sha256(json.dumps(entry, sort_keys=True).encode("utf-8")).hexdigest()
    name = re.sub(r"[^A-Za-z0-9_-]", "_", entry["resource"])  # a file name, whatever the descriptor says
    return record_dir / f"{name}.{key}.json"


def full_validation_forced() -> bool:
    return os.environ.get(FULL_VALIDATION_VARIABLE, "").strip() not in ("", "0")


def is_recorded(entry: dict, record_dir: Path | None = None) -> bool:
    """Whether this entry was validated before. Anything unreadable means "no"."""
    if full_validation_forced():
        return False
    try:
        return json.loads(record_path(entry, record_dir).read_text(encoding="utf-8")) == entry
    except (OSError, ValueError):
        return False


def record(entry: dict, record_dir: Path | None = None) -> None:
    """Record a validated entry atomically. The record only saves time, so a folder
    that cannot be written leaves the next load to validate again, without an error."""
    text = json.dumps(entry, sort_keys=True, indent=1) + "\n"
    records.write_atomically(record_path(entry, record_dir), text.encode("utf-8"))


def rows_conform(resource: dict, data_dir: Path) -> bool:
    """Whether frictionless' validation of the resource's file finds no error, computed
    column by column. A table with foreign keys (not modelled here), or one that makes
    anything raise, gets False, which sends it to frictionless' own validation: True is
    only ever given to a table frictionless accepts. Never raises for a bad file."""
    import frictionless

    try:
        table = frictionless.Resource(validation_descriptor(resource), basepath=str(data_dir))
        if not isinstance(table, frictionless.resources.TableResource) or table.schema.foreign_keys:
            return False
        table.to_descriptor(validate=True)
        with table:
            fields = table.header.get_expected_fields()
            if not table.header.valid or not fields or not table.labels:
                return False
            rows = [cells for _, cells in table.dialect.read_enumerated_content_stream(table.cell_stream)]
            fields_counted = table.stats.fields
        return (table_conforms(table.schema, fields, rows)
                and not (table.fields and table.fields != fields_counted)
                and not (table.rows and table.rows != len(rows)))
    except Exception:  # a file or descriptor frictionless cannot read: its report says why
        return False


def table_conforms(schema, fields: list, rows: list[list]) -> bool:
    """Frictionless' row checks, on rows of cells as frictionless parsed them from the file."""
    width = len(fields)
    if any(len(cells) != width for cells in rows):
        return False  # extra-cell or missing-cell
    if not rows:
        return True
    unique = {field.name for field in fields if field.constraints.get("unique")}
    primary_key = list(schema.primary_key)
    typed = {}
    missing_texts = []
    for field, column in zip(fields, zip(*rows)):
        # A cell reader is a pure function of the cell's text: one call per distinct text.
        reader = field.create_cell_reader()
        values = {}
        for text in set(column):
            value, notes = reader(text)
            if notes:
                return False  # type-error or constraint-error
            values[text] = value
        missing_texts.append({text for text, value in values.items() if value is None})
        if field.name in unique or field.name in primary_key:
            typed[field.name] = [values[text] for text in column]
    # A blank row needs a missing value in every column.
    if all(missing_texts) and any(all(text in missing for text, missing in zip(cells, missing_texts))
                                  for cells in rows):
        return False  # blank-row
    for name in unique:
        present = [value for value in typed[name] if value is not None]
        if len(set(present)) != len(present):
            return False  # unique-error
    if primary_key:
        if not set(primary_key) <= typed.keys():
            return False  # frictionless would skip the key; its report decides
        keys = list(zip(*(typed[name] for name in primary_key)))
        if len(set(keys)) != len(keys):
            return False  # primary-key: a repeated key
        if all(None in typed[name] for name in primary_key) and any(set(key) == {None} for key in keys):
            return False  # primary-key: every cell of the key missing
    return True
