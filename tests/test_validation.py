"""Row validation once per content (korean_ott.validation), and its fast check.

The loaders verify the checksum on every load and validate every row only for
a file, schema and validator not on record. These tests move the record to a
temporary folder and count the full validations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import frictionless
import pytest

from conftest import DATA_DIR, REPO_ROOT, set_cell, tsv
from korean_ott import data, validation
from korean_ott.data import DataValidationError, load_resource

MOST_POPULAR = "netflix_top10_most_popular"


@pytest.fixture
def record_dir(tmp_path, monkeypatch):
    folder = tmp_path / "record"
    monkeypatch.setattr(validation, "RECORD_DIR", folder)
    monkeypatch.delenv(validation.FULL_VALIDATION_VARIABLE, raising=False)
    return folder


@pytest.fixture
def full_validations(monkeypatch) -> list[str]:
    """The names of the resources validated row by row, in order, from now on."""
    calls = []
    check = validation.rows_conform

    def counted(resource, data_dir):
        calls.append(resource["name"])
        return check(resource, data_dir)

    monkeypatch.setattr(validation, "rows_conform", counted)
    return calls


def edit_descriptor(data_dir, name: str, change) -> None:
    path = data_dir / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    change(next(resource for resource in package["resources"] if resource["name"] == name))
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")


def schema_error(data_dir) -> str:
    with pytest.raises(DataValidationError) as caught:
        load_resource(MOST_POPULAR, data_dir)
    return str(caught.value)


def recorded_files(folder) -> list:
    """The record's entries (not the lock files beside them, see korean_ott.records)."""
    return sorted(path for path in folder.iterdir() if not path.name.endswith(".lock"))


def only_record_file(folder):
    files = recorded_files(folder)
    assert len(files) == 1, files
    return files[0]


# --- validated once per content ----------------------------------------------------

def test_a_file_validated_once_is_not_validated_again(temp_package, record_dir, full_validations):
    data_dir, _ = temp_package(MOST_POPULAR)
    first = load_resource(MOST_POPULAR, data_dir)
    second = load_resource(MOST_POPULAR, data_dir)
    assert full_validations == [MOST_POPULAR]
    assert first.equals(second)
    recorded = json.loads(only_record_file(record_dir).read_text(encoding="utf-8"))
    resource = data.resource_descriptor(MOST_POPULAR, data_dir)
    assert recorded == validation.record_entry(resource)
    assert recorded["sha256"] == data.file_sha256(data_dir / resource["path"])


def test_the_checksum_is_verified_even_when_on_record(temp_package, record_dir, full_validations):
    data_dir, target = temp_package(MOST_POPULAR)
    load_resource(MOST_POPULAR, data_dir)
    target.write_bytes(target.read_bytes().replace(b"Red Notice", b"Red Notise"))
    with pytest.raises(DataValidationError, match="checksum mismatch"):
        load_resource(MOST_POPULAR, data_dir)
    assert full_validations == [MOST_POPULAR]


def test_a_changed_file_is_validated_before_use_with_the_same_error(
        temp_package, record_dir, full_validations, most_popular_lines, monkeypatch):
    data_dir, _ = temp_package(MOST_POPULAR)
    load_resource(MOST_POPULAR, data_dir)
    lines = list(most_popular_lines)
    lines[5] = set_cell(lines[5], 1, "five")  # 'rank' is an integer column; file row 6
    temp_package(MOST_POPULAR, tsv(lines))  # the same folder; the descriptor records the new hash
    message = schema_error(data_dir)
    assert full_validations == [MOST_POPULAR, MOST_POPULAR]
    assert message.startswith("data/raw/netflix-top10/most-popular.tsv, row 6, column 'rank': ")
    assert "type-error" in message
    # A failed file is never recorded: it fails again, the same way.
    assert schema_error(data_dir) == message
    assert len(full_validations) == 3
    # The same message as frictionless' own report, and as with the record ignored.
    resource = data.resource_descriptor(MOST_POPULAR, data_dir)
    with pytest.raises(DataValidationError) as caught:
        data.raise_schema_errors(resource, data_dir)
    assert str(caught.value) == message
    monkeypatch.setenv(validation.FULL_VALIDATION_VARIABLE, "1")
    assert schema_error(data_dir) == message


def test_a_changed_schema_is_validated_again(temp_package, record_dir, full_validations):
    data_dir, _ = temp_package(MOST_POPULAR)
    load_resource(MOST_POPULAR, data_dir)

    def stricter(resource):
        rank = next(field for field in resource["schema"]["fields"] if field["name"] == "rank")
        rank["constraints"]["maximum"] = 5

    edit_descriptor(data_dir, MOST_POPULAR, stricter)
    message = schema_error(data_dir)
    assert full_validations == [MOST_POPULAR, MOST_POPULAR]
    assert "constraint-error" in message and '"maximum" is "5"' in message


