"""Validated loaders for every dataset in ``data/datapackage.json``.

Each loader checks, in this order, that the file exists, that its sha256
matches the one recorded in the data package, and that every row satisfies
the resource's Table Schema (column names, types, constraints, primary key),
as frictionless defines them. Only then is the file read into a typed DataFrame.
A failure raises :class:`DataValidationError` naming the file, the row and
the rule broken; nothing is returned half-validated.

The checksum is verified on every load. The row validation runs once per
content: a file whose sha256, schema and validating code passed before is on
record under ``_build/validated-data/`` and is not read row by row again; a
changed file, schema or validator is validated fully before use (see
:mod:`korean_ott.validation`; ``KOREAN_OTT_FULL_VALIDATION=1`` ignores the record).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from korean_ott import records, validation
from korean_ott.checksums import file_sha256

if TYPE_CHECKING:
    import frictionless

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DESCRIPTOR = "datapackage.json"
#: Errors reported per failure; the rest are counted, not listed.
MAX_REPORTED_ERRORS = 5


class DataValidationError(ValueError):
    """A data file breaks a rule of the data package.

    ``location`` names the file (relative to the project) and, where there is
    one, the row; ``rule`` says what is wrong.
    """

    def __init__(self, location: str, rule: str):
        self.location = location
        self.rule = rule
        super().__init__(f"{location}: {rule}")


def read_descriptor(data_dir: Path = DATA_DIR) -> dict:
    path = Path(data_dir) / DESCRIPTOR
    if not path.exists():
        raise DataValidationError(display_path(path, data_dir), "data package descriptor is missing")
    return json.loads(path.read_text(encoding="utf-8"))


def display_path(path: Path, data_dir: Path) -> str:
    """A path as the reader knows it (``data/...``), never the machine's absolute path."""
    try:
        return "data/" + Path(path).relative_to(data_dir).as_posix()
    except ValueError:
        return Path(path).name


