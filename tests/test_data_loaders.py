"""The loaders on the project's real data: shapes, dtypes and a few known values."""

from __future__ import annotations

import pandas as pd
import pytest

from korean_ott import data

#: fixture name -> (resource name, rows, columns)
DATASETS = {
    "top10_weekly": ("netflix_top10_weekly", 10_560, 9),
    "top10_most_popular": ("netflix_top10_most_popular", 40, 7),
    "engagement": ("netflix_engagement", 82_114, 13),
    "mdl_dramas": ("mdl_korean_dramas_2015_2023", 1_752, 17),
    "mdl_top250": ("mdl_top250_kdramas", 250, 18),
    "catalogue": ("netflix_catalogue_2021", 8_807, 12),
    "facts": ("facts_register", 206, 12),
}


@pytest.mark.parametrize("fixture", DATASETS)
def test_shape(fixture, request):
    frame = request.getfixturevalue(fixture)
    _, rows, columns = DATASETS[fixture]
    assert frame.shape == (rows, columns)


@pytest.mark.parametrize("fixture", DATASETS)
def test_columns_follow_the_schema(fixture, request, resources):
    frame = request.getfixturevalue(fixture)
    schema = resources[DATASETS[fixture][0]]["schema"]
    assert list(frame.columns) == [field["name"] for field in schema["fields"]]


@pytest.mark.parametrize("fixture", DATASETS)
def test_dtypes_follow_the_schema(fixture, request, resources):
    """Dates are datetime64; required integers are plain int64, optional ones nullable Int64."""
    frame = request.getfixturevalue(fixture)
    for field in resources[DATASETS[fixture][0]]["schema"]["fields"]:
        dtype = frame[field["name"]].dtype
        required = field.get("constraints", {}).get("required", False)
        kind = field["type"]
        if kind == "date":
            assert pd.api.types.is_datetime64_dtype(dtype), field["name"]
        elif kind == "integer":
            assert str(dtype) == ("int64" if required else "Int64"), field["name"]
        elif kind == "number":
            assert str(dtype) == "float64", field["name"]
        elif kind == "boolean":
            assert str(dtype) == ("bool" if required else "boolean"), field["name"]
        elif field["name"] == "date_added":  # parsed by the catalogue loader
            assert pd.api.types.is_datetime64_dtype(dtype)
        else:
            assert isinstance(dtype, pd.StringDtype), field["name"]


@pytest.mark.parametrize("fixture", DATASETS)
def test_required_columns_have_no_missing_values(fixture, request, resources):
    frame = request.getfixturevalue(fixture)
    for field in resources[DATASETS[fixture][0]]["schema"]["fields"]:
        if field.get("constraints", {}).get("required"):
            assert not frame[field["name"]].isna().any(), field["name"]


def test_weekly_covers_every_week(top10_weekly):
    weeks = top10_weekly["week"]
    assert weeks.min() == pd.Timestamp("2021-07-04")
    assert weeks.max() == pd.Timestamp("2026-07-19")
    assert (weeks.dt.day_of_week == 6).all()  # every week ends on a Sunday
    assert weeks.nunique() == 264
    assert (top10_weekly.groupby(["week", "category"]).size() == 10).all()


def test_weak_hero_week_ending_2025_03_30(top10_weekly):
    row = top10_weekly[(top10_weekly["week"] == "2025-03-30")
                       & (top10_weekly["season_title"] == "Weak Hero: Class 1")]
    assert len(row) == 1
    row = row.iloc[0]
    assert row["category"] == "TV (Non-English)"
    assert row["weekly_rank"] == 2
    assert row["weekly_hours_viewed"] == 36_800_000
    assert row["weekly_views"] == 6_700_000


def test_weekly_views_missing_only_before_june_2023(top10_weekly):
    missing = top10_weekly["weekly_views"].isna()
    assert top10_weekly.loc[missing, "week"].max() < pd.Timestamp("2023-06-18")
    assert not missing[top10_weekly["week"] >= "2023-06-18"].any()


def test_most_popular_lists(top10_most_popular):
    assert (top10_most_popular.groupby("category")["rank"].apply(sorted)
            .map(lambda ranks: ranks == list(range(1, 11)))).all()
    top = top10_most_popular.set_index(["category", "rank"])
    assert top.loc[("Films (English)", 1), "show_title"] == "KPop Demon Hunters"


def test_engagement_weak_hero_class_1(engagement):
    row = engagement[(engagement["report"] == "2025H1")
                     & (engagement["title"] == "Weak Hero: Class 1 // 약한영웅: Class 1")]
    assert len(row) == 1
    row = row.iloc[0]
    assert row["hours_viewed"] == 122_900_000
    assert row["views"] == 22_300_000
    assert row["runtime_minutes"] == 331
    assert row["sheet"] == "Shows"
    assert row["kind"] == "show"
    assert row["release_date"] == pd.Timestamp("2025-03-25")
    assert bool(row["available_globally"])