def test_a_changed_validator_is_validated_again(temp_package, record_dir, full_validations, monkeypatch):
    data_dir, _ = temp_package(MOST_POPULAR)
    load_resource(MOST_POPULAR, data_dir)
    load_resource(MOST_POPULAR, data_dir)
    monkeypatch.setattr(validation, "validator_version", lambda: "another version")
    load_resource(MOST_POPULAR, data_dir)
    assert full_validations == [MOST_POPULAR, MOST_POPULAR]


def test_the_validator_version_covers_the_validating_code():
    names = {path.name for path in validation.VALIDATING_CODE}
    assert names == {"validation.py", "data.py"}
    assert all(path.is_file() for path in validation.VALIDATING_CODE)
    assert len(validation.validator_version()) == 64


@pytest.mark.parametrize("content", [b"", b"{", b"\xff\xfe\x00", b"[]", b"null",
                                     b'{"resource": "netflix_top10_most_popular"}'])
def test_a_corrupt_record_means_validating_again(temp_package, record_dir, full_validations, content):
    data_dir, _ = temp_package(MOST_POPULAR)
    load_resource(MOST_POPULAR, data_dir)
    record_file = only_record_file(record_dir)
    good = record_file.read_bytes()
    record_file.write_bytes(content)
    load_resource(MOST_POPULAR, data_dir)
    assert full_validations == [MOST_POPULAR, MOST_POPULAR]
    assert record_file.read_bytes() == good  # written again, whole


def test_an_unwritable_record_is_no_error(temp_package, tmp_path, monkeypatch, full_validations):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the record folder should be", encoding="utf-8")
    monkeypatch.setattr(validation, "RECORD_DIR", blocked / "record")
    data_dir, _ = temp_package(MOST_POPULAR)
    load_resource(MOST_POPULAR, data_dir)
    load_resource(MOST_POPULAR, data_dir)
    assert full_validations == [MOST_POPULAR, MOST_POPULAR]


@pytest.mark.parametrize("value, validated_again", [("1", True), ("yes", True), ("0", False), ("", False)])
def test_the_environment_variable_forces_full_validation(temp_package, record_dir, full_validations,
                                                        monkeypatch, value, validated_again):
    data_dir, _ = temp_package(MOST_POPULAR)
    load_resource(MOST_POPULAR, data_dir)
    monkeypatch.setenv(validation.FULL_VALIDATION_VARIABLE, value)
    load_resource(MOST_POPULAR, data_dir)
    assert len(full_validations) == (2 if validated_again else 1)
    assert len(recorded_files(record_dir)) == 1


WORKER = """
import json, sys
from pathlib import Path
from korean_ott import validation

record_dir, entries, rounds = Path(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
torn = 0
for round in range(rounds):
    entry = entries[round % len(entries)]
    validation.record(entry, record_dir)
    try:
        torn += json.loads(validation.record_path(entry, record_dir).read_text(encoding="utf-8")) != entry
    except ValueError:
        torn += 1
print(torn)
"""


def test_parallel_writers_never_leave_a_half_written_record(temp_package, record_dir):
    """Processes that record the same entries at once, as kernels executed in parallel do,
    each reading every entry back right after writing it."""
    data_dir, _ = temp_package(MOST_POPULAR)
    entry = validation.record_entry(data.resource_descriptor(MOST_POPULAR, data_dir))
    entries = json.dumps([entry, dict(entry, sha256="0" * 64)])
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(record_dir), entries, "400"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
               for _ in range(3)]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert out.strip() == "0", "a worker read a torn record"
    assert sorted(path.name.startswith(".") for path in record_dir.iterdir()) == [False, False]
    for path in record_dir.iterdir():
        assert json.loads(path.read_text(encoding="utf-8")) in json.loads(entries)
    assert validation.is_recorded(entry)


LOADER = """
import sys, time
from pathlib import Path
from korean_ott import data, validation

record_dir, data_dir, log = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
validation.RECORD_DIR = record_dir
check = validation.rows_conform

def logged(resource, data_dir):
    with open(log, "a") as stream:
        stream.write(resource["name"] + "\\n")
    time.sleep(1.0)  # long enough for the other process to load the same file meanwhile
    return check(resource, data_dir)

validation.rows_conform = logged
print(len(data.load_resource(sys.argv[4], data_dir)))
"""


