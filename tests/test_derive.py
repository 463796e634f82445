"""The derived engagement table is exactly what korean_ott.derive makes from the raw workbooks."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from korean_ott import derive
from korean_ott.data import DataValidationError, file_sha256


@pytest.mark.slow
def test_build_engagement_reproduces_the_committed_csv(data_dir):
    built = derive.build_engagement(data_dir)
    text = built.to_csv(index=False, lineterminator="\n")
    committed = (data_dir / derive.ENGAGEMENT_OUTPUT).read_bytes()
    assert text.encode("utf-8") == committed


@pytest.mark.parametrize(("runtime", "minutes"), [
    ("5:31", 331), ("4:44*", 284), ("0:05", 5), ("12:00", 720),
])
def test_runtime_to_minutes(runtime, minutes):
    assert derive.runtime_to_minutes(runtime, "here") == minutes


@pytest.mark.parametrize("runtime", ["*", None, float("nan"), pd.NA])
def test_runtime_to_minutes_missing(runtime):
    assert derive.runtime_to_minutes(runtime, "here") is pd.NA


@pytest.mark.parametrize("runtime", ["abc", "5:3", "5", "5:310", ":30", "5-31", "h:mm", "5:75"])
def test_runtime_to_minutes_rejects_text(runtime):
    where = "data/raw/netflix-engagement-reports/x.xlsx [Shows], row 9"
    with pytest.raises(DataValidationError) as caught:
        derive.runtime_to_minutes(runtime, where)
    assert caught.value.location == where
    assert repr(runtime) in caught.value.rule
    assert "H:MM" in caught.value.rule


@pytest.mark.parametrize("folder", ["data", "somewhere_else"])
def test_missing_workbook_is_a_clear_error(tmp_path, folder):
    empty = tmp_path / folder
    (empty / derive.ENGAGEMENT_DIR).mkdir(parents=True)
    with pytest.raises(DataValidationError) as caught:
        derive.build_engagement(empty)
    message = str(caught.value)
    first = derive.ENGAGEMENT_SHEETS[0].filename
    assert message == f"data/raw/netflix-engagement-reports/{first}: file is missing"
    assert str(tmp_path) not in message


def test_write_csv_atomically(tmp_path):
    frame = pd.DataFrame({"title": ["Weak Hero: Class 1 // 약한영웅: Class 1", "Red Notice"],
                          "views": pd.array([22_300_000, pd.NA], dtype="Int64")})
    target = tmp_path / "derived" / "table.csv"
    derive.write_csv_atomically(frame, target)
    assert target.read_bytes() == frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    assert target.read_bytes() == "title,views\nWeak Hero: Class 1 // 약한영웅: Class 1,22300000\nRed Notice,\n".encode()
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.csv"]
    # Overwriting an existing table also leaves no partial file behind.
    derive.write_csv_atomically(frame.head(1), target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.csv"]
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2


def test_record_hashes_on_a_copy(tmp_path, data_dir):
    """record_hashes stores sha256 and size, and says which resources changed."""
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    small = ("netflix_top10_most_popular", "facts_register")
    package["resources"] = [r for r in package["resources"] if r["name"] in small]
    copy = tmp_path / "data"
    for resource in package["resources"]:
        (copy / resource["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_dir / resource["path"], copy / resource["path"])
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")

    assert derive.record_hashes(copy) == []
    facts = copy / "facts.csv"
    facts.write_bytes(facts.read_bytes().replace(b",high,", b",medium,", 1))
    assert derive.record_hashes(copy) == ["facts_register"]
    stored = {r["name"]: r for r in json.loads((copy / "datapackage.json").read_text())["resources"]}
    assert stored["facts_register"]["hash"] == f"sha256:{file_sha256(facts)}"
    assert stored["facts_register"]["bytes"] == facts.stat().st_size
    assert stored["netflix_top10_most_popular"] == {
        r["name"]: r for r in package["resources"]}["netflix_top10_most_popular"]
    # The repository's own descriptor is untouched.
    repo = {r["name"]: r for r in json.loads(
        (data_dir / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    assert repo["facts_register"]["hash"] == f"sha256:{file_sha256(data_dir / 'facts.csv')}"


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "derived" / "table.csv"

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    with pytest.raises(OSError):
        derive.write_csv_atomically(pd.DataFrame({"a": [1]}), target)
    assert list(target.parent.iterdir()) == []
