"""The corpus generator: new ids, dates moved within the source's span, no names, streamed parts."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from bench.scale import (
    SPEC_BY_SOURCE,
    WITHHELD,
    add_delta,
    dates_in,
    generate,
    remove_delta,
    shift_month,
    shift_text,
)
from tests.conftest import SHARED, shared_path

# Every format and kind of field, without the two largest files: keeps the module fast.
SMALL = [
    SPEC_BY_SOURCE[s]
    for s in (
        "coalition_incident_statements",
        "airwars_incidents",
        "vdc_casualty_list",
        "news_fakes",
    )
]


@pytest.mark.parametrize(
    ("text", "months", "expected"),
    [("2016-01-31", 1, "2016-02-29"),
     ("2019-12-05 to 2020-01-02", 2, "2020-02-05 to 2020-03-02"),
     ("20190105", -1, "20181205"),
     ("3/7/16", 12, "3/7/17"),
     ("On March 9, 2017, near a town", 10, "On January 9, 2018, near a town"),
     ("Dec 30", 2, "Feb 28"),
     ("0000-00-00", 5, "0000-00-00"),
     ("1970-01-01", 5, "1970-01-01"),
     ("May 2019 report", 3, "May 2019 report")],
)  # fmt: skip
def test_shift_text(text, months, expected):
    assert shift_text(text, months) == expected


def test_dates_in_ignores_placeholders():
    assert dates_in("1970-01-01 and 0000-00-00") == []
    assert dates_in("January 5, 2015 then 2015-02-01") == [date(2015, 2, 1), date(2015, 1, 5)]
    assert shift_month(date(2015, 1, 31), -2) == date(2014, 11, 30)


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    shared_path("corpus")
    from ingestion.settings import Settings

    settings = Settings.from_env(
        {"CIVCAS_SHARED": str(SHARED), "CIVCAS_HOME": str(tmp_path_factory.mktemp("home"))}
    )
    out = tmp_path_factory.mktemp("f2")
    info = generate(2, out, settings, log=lambda *a, **k: None, sources=[s.source for s in SMALL])
    return info, out, settings


def _rows(spec, path: Path) -> list[dict]:
    if spec.fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with open(path, newline="", encoding=spec.encoding) as f:
        return list(csv.DictReader(f))


def test_replica_zero_is_the_real_file(scaled):
    info, out, settings = scaled
    for spec in SMALL:
        part0 = out / spec.source / f"part-00000.{spec.fmt}"
        assert part0.is_symlink()
        assert part0.resolve() == (settings.shared / "corpus" / spec.path).resolve()


def test_replica_has_new_ids_same_size(scaled):
    info, out, settings = scaled
    for spec in SMALL:
        real = _rows(spec, settings.shared / "corpus" / spec.path)
        new = _rows(spec, out / spec.source / f"part-00001.{spec.fmt}")
        assert len(new) == len(real) and info["rows"][spec.source] == 2 * len(real)
        for col in spec.ids:
            olds = {r[col] for r in real if r[col]}
            news = {r[col] for r in new if r[col]}
            assert news and all(v.endswith("-x1") for v in news)
            assert not olds & news


def test_no_names_in_the_scaled_vdc_list(scaled):
    _, out, _ = scaled
    spec = SPEC_BY_SOURCE["vdc_casualty_list"]
    rows = _rows(spec, out / spec.source / "part-00001.csv")
    assert {r["Name"] for r in rows} == {WITHHELD}


def test_dates_stay_in_span_and_in_order(scaled):
    _, out, settings = scaled
    spec = SPEC_BY_SOURCE["airwars_incidents"]
    real = _rows(spec, settings.shared / "corpus" / spec.path)
    new = _rows(spec, out / spec.source / "part-00001.csv")
    today, moved = date.today(), 0
    for a, b in zip(real, new, strict=True):
        if a["incident_date"] != b["incident_date"]:
            moved += 1
        for col in spec.dates:
            for d in dates_in(b[col]):
                assert date(2011, 1, 1) <= d <= today
        if b["date_end"] and b["incident_date"]:  # one real row is inverted: keep it so
            assert (b["date_end"] >= b["incident_date"]) == (a["date_end"] >= a["incident_date"])
    assert moved > len(real) * 0.9


def test_registry_points_at_the_parts(scaled):
    info, out, settings = scaled
    from ingestion.registry import load_registry

    reg = load_registry(settings, Path(info["registry"]))
    corpus = yaml.safe_load(
        (Path(__file__).parents[2] / "ingestion" / "registries" / "corpus.yaml").read_text()
    )
    assert [s.name for s in reg.sources] == [s["name"] for s in corpus["sources"]]
    for s in reg.sources:
        if s.name in {spec.source for spec in SMALL}:
            assert s.location == f"file://{out / s.name}/"
        else:
            assert str(settings.shared) in s.location


def test_delta_is_one_percent_and_goes_away(scaled):
    info, out, settings = scaled
    added = add_delta(out, 2, settings=settings)
    try:
        for src, n in added.items():
            assert abs(n - info["rows"][src] / 100) <= 2 + info["rows"][src] / 1000
            assert len(list((out / src).glob("part-delta-*"))) == 1
    finally:
        assert remove_delta(out) == len(SMALL)
    assert not list(out.glob("*/part-delta-*"))