def test_processes_loading_the_same_file_at_once_validate_it_once(temp_package, record_dir, tmp_path):
    """Two kernels that load the same new file at once, as the first two notebooks of a
    parallel build do: one validates every row, the other waits and finds it recorded."""
    data_dir, _ = temp_package(MOST_POPULAR)
    log = tmp_path / "validated"
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    environment.pop(validation.FULL_VALIDATION_VARIABLE, None)
    loaders = [subprocess.Popen([sys.executable, "-c", LOADER, str(record_dir), str(data_dir), str(log), MOST_POPULAR],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
               for _ in range(2)]
    rows = []
    for loader in loaders:
        out, err = loader.communicate(timeout=120)
        assert loader.returncode == 0, err
        rows.append(out.strip())
    assert rows[0] == rows[1] and int(rows[0]) > 0
    assert log.read_text().splitlines() == [MOST_POPULAR]
    assert len(recorded_files(record_dir)) == 1


# --- the fast check says what frictionless says -------------------------------------

RESOURCE_NAMES = [resource["name"] for resource in
                  json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))["resources"]]


@pytest.mark.parametrize("name", RESOURCE_NAMES)
def test_the_fast_check_accepts_every_real_file(name, resources):
    assert validation.rows_conform(resources[name], DATA_DIR)


def frictionless_valid(resource: dict, data_dir) -> bool:
    table = frictionless.Resource(validation.validation_descriptor(resource), basepath=str(data_dir))
    return table.validate().valid


def fast_check_verdicts(temp_package, name: str, variants: dict[str, str]) -> dict[str, bool]:
    """Write each variant of dataset ``name``'s file and require the fast check to give
    frictionless' verdict on it; frictionless' verdicts, by variant."""
    data_dir, target = temp_package(name)
    resource = data.resource_descriptor(name, data_dir)
    verdicts = {}
    for label, content in variants.items():
        target.write_bytes(content.encode("utf-8"))
        verdicts[label] = frictionless_valid(resource, data_dir)
        assert validation.rows_conform(resource, data_dir) == verdicts[label], label
    return verdicts


def most_popular_variants(lines: list[str]) -> dict[str, list[str]]:
    """Edits of row 5 of the most-popular list (rank 4 of its category). Some are valid for
    frictionless although they look odd: " 4", "+4", "04" and "٤" are the integer 4 to Python."""
    variants = {"unchanged": list(lines)}
    assert lines[4].split("\t")[1] == "4"
    cells = {
        "rank": (1, ["4", " 4", "4 ", "+4", "04", "\u0664", "4.0", "", "1e1", "-0", "0", "11",
                     "1_0"]),  # "1_0" is 10, the rank of another row
        "runtime": (5, ["1.5", " 1.5", "1e0", "NaN", "Infinity", "-0.0", "1,5", "", "-1"]),
        "category": (0, ["Films (English) ", "films (english)", "", "TV (English)"]),
        "show_title": (2, ["", " ", "\u00a0", "N/A"]),
        "views_first_91_days": (6, ["0", "-1", "99999999999999999999", "1.0"]),
    }
    for column, (position, values) in cells.items():
        for value in values:
            edited = list(lines)
            edited[4] = set_cell(edited[4], position, value)
            variants[f"{column}={value!r}"] = edited
    header, rows = lines[0], lines[1:]
    rank_of = {int(line.split("\t")[1]): index for index, line in enumerate(rows, start=1)
               if line.startswith(rows[0].split("\t")[0] + "\t")}
    duplicate = list(lines)
    duplicate[rank_of[2]] = set_cell(duplicate[rank_of[2]], 1, "01")  # the key (category, 1) twice
    variants["rank '01' repeats rank 1"] = duplicate
    variants["blank line"] = lines[:3] + [""] + lines[3:]
    variants["row of empty cells"] = lines[:3] + ["\t" * 6] + lines[3:]
    variants["extra cell"] = lines[:3] + [lines[3] + "\tx"] + lines[4:]
    variants["missing cell"] = lines[:3] + [lines[3].rsplit("\t", 1)[0]] + lines[4:]
    variants["header renamed"] = [header.replace("rank", "position")] + rows
    variants["header reordered"] = ["\t".join(reversed(header.split("\t")))] + rows
    variants["header only"] = [header]
    variants["quoted title"] = lines[:2] + [set_cell(lines[2], 2, '"A ""quoted"" title"')] + lines[3:]
    return variants


