"""Rebuild the derived tables in ``data/derived/`` from the raw files.

Run ``python -m korean_ott.derive`` to regenerate all of them: the stacked
engagement reports (built here) and the industry series (built by
:mod:`korean_ott.production` from the facts register). The output is
byte-for-byte deterministic, and the tests check that the committed files are
exactly what this code produces.
Write ``--record-hashes`` to store the new checksums in ``datapackage.json``
after a deliberate change of the raw data.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from korean_ott.data import DATA_DIR, DataValidationError, display_path, file_sha256
from korean_ott.production import SERIES_OUTPUT, industry_series_bytes

ENGAGEMENT_DIR = Path("raw") / "netflix-engagement-reports"
ENGAGEMENT_OUTPUT = Path("derived") / "netflix_engagement.csv"

#: Netflix's title block occupies rows 1-5; row 6 is the header.
HEADER_ROW = 6


@dataclass(frozen=True)
class EngagementSheet:
    report: str
    period_start: str
    period_end: str
    filename: str
    sheet: str
    kind: str  # "show", "film", or "show or film" for the unsplit H1 2023 report


ENGAGEMENT_SHEETS = (
    EngagementSheet("2023H1", "2023-01-01", "2023-06-30",
                    "What_We_Watched_A_Netflix_Engagement_Report_2023Jan-Jun.xlsx",
                    "Engagement", "show or film"),
    EngagementSheet("2023H2", "2023-07-01", "2023-12-31",
                    "What_We_Watched_A_Netflix_Engagement_Report_2023Jul-Dec.xlsx", "TV", "show"),
    EngagementSheet("2023H2", "2023-07-01", "2023-12-31",
                    "What_We_Watched_A_Netflix_Engagement_Report_2023Jul-Dec.xlsx", "Film", "film"),
    EngagementSheet("2024H1", "2024-01-01", "2024-06-30",
                    "What_We_Watched_A_Netflix_Engagement_Report_2024Jan-Jun.xlsx", "TV", "show"),
    EngagementSheet("2024H1", "2024-01-01", "2024-06-30",
                    "What_We_Watched_A_Netflix_Engagement_Report_2024Jan-Jun.xlsx", "Film", "film"),
    EngagementSheet("2024H2", "2024-07-01", "2024-12-31",
                    "What_We_Watched_A_Netflix_Engagement_Report_2024Jul-Dec.xlsx", "TV", "show"),
    EngagementSheet("2024H2", "2024-07-01", "2024-12-31",
                    "What_We_Watched_A_Netflix_Engagement_Report_2024Jul-Dec.xlsx", "Film", "film"),
    EngagementSheet("2025H1", "2025-01-01", "2025-06-30",
                    "What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx", "Shows", "show"),
    EngagementSheet("2025H1", "2025-01-01", "2025-06-30",
                    "What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx", "Movies", "film"),
)

EXPECTED_HEADER = ["Title", "Available Globally?", "Release Date", "Hours Viewed"]
OPTIONAL_HEADER = ["Runtime", "Views"]


RUNTIME_MARK = "*"


def runtime_to_minutes(value: object, where: str) -> object:
    """Netflix writes runtime as text ``H:MM``; return whole minutes (or NA).

    Some cells are a bare ``*`` or carry a trailing ``*`` (``4:44*``); the
    workbooks do not explain the mark. A bare mark gives NA; the mark itself
    is kept in the ``runtime_marked`` column.
    """
    if pd.isna(value):
        return pd.NA
    text = str(value).rstrip(RUNTIME_MARK)
    if text == "":
        return pd.NA
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2 or int(minutes) > 59:
        raise DataValidationError(where, f"runtime {value!r} is not of the form H:MM (optionally marked '*')")
    return int(hours) * 60 + int(minutes)


def read_engagement_sheet(spec: EngagementSheet, data_dir: Path) -> pd.DataFrame:
    path = data_dir / ENGAGEMENT_DIR / spec.filename
    if not path.exists():
        raise DataValidationError(display_path(path, data_dir), "file is missing")
    sheet = pd.read_excel(path, sheet_name=spec.sheet, skiprows=HEADER_ROW - 1, dtype=object)
    # Column A of every sheet is empty padding.
    sheet = sheet.dropna(axis=1, how="all")
    label = f"data/{ENGAGEMENT_DIR.as_posix()}/{spec.filename} [{spec.sheet}]"
    header = list(sheet.columns)
    if header[:4] != EXPECTED_HEADER or header[4:] not in ([], OPTIONAL_HEADER):
        raise DataValidationError(label, f"header {header} is not {EXPECTED_HEADER + OPTIONAL_HEADER}")
    source_row = sheet.index + HEADER_ROW + 1
    has_views = "Views" in sheet.columns
    out = pd.DataFrame({
        "report": spec.report,
        "period_start": spec.period_start,
        "period_end": spec.period_end,
        "sheet": spec.sheet,
        "kind": spec.kind,
        "source_row": source_row,
        "title": sheet["Title"].astype(str).str.strip(),
        "available_globally": sheet["Available Globally?"].map({"Yes": True, "No": False}),
        "release_date": pd.to_datetime(sheet["Release Date"], format="%Y-%m-%d").dt.strftime("%Y-%m-%d"),
        "hours_viewed": sheet["Hours Viewed"].astype("int64"),
    })
    if out["available_globally"].isna().any():
        row = int(source_row[out["available_globally"].isna()][0])
        raise DataValidationError(f"{label}, row {row}", "'Available Globally?' must be Yes or No")
    if has_views:
        out["runtime_minutes"] = [
            runtime_to_minutes(v, f"{label}, row {r}") for v, r in zip(sheet["Runtime"], source_row)
        ]
        out["runtime_marked"] = sheet["Runtime"].astype(str).str.endswith(RUNTIME_MARK)
        out["views"] = sheet["Views"].astype("Int64")
    else:
        out["runtime_minutes"] = pd.NA
        out["runtime_marked"] = False
        out["views"] = pd.NA
    return out


def build_engagement(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """All five engagement workbooks as one tidy table, one row per sheet row."""
    data_dir = Path(data_dir)
    return pd.concat([read_engagement_sheet(s, data_dir) for s in ENGAGEMENT_SHEETS], ignore_index=True)


def write_atomically(target: Path, write) -> None:
    """Call ``write(path)`` on a temporary file, then move it into place, so a
    failure leaves no half-written table (and no temporary file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    try:
        write(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)


def write_csv_atomically(frame: pd.DataFrame, target: Path) -> None:
    write_atomically(target, lambda path: frame.to_csv(path, index=False, lineterminator="\n"))


def record_hashes(data_dir: Path = DATA_DIR) -> list[str]:
    """Store the current sha256 and size of every resource in datapackage.json."""
    descriptor_path = data_dir / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    changed = []
    for resource in descriptor["resources"]:
        path = data_dir / resource["path"]
        digest = f"sha256:{file_sha256(path)}"
        if resource.get("hash") != digest:
            changed.append(resource["name"])
        resource["hash"] = digest
        resource["bytes"] = path.stat().st_size
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record-hashes", action="store_true",
                        help="store new checksums in datapackage.json (only after a deliberate data change)")
    args = parser.parse_args(argv)
    write_csv_atomically(build_engagement(), DATA_DIR / ENGAGEMENT_OUTPUT)
    print(f"wrote data/{ENGAGEMENT_OUTPUT.as_posix()}")
    series = industry_series_bytes(DATA_DIR / "facts.csv")
    write_atomically(DATA_DIR / SERIES_OUTPUT, lambda path: path.write_bytes(series))
    print(f"wrote data/{SERIES_OUTPUT.as_posix()}")
    if args.record_hashes:
        print("checksums changed for:", ", ".join(record_hashes()) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
