"""Every kind of bad input stops the loaders with a message a reader can act on.

Each test corrupts one file in a temporary copy of the data package. Except in
the checksum test, the temporary descriptor records the corrupted file's
sha256 and size, so the checksum passes and the row rule is what fails.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pandas as pd
import pytest

from conftest import ABSENT, DATA_DIR, set_cell, tsv
from korean_ott import data
from korean_ott.data import DataValidationError, load_resource, parse_dates_strictly

MOST_POPULAR = "netflix_top10_most_popular"
MOST_POPULAR_FILE = "data/raw/netflix-top10/most-popular.tsv"
WEEKLY_FILE = "data/raw/netflix-top10/all-weeks-global.tsv"
FACTS_FILE = "data/facts.csv"


def check_message(error: DataValidationError, tmp_path, file: str, rule: str,
                  row: int | None = None, columns: tuple[str, ...] = ()) -> str:
    """The message names the file (as data/...), the row, the column(s) and the rule."""
    message = str(error)
    assert message.startswith(file), message
    assert error.location.startswith(file)
    if row is not None:
        assert re.search(rf"\brow {row}\b", error.location), message
    for column in columns:
        assert repr(column) in error.location, message
    assert rule in message, message
    assert str(tmp_path) not in message
    assert str(tmp_path.resolve()) not in message
    return message


def load_most_popular(data_dir):
    return load_resource(MOST_POPULAR, data_dir)


def test_missing_file(temp_package, tmp_path):
    data_dir, _ = temp_package(MOST_POPULAR, content=ABSENT)
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "missing")
    assert caught.value.rule == "file is missing"


def test_missing_descriptor(tmp_path):
    with pytest.raises(DataValidationError) as caught:
        load_resource(MOST_POPULAR, tmp_path / "data")
    check_message(caught.value, tmp_path, "data/datapackage.json", "missing")


def test_unknown_resource_name(temp_package):
    data_dir, _ = temp_package(MOST_POPULAR)
    with pytest.raises(KeyError, match="no_such_table"):
        load_resource("no_such_table", data_dir)


def test_missing_column(temp_package, tmp_path, most_popular_lines):
    lines = [line.rsplit("\t", 1)[0] for line in most_popular_lines]  # drop the last column
    data_dir, _ = temp_package(MOST_POPULAR, tsv(lines))
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    message = check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "missing-label",
                            columns=("views_first_91_days",))
    assert "header" in caught.value.location
    assert "breaks the schema in data/datapackage.json" in message


def test_extra_column(temp_package, tmp_path, most_popular_lines):
    lines = [most_popular_lines[0] + "\tbonus"] + [line + "\t1" for line in most_popular_lines[1:]]
    data_dir, _ = temp_package(MOST_POPULAR, tsv(lines))
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "extra-label", columns=("bonus",))
    assert "header" in caught.value.location


def test_wrong_type(temp_package, tmp_path, most_popular_lines):
    lines = list(most_popular_lines)
    lines[5] = set_cell(lines[5], 1, "five")  # 'rank' is an integer column; file row 6
    data_dir, _ = temp_package(MOST_POPULAR, tsv(lines))
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "type-error", row=6, columns=("rank",))
    assert "integer" in str(caught.value)


def test_duplicate_primary_key(temp_package, tmp_path, most_popular_lines):
    lines = list(most_popular_lines)
    # Row 4 repeats category and rank of row 3 (the other cells differ).
    lines[3] = set_cell(set_cell(lines[3], 0, lines[2].split("\t")[0]), 1, lines[2].split("\t")[1])
    data_dir, _ = temp_package(MOST_POPULAR, tsv(lines))
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "primary-key", row=4,
                  columns=("category", "rank"))


def test_negative_count(temp_package, tmp_path, most_popular_lines):
    lines = list(most_popular_lines)
    lines[10] = set_cell(lines[10], 4, "-100000")  # hours_viewed_first_91_days, file row 11
    data_dir, _ = temp_package(MOST_POPULAR, tsv(lines))
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    message = check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "constraint-error", row=11,
                            columns=("hours_viewed_first_91_days",))
    assert '"minimum"' in message


def test_rank_above_maximum(temp_package, tmp_path, most_popular_lines):
    lines = list(most_popular_lines)
    lines[1] = set_cell(lines[1], 1, "11")
    data_dir, _ = temp_package(MOST_POPULAR, tsv(lines))
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    message = check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "constraint-error", row=2,
                            columns=("rank",))
    assert '"maximum"' in message


def test_value_outside_enum(temp_package, tmp_path, most_popular_lines):
    lines = list(most_popular_lines)
    lines[7] = set_cell(lines[7], 0, "Films (Korean)")  # file row 8
    data_dir, _ = temp_package(MOST_POPULAR, tsv(lines))
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    message = check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "constraint-error", row=8,
                            columns=("category",))
    assert '"enum"' in message


def test_unparseable_date(temp_package, tmp_path):
    """The weekly Top 10's ``week`` column, on a truncated copy of five data rows."""
    with open(DATA_DIR / "raw/netflix-top10/all-weeks-global.tsv", encoding="utf-8") as stream:
        lines = [next(stream).rstrip("\n") for _ in range(6)]
    lines[4] = set_cell(lines[4], 0, "2026-02-30")  # file row 5
    data_dir, _ = temp_package("netflix_top10_weekly", tsv(lines))
    with pytest.raises(DataValidationError) as caught:
        load_resource("netflix_top10_weekly", data_dir)
    message = check_message(caught.value, tmp_path, WEEKLY_FILE, "type-error", row=5, columns=("week",))
    assert "date" in message