def test_engagement_rows_per_sheet_match_provenance(engagement):
    """Row counts listed in data/raw/netflix-engagement-reports/PROVENANCE.md."""
    counts = engagement.groupby(["report", "sheet"]).size().to_dict()
    assert counts == {
        ("2023H1", "Engagement"): 18_214,
        ("2023H2", "TV"): 6_599, ("2023H2", "Film"): 9_395,
        ("2024H1", "TV"): 6_801, ("2024H1", "Film"): 9_360,
        ("2024H2", "TV"): 6_883, ("2024H2", "Film"): 8_680,
        ("2025H1", "Shows"): 7_508, ("2025H1", "Movies"): 8_674,
    }


def test_engagement_h1_2023_has_no_runtime_or_views(engagement):
    first = engagement[engagement["report"] == "2023H1"]
    assert first["runtime_minutes"].isna().all()
    assert first["views"].isna().all()
    assert (first["kind"] == "show or film").all()
    later = engagement[engagement["report"] != "2023H1"]
    assert later["views"].notna().all()


def test_engagement_periods(engagement):
    periods = engagement.groupby("report")[["period_start", "period_end"]].agg(["min", "max"])
    assert (periods[("period_start", "min")] == periods[("period_start", "max")]).all()
    assert periods.loc["2025H1", ("period_end", "max")] == pd.Timestamp("2025-06-30")


def test_mdl_dramas(mdl_dramas):
    assert mdl_dramas["kdrama_id"].is_unique
    assert mdl_dramas["year"].between(2015, 2023).all()
    assert (mdl_dramas["country"] == "South Korea").all()


def test_mdl_top250(mdl_top250):
    assert set(mdl_top250["Rank"]) == {f"#{n}" for n in range(1, 251)}
    assert mdl_top250["Rating"].between(0, 10).all()


def test_catalogue(catalogue):
    assert catalogue["show_id"].is_unique
    assert catalogue["date_added"].max() == pd.Timestamp("2021-09-25")
    assert set(catalogue["type"]) == {"Movie", "TV Show"}


def test_facts_indexed_by_id(facts):
    assert facts.index.name == "id"
    assert facts.index.is_unique
    assert "F001" in facts.index
    assert facts.loc["F001", "value"] == "2025-03-25"
    assert set(facts["confidence"]) <= {"high", "medium", "low"}


def test_load_returns_a_fresh_copy():
    first = data.load_top10_most_popular()
    first.loc[0, "show_title"] = "changed"
    assert data.load_top10_most_popular().loc[0, "show_title"] != "changed"


def test_loader_reads_another_data_dir(temp_package, top10_most_popular):
    data_dir, _ = temp_package("netflix_top10_most_popular")
    pd.testing.assert_frame_equal(data.load_top10_most_popular(data_dir), top10_most_popular)
    pd.testing.assert_frame_equal(data.load_top10_most_popular(str(data_dir)), top10_most_popular)


def test_display_path_is_relative(tmp_path):
    assert data.display_path(tmp_path / "raw" / "a.csv", tmp_path) == "data/raw/a.csv"
    assert data.display_path(tmp_path / "elsewhere.csv", tmp_path / "data") == "elsewhere.csv"


def test_file_sha256(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"abc")
    assert data.file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_field_rules_read_as_a_reader_reads_them():
    field = {"name": "id", "constraints": {"required": True, "unique": True, "minimum": 0, "maximum": 9,
                                           "enum": ["a", 1], "pattern": r"^F\d{3}$"}}
    assert data.field_rules(field) == r"required; unique; ≥ 0; ≤ 9; one of: a, 1; pattern ^F\d{3}$"
    assert data.field_rules({"name": "note"}) == ""


def test_grouped_checksum_keeps_every_digit_in_groups():
    digits = "0123456789abcdef" * 4
    assert data.grouped_checksum("sha256:" + digits) == " ".join(["0123456789abcdef"] * 4)
    assert data.grouped_checksum("sha256:" + digits, group=32).replace(" ", "") == digits
    with pytest.raises(ValueError, match="sha256:<64 lowercase hex digits>"):
        data.grouped_checksum("md5:" + digits)
    with pytest.raises(ValueError, match="sha256:<64 lowercase hex digits>"):
        data.grouped_checksum("sha256:" + digits[:-1])
    with pytest.raises(ValueError, match="at least 1"):
        data.grouped_checksum("sha256:" + digits, group=0)


def test_every_recorded_checksum_can_be_printed(resources):
    for name, resource in resources.items():
        assert data.grouped_checksum(resource["hash"]).replace(" ", "") == resource["hash"].removeprefix("sha256:")