def test_the_fast_check_agrees_with_frictionless_on_edited_files(temp_package, most_popular_lines):
    data_dir, target = temp_package(MOST_POPULAR)
    resource = data.resource_descriptor(MOST_POPULAR, data_dir)
    verdicts = {}
    for label, lines in most_popular_variants(most_popular_lines).items():
        for ending in ("\n", "\r\n"):
            target.write_bytes((ending.join(lines) + ending).encode("utf-8"))
            expected = frictionless_valid(resource, data_dir)
            assert validation.rows_conform(resource, data_dir) == expected, (label, ending)
            verdicts[label] = expected
    # Both kinds occur, so the comparison is not vacuous.
    assert verdicts["unchanged"] and verdicts["rank=' 4'"] and verdicts["rank='\u0664'"]
    assert not verdicts["rank '01' repeats rank 1"] and not verdicts["rank='1_0'"]
    assert not verdicts["rank='11'"] and not verdicts["blank line"] and not verdicts["header renamed"]


def test_the_fast_check_finds_a_blank_row_where_no_rule_requires_a_value(temp_package, most_popular_lines):
    """With no required field and no primary key, only the blank-row check stops a row of empty cells."""
    data_dir, target = temp_package(MOST_POPULAR)

    def lenient(resource):
        del resource["schema"]["primaryKey"]
        for field in resource["schema"]["fields"]:
            field.get("constraints", {}).pop("required", None)

    edit_descriptor(data_dir, MOST_POPULAR, lenient)
    resource = data.resource_descriptor(MOST_POPULAR, data_dir)
    lines = list(most_popular_lines)
    target.write_bytes(tsv(lines[:3] + ["\t" * 6] + lines[3:]))
    assert not frictionless_valid(resource, data_dir)
    assert not validation.rows_conform(resource, data_dir)
    lines[3] = set_cell("\t" * 6, 2, "a title")
    target.write_bytes(tsv(lines))
    assert frictionless_valid(resource, data_dir)
    assert validation.rows_conform(resource, data_dir)


def test_the_fast_check_agrees_with_frictionless_on_quoted_csv(temp_package):
    """The facts register: quoted cells with commas and line breaks, CRLF, a pattern and a unique id."""
    text = (DATA_DIR / "facts.csv").read_bytes().decode("utf-8")
    head = "\r\n".join(text.split("\r\n")[:12]) + "\r\n"
    rows = head.split("\r\n")
    second_id = rows[2].split(",", 1)[0]
    variants = {
        "unchanged": head,
        "id with a line break": head.replace(second_id + ",", f'"{second_id}\n",', 1),
        "id repeated": head.replace(second_id + ",", rows[1].split(",", 1)[0] + ",", 1),
        "id breaks the pattern": head.replace(second_id + ",", "X" + second_id[1:] + ",", 1),
        "confidence outside the enum": head.replace(",high,", ",certain,", 1),
        "unbalanced quote": head.replace(second_id + ",", second_id + ',"', 1),
    }
    verdicts = fast_check_verdicts(temp_package, "facts_register", variants)
    assert verdicts["unchanged"] and not verdicts["id repeated"] and not verdicts["id breaks the pattern"]


def test_the_fast_check_agrees_with_frictionless_on_engagement_rows(temp_package):
    """Booleans, dates and optional integers, on the first rows of each report."""
    with open(DATA_DIR / "derived/netflix_engagement.csv", encoding="utf-8", newline="") as stream:
        lines = stream.read().split("\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    picked = [header] + [rows[index] for index in range(0, len(rows), len(rows) // 7)]
    fields = header.split(",")
    assert not any('"' in line for line in picked)  # plain cells, so splitting on commas is safe

    def edited(column, value):
        changed = list(picked)
        cells = changed[2].split(",")
        cells[fields.index(column)] = value
        changed[2] = ",".join(cells)
        return "\n".join(changed) + "\n"

    variants = {"unchanged": "\n".join(picked) + "\n"}
    for column, values in {
        "available_globally": ["True", "true", "1", "0", "yes", "", "TRUE "],
        "release_date": ["", "2023-1-05", "2023-02-30", "2023-02-28", "20230228", " 2023-02-28"],
        "runtime_minutes": ["", "0", "-1", "90"],
        "report": ["2022H2", "2023h1"],
        "source_row": ["6", "7"],
    }.items():
        for value in values:
            variants[f"{column}={value!r}"] = edited(column, value)
    verdicts = fast_check_verdicts(temp_package, "netflix_engagement", variants)
    assert verdicts["unchanged"] and verdicts["release_date='2023-1-05'"]
    assert not verdicts["release_date='2023-02-30'"] and not verdicts["available_globally='yes'"]