def test_truncated_weekly_copy_is_valid(temp_package):
    """Control for the test above: the same five rows, uncorrupted, load."""
    with open(DATA_DIR / "raw/netflix-top10/all-weeks-global.tsv", encoding="utf-8") as stream:
        lines = [next(stream).rstrip("\n") for _ in range(6)]
    data_dir, _ = temp_package("netflix_top10_weekly", tsv(lines))
    frame = load_resource("netflix_top10_weekly", data_dir)
    assert len(frame) == 5
    assert str(frame["week"].dtype).startswith("datetime64")


def test_checksum_mismatch(temp_package, tmp_path):
    data_dir, target = temp_package(MOST_POPULAR)
    target.write_bytes(target.read_bytes().replace(b"Red Notice", b"Red Notise"))
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    message = check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "checksum mismatch")
    assert "6f42034c1dbb8626fdbd3d778be44cf157a65d86cdb91354f19bf2540185b7c6" in message


def test_hash_must_be_sha256(temp_package, tmp_path, most_popular_lines):
    content = tsv(most_popular_lines)
    data_dir, _ = temp_package(MOST_POPULAR, content)
    descriptor_path = data_dir / "datapackage.json"
    package = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["name"] == MOST_POPULAR:
            resource["hash"] = "md5:" + hashlib.md5(content).hexdigest()
    descriptor_path.write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    check_message(caught.value, tmp_path, MOST_POPULAR_FILE, "sha256:<hex>")


def test_many_errors_are_counted_not_listed(temp_package, most_popular_lines):
    lines = [most_popular_lines[0]] + [set_cell(line, 4, "-1") for line in most_popular_lines[1:]]
    data_dir, _ = temp_package(MOST_POPULAR, tsv(lines))
    with pytest.raises(DataValidationError) as caught:
        load_most_popular(data_dir)
    message = str(caught.value)
    assert f"... and {40 - data.MAX_REPORTED_ERRORS} more errors" in message
    assert message.count("constraint-error") == data.MAX_REPORTED_ERRORS


# --- the facts register (a quoted CSV with CRLF line ends) ----------------------

