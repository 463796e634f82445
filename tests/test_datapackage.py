"""data/datapackage.json describes every data file, completely and correctly."""

from __future__ import annotations

import datetime as dt
import json
import re

import frictionless
import pytest

from conftest import DATA_DIR
from korean_ott.data import file_sha256

ENGAGEMENT_PROVENANCE = DATA_DIR / "raw/netflix-engagement-reports/PROVENANCE.md"


def resource_names():
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    return [resource["name"] for resource in package["resources"]]


@pytest.mark.slow
def test_frictionless_validates_the_whole_package(resources):
    report = frictionless.validate(str(DATA_DIR / "datapackage.json"))
    problems = report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])
    assert report.valid, problems[:10]
    assert {task.name for task in report.tasks} == set(resources)
    assert all(task.valid for task in report.tasks)
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert rows["netflix_engagement"] == 82_114
    assert rows["netflix_top10_weekly"] == 10_560


def test_package_metadata(descriptor):
    assert descriptor["name"]
    assert descriptor["licenses"]
    names = [resource["name"] for resource in descriptor["resources"]]
    assert len(names) == len(set(names))
    assert {"netflix_top10_weekly", "netflix_top10_most_popular", "netflix_engagement",
            "mdl_korean_dramas_2015_2023", "mdl_top250_kdramas", "netflix_catalogue_2021",
            "facts_register"} <= set(names)


@pytest.mark.parametrize("name", resource_names())
def test_resource_hash_and_bytes(name, resources):
    resource = resources[name]
    path = DATA_DIR / resource["path"]
    assert path.is_file()
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", resource["hash"])
    assert resource["hash"] == f"sha256:{file_sha256(path)}"
    assert resource["bytes"] == path.stat().st_size


@pytest.mark.parametrize("name", resource_names())
def test_resource_metadata(name, resources):
    resource = resources[name]
    assert resource["title"] and resource["description"]
    assert resource["sources"], "no sources"
    assert all(source.get("title") for source in resource["sources"])
    assert resource["licenses"], "no licenses"
    assert all(licence.get("name") for licence in resource["licenses"])
    dt.date.fromisoformat(resource["retrieved"])
    assert resource["format"] in {"csv", "tsv"}
    assert resource["encoding"] == "utf-8"


@pytest.mark.parametrize("name", resource_names())
def test_resource_schema(name, resources):
    schema = resources[name]["schema"]
    fields = schema["fields"]
    assert fields
    for field in fields:
        assert field.get("description", "").strip(), f"{field['name']} has no description"
        assert field["type"] in {"string", "integer", "number", "boolean", "date"}
    field_names = [field["name"] for field in fields]
    assert len(field_names) == len(set(field_names))
    primary_key = schema.get("primaryKey")
    assert primary_key, "no primary key"
    primary_key = [primary_key] if isinstance(primary_key, str) else primary_key
    assert set(primary_key) <= set(field_names)


@pytest.mark.parametrize("name", resource_names())
def test_resource_provenance(name, resources):
    """``provenance`` is either a file under data/ (``*.md``) or a sentence; a named file exists."""
    provenance = resources[name].get("provenance", "")
    assert provenance.strip(), "no provenance"
    if provenance.endswith(".md"):
        assert (DATA_DIR / provenance).is_file(), f"data/{provenance} is missing"


def test_every_data_file_is_described(descriptor):
    described = set()
    for resource in descriptor["resources"]:
        described.add(resource["path"])
        described.update(resource.get("derivedFrom", []))
    on_disk = {
        path.relative_to(DATA_DIR).as_posix()
        for folder in ("raw", "derived")
        for path in (DATA_DIR / folder).rglob("*")
        if path.is_file() and path.name != "PROVENANCE.md"
    }
    assert on_disk, "no files found under data/raw and data/derived"
    assert on_disk - described == set(), "files not described in datapackage.json"
    missing = {path for path in described if not (DATA_DIR / path).is_file()}
    assert missing == set(), "datapackage.json names files that do not exist"


def test_every_raw_folder_has_provenance():
    for folder in (DATA_DIR / "raw").iterdir():
        if folder.is_dir():
            assert (folder / "PROVENANCE.md").is_file(), folder.name


def provenance_checksums() -> dict[str, tuple[str, int]]:
    """file name -> (SHA-256, size in bytes) from the table in PROVENANCE.md."""
    listed = {}
    for line in ENGAGEMENT_PROVENANCE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and cells[0].endswith(".xlsx"):
            size = int(cells[3].removesuffix(" B").replace(",", ""))
            listed[cells[0]] = (cells[-1], size)
    return listed


def test_derived_from_xlsx_match_provenance(resources):
    listed = provenance_checksums()
    derived_from = resources["netflix_engagement"]["derivedFrom"]
    assert len(derived_from) == 5
    assert {path.rsplit("/", 1)[-1] for path in derived_from} == set(listed)
    for path in derived_from:
        sha256, size = listed[path.rsplit("/", 1)[-1]]
        assert re.fullmatch(r"[0-9a-f]{64}", sha256)
        assert file_sha256(DATA_DIR / path) == sha256, path
        assert (DATA_DIR / path).stat().st_size == size, path


def test_derived_from_matches_derive_module(resources):
    from korean_ott import derive
    files = {f"{derive.ENGAGEMENT_DIR.as_posix()}/{sheet.filename}" for sheet in derive.ENGAGEMENT_SHEETS}
    assert files == set(resources["netflix_engagement"]["derivedFrom"])
    assert resources["netflix_engagement"]["path"] == derive.ENGAGEMENT_OUTPUT.as_posix()