def resource_descriptor(name: str, data_dir: Path = DATA_DIR) -> dict:
    for resource in read_descriptor(data_dir)["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(f"no resource named {name!r} in data/{DESCRIPTOR}")


def check_checksum(resource: dict, data_dir: Path) -> Path:
    path = Path(data_dir) / resource["path"]
    shown = display_path(path, data_dir)
    if not path.exists():
        raise DataValidationError(shown, "file is missing")
    algorithm, _, expected = resource["hash"].partition(":")
    if algorithm != "sha256":
        raise DataValidationError(shown, f"hash must be recorded as 'sha256:<hex>', not {resource['hash']!r}")
    actual = file_sha256(path)
    if actual != expected:
        raise DataValidationError(
            shown, f"checksum mismatch: data package records sha256 {expected}, file has {actual}")
    return path


def describe_error(error: frictionless.errors.Error, shown: str,
                   primary_key: list[str] | None = None) -> str:
    row = getattr(error, "row_number", None)
    # An extra column has no schema field; frictionless names it in ``label``.
    field = getattr(error, "field_name", None) or getattr(error, "label", None)
    where = shown
    if row is not None:
        where += f", row {row}"
    elif getattr(error, "label", None) is not None or field is not None:
        where += ", header"
    if field:
        where += f", column {field!r}"
    elif error.type == "primary-key" and primary_key:
        where += ", columns " + ", ".join(repr(name) for name in primary_key)
    # Header errors carry an empty note; their message says what is wrong.
    return f"{where}: {error.type} - {error.note or error.message}"


def validate_rows(resource: dict, data_dir: Path) -> None:
    """Check every row against the Table Schema, unless this file's validation against
    this schema, by this code, is on record. The caller has verified the checksum."""
    entry = validation.record_entry(resource)
    if validation.is_recorded(entry):
        return
    # Kernels running in parallel often load the same file at once: one validates it,
    # the others wait, then find it recorded.
    with records.one_at_a_time(validation.record_path(entry)):
        if validation.is_recorded(entry):
            return
        if not validation.rows_conform(resource, data_dir):
            raise_schema_errors(resource, data_dir)
        validation.record(entry)


def raise_schema_errors(resource: dict, data_dir: Path) -> None:
    """Validate with frictionless, row by row, and raise its errors, if any, as one
    :class:`DataValidationError`."""
    import frictionless

    shown = display_path(Path(data_dir) / resource["path"], data_dir)
    table = frictionless.Resource(validation.validation_descriptor(resource), basepath=str(data_dir))
    report = table.validate()
    if report.valid:
        return
    errors = [error for task in report.tasks for error in task.errors] + list(report.errors)
    primary_key = resource["schema"].get("primaryKey")
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    lines = [describe_error(error, shown, primary_key) for error in errors[:MAX_REPORTED_ERRORS]]
    if len(errors) > MAX_REPORTED_ERRORS:
        lines.append(f"... and {len(errors) - MAX_REPORTED_ERRORS} more errors")
    location = lines[0].split(": ", 1)[0]
    raise DataValidationError(location, f"breaks the schema in data/{DESCRIPTOR}:\n  " + "\n  ".join(lines))


#: pandas dtypes for Table Schema types; a required field cannot be missing,
#: so it gets a plain numpy dtype that statsmodels and numpy accept directly.
PANDAS_TYPES = {"integer": ("int64", "Int64"), "number": ("float64", "float64"),
                "boolean": ("bool", "boolean"), "string": ("string", "string"),
                "date": ("string", "string")}


def read_table(resource: dict, path: Path) -> pd.DataFrame:
    fields = resource["schema"]["fields"]
    dtypes = {}
    for field in fields:
        required = field.get("constraints", {}).get("required", False)
        dtypes[field["name"]] = PANDAS_TYPES[field["type"]][0 if required else 1]
    delimiter = resource.get("dialect", {}).get("delimiter", ",")
    missing = resource["schema"].get("missingValues", [""])
    frame = pd.read_csv(path, sep=delimiter, dtype=dtypes, keep_default_na=False,
                        na_values=missing, encoding="utf-8")
    for field in fields:
        if field["type"] == "date":
            frame[field["name"]] = pd.to_datetime(frame[field["name"]], format="%Y-%m-%d")
    return frame


def load_resource(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Validate and load one resource of the data package as a typed DataFrame."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    resource = resource_descriptor(name, data_dir)
    path = check_checksum(resource, data_dir)
    validate_rows(resource, data_dir)
    return read_table(resource, path)


@cache
def _cached(name: str) -> pd.DataFrame:
    return load_resource(name)


def load(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Like :func:`load_resource`, but validates the project's own files once per session."""
    if data_dir is not None:
        return load_resource(name, data_dir)
    return _cached(name).copy()


# One function per dataset, so that a chapter says what it reads.

def load_top10_weekly(data_dir=None) -> pd.DataFrame:
    """Netflix's weekly global Top 10 lists, weeks ending 2021-07-04 to 2026-07-19."""
    return load("netflix_top10_weekly", data_dir)


def load_top10_most_popular(data_dir=None) -> pd.DataFrame:
    """Netflix's all-time most-popular lists (views in the first 91 days), July 2026."""
    return load("netflix_top10_most_popular", data_dir)


def load_engagement(data_dir=None) -> pd.DataFrame:
    """Netflix's five engagement reports, H1 2023 to H1 2025, one row per title and report."""
    return load("netflix_engagement", data_dir)


def load_mdl_dramas(data_dir=None) -> pd.DataFrame:
    """MyDramaList Korean dramas 2015 to mid-2023 (a community convenience sample)."""
    return load("mdl_korean_dramas_2015_2023", data_dir)


def load_mdl_top250(data_dir=None) -> pd.DataFrame:
    """MyDramaList's 250 best-rated Korean dramas (2023 snapshot; biased on purpose)."""
    return load("mdl_top250_kdramas", data_dir)


def load_netflix_catalogue_2021(data_dir=None) -> pd.DataFrame:
    """The Kaggle Netflix catalogue of September 2021, with ``date_added`` parsed."""
    frame = load("netflix_catalogue_2021", data_dir)
    frame["date_added"] = parse_dates_strictly(
        frame["date_added"].str.strip(), "%B %d, %Y",
        "data/raw/netflix-titles-kaggle/netflix_titles.csv", "date_added")
    return frame


def load_facts(data_dir=None) -> pd.DataFrame:
    """The sourced facts register: one claim per row, with its source and confidence."""
    return load("facts_register", data_dir).set_index("id", drop=False)


def fact(fact_id: str, data_dir=None) -> pd.Series:
    """One row of the facts register, by identifier (``"F018"``)."""
    facts = load_facts(data_dir)
    if fact_id not in facts.index:
        raise KeyError(f"no row {fact_id!r} in data/facts.csv")
    return facts.loc[fact_id]


def fact_number(fact_id: str, data_dir=None) -> float:
    """The numeric value of a facts-register row; an error if it is not a number."""
    row = fact(fact_id, data_dir)
    try:
        return float(row["value"])
    except (TypeError, ValueError):
        raise DataValidationError(f"data/facts.csv, row {fact_id}, column 'value'",
                                  f"{row['value']!r} is not a number (unit: {row['unit']!r})") from None


def parse_dates_strictly(values: pd.Series, date_format: str, shown: str, column: str) -> pd.Series:
    """Parse dates with one explicit format; an unparseable one is an error, not NaT.

    Row numbers in the message count the header as row 1, like the file's lines.
    """
    parsed = pd.to_datetime(values, format=date_format, errors="coerce")
    bad = parsed.isna() & values.notna()
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise DataValidationError(
            f"{shown}, row {position + 2}, column {column!r}",
            f"{values.iloc[position]!r} is not a date in the format {date_format!r}")
    return parsed


# --- How the data appendix describes the package ------------------------------------

#: Hexadecimal characters per group when a checksum is printed (a page breaks a line
#: only at a space, and 64 characters do not fit a table column).
CHECKSUM_GROUP = 16


def field_rules(field: dict) -> str:
    """A Table Schema field's constraints as a reader reads them:
    ``required; unique; ≥ 0; one of: a, b; pattern ^F\\d{3}$`` (empty when there are none)."""
    rules = field.get("constraints", {})
    parts = []
    if rules.get("required"):
        parts.append("required")
    if rules.get("unique"):
        parts.append("unique")
    if "minimum" in rules:
        parts.append(f"≥ {rules['minimum']}")
    if "maximum" in rules:
        parts.append(f"≤ {rules['maximum']}")
    if "enum" in rules:
        parts.append("one of: " + ", ".join(map(str, rules["enum"])))
    if "pattern" in rules:
        parts.append(f"pattern {rules['pattern']}")
    return "; ".join(parts)


def grouped_checksum(recorded: str, group: int = CHECKSUM_GROUP) -> str:
    """A descriptor's ``sha256:<hex>`` hash as printed: the hex digits in groups of ``group``
    separated by spaces (remove the spaces to compare it with ``sha256sum``'s output)."""
    algorithm, _, digits = recorded.partition(":")
    if algorithm != "sha256" or len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
        raise ValueError(f"hash must be recorded as 'sha256:<64 lowercase hex digits>', not {recorded!r}")
    if group < 1:
        raise ValueError(f"group is a number of characters, at least 1, not {group}")
    return " ".join(digits[start:start + group] for start in range(0, len(digits), group))