def facts_with(change) -> bytes:
    rows = list(csv.reader(io.StringIO(
        (DATA_DIR / "facts.csv").read_text(encoding="utf-8"), newline="")))
    change(rows)
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_facts_confidence_outside_enum(temp_package, tmp_path):
    def change(rows):
        rows[12][rows[0].index("confidence")] = "certain"  # file row 13
    data_dir, _ = temp_package("facts_register", facts_with(change))
    with pytest.raises(DataValidationError) as caught:
        data.load_facts(data_dir)
    message = check_message(caught.value, tmp_path, FACTS_FILE, "constraint-error", row=13,
                            columns=("confidence",))
    assert '"enum"' in message


def test_facts_required_value_missing(temp_package, tmp_path):
    def change(rows):
        rows[3][rows[0].index("source_url")] = ""
    data_dir, _ = temp_package("facts_register", facts_with(change))
    with pytest.raises(DataValidationError) as caught:
        data.load_facts(data_dir)
    message = check_message(caught.value, tmp_path, FACTS_FILE, "constraint-error", row=4,
                            columns=("source_url",))
    assert '"required"' in message


def test_facts_id_breaks_pattern(temp_package, tmp_path):
    def change(rows):
        rows[2][0] = "X002"
    data_dir, _ = temp_package("facts_register", facts_with(change))
    with pytest.raises(DataValidationError) as caught:
        data.load_facts(data_dir)
    message = check_message(caught.value, tmp_path, FACTS_FILE, "constraint-error", row=3,
                            columns=("id",))
    assert '"pattern"' in message


def test_facts_duplicate_id(temp_package, tmp_path):
    def change(rows):
        rows[5][0] = rows[4][0]
    data_dir, _ = temp_package("facts_register", facts_with(change))
    with pytest.raises(DataValidationError) as caught:
        data.load_facts(data_dir)
    check_message(caught.value, tmp_path, FACTS_FILE, "row 6", columns=("id",))
    assert "unique" in str(caught.value) or "primary-key" in str(caught.value)


# --- dates parsed outside the Table Schema ------------------------------------------

def test_parse_dates_strictly_rejects_a_bad_date():
    values = pd.Series(["September 25, 2021", None, "Septembre 24, 2021"], dtype="string")
    with pytest.raises(DataValidationError) as caught:
        parse_dates_strictly(values, "%B %d, %Y", "data/raw/netflix-titles-kaggle/netflix_titles.csv",
                             "date_added")
    error = caught.value
    # Header is row 1, so the third value is on row 4.
    assert error.location == "data/raw/netflix-titles-kaggle/netflix_titles.csv, row 4, column 'date_added'"
    assert "'Septembre 24, 2021' is not a date in the format '%B %d, %Y'" in error.rule


def test_parse_dates_strictly_accepts_good_dates_and_missing():
    values = pd.Series(["September 25, 2021", None, "January 1, 2020"], dtype="string")
    parsed = parse_dates_strictly(values, "%B %d, %Y", "data/x.csv", "d")
    assert str(parsed.dtype).startswith("datetime64")
    assert parsed.iloc[0] == pd.Timestamp("2021-09-25")
    assert pd.isna(parsed.iloc[1])
    assert parsed.iloc[2] == pd.Timestamp("2020-01-01")


def test_catalogue_loader_reports_bad_date_added(temp_package, tmp_path):
    """The catalogue's free-text ``date_added`` passes the schema but not the strict parse."""
    with open(DATA_DIR / "raw/netflix-titles-kaggle/netflix_titles.csv", encoding="utf-8",
              newline="") as stream:
        rows = [row for _, row in zip(range(8), csv.reader(stream))]
    rows[6][rows[0].index("date_added")] = "32 September 2021"  # file row 7
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    data_dir, _ = temp_package("netflix_catalogue_2021", out.getvalue().encode("utf-8"))
    with pytest.raises(DataValidationError) as caught:
        data.load_netflix_catalogue_2021(data_dir)
    check_message(caught.value, tmp_path, "data/raw/netflix-titles-kaggle/netflix_titles.csv",
                  "is not a date", row=7, columns=("date_added",))
