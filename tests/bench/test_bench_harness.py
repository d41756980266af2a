"""Harness plumbing at a tiny size: child stages, their figures, ratios and growth. Never timed."""

from __future__ import annotations

import json

import polars as pl

from bench.__main__ import growth, ratios, targets, with_needs
from bench.measure import Measured, machine, run_stage, versions
from bench.stages import FLOOR_RE, _ordered_nodes
from ingestion.schemas import conform

TEXTS = [  # the team's own sentences, not corpus text
    ("t1", "Monitors counted 12 civilians killed in two strikes on 3 villages."),
    ("t2", "قال المرصد إن ٧ مدنيين قتلوا"),
    ("t3", "No figure in this one."),
]


def _news_folder(tmp_path):
    folder = tmp_path / "news_airwars_source_texts"
    folder.mkdir()
    lines = [json.dumps({"source_id": i, "text": t}, ensure_ascii=False) for i, t in TEXTS]
    (folder / "part-00000.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"jsonl": [str(folder)], "csv": [], "seeds": None}


def test_regex_floor_stage_in_a_child(tmp_path):
    m = run_stage("regex_floor", _news_folder(tmp_path), {})
    assert m.returncode == 0, m.error
    assert m.figures["documents"] == len(TEXTS)
    assert m.figures["matches"] == sum(len(FLOOR_RE.findall(t)) for _, t in TEXTS) == 3
    assert m.figures["bytes"] == sum(len(t) for _, t in TEXTS)
    assert m.peak_rss_mb > 10 and m.cpu_s > 0 and m.wall_s >= m.work_s >= 0


def test_failing_stage_is_reported_not_raised(tmp_path):
    m = run_stage("regex_floor", {}, {})
    assert m.returncode != 0 and "KeyError" in m.error and m.work_s is None


def test_floor_count_reads_the_staged_parquet(tmp_path):
    lake = tmp_path / "lake"
    (lake / "staged" / "coalition_strikes").mkdir(parents=True)
    df = conform("coalition_strikes", pl.DataFrame({"row_id": ["a", "b", "c"]}))
    df.write_parquet(lake / "staged" / "coalition_strikes" / "one.parquet")
    m = run_stage("floor_count", {}, {"CIVCAS_HOME": str(tmp_path), "CIVCAS_LAKE": str(lake)})
    assert m.returncode == 0, m.error
    assert m.figures["rows_by_table"] == {"coalition_strikes": 3}


def test_needs_pull_in_what_a_stage_reads():
    assert with_needs(["publish"]) == ["fetch", "stage", "dbt_build", "publish"]
    assert with_needs(["pipeline_delta"]) == ["pipeline_cold", "pipeline_delta"]


def test_ratios_and_targets_from_measured_stages(tmp_path):
    params = _news_folder(tmp_path)
    by = {"regex_floor": run_stage("regex_floor", params, {})}
    r = ratios(by)
    docs, cpu = by["regex_floor"].figures["documents"], by["regex_floor"].figures["work_cpu_s"]
    assert r["regex_floor_docs_per_s_per_core"] == round(docs / cpu, 1)
    assert r["pandas_over_ours"] is None
    t = targets(by, 1)
    assert t["dbt_overhead_under_1_5x"]["met"] is None
    assert t["peak_memory_mb_f1"]["met"] is None  # a floor is not ours: no peak of ours yet
    heavy = Measured("pandas_baseline", 1.0, 1.0, 4096.0, 0)
    ours = Measured("stage", 1.0, 1.0, 300.0, 0)
    t = targets({**by, "pandas_baseline": heavy, "stage": ours}, 100)
    assert t["peak_memory_mb_f100"] | {} == {
        "value": 300.0, "target": "< 2048", "met": True,
        "scope": "target applies at factor 100", "stage": "stage",
    }  # fmt: skip


def test_growth_ratios_between_factors():
    def run(factor, rows, wall, rss):
        return {
            "factor": factor,
            "stages": [
                {
                    "stage": "stage",
                    "wall_s": wall,
                    "work_s": wall,
                    "peak_rss_mb": rss,
                    "returncode": 0,
                    "figures": {"rows": rows},
                }
            ],
        }

    g = growth([run(10, 1000, 8.0, 300.0), run(1, 100, 2.0, 200.0)])
    assert g["factors"] == [1, 10]
    step = g["stages"]["stage"]["ratios"][0]
    assert (step["data"], step["wall"], step["peak_rss"]) == (10.0, 4.0, 1.5)


def test_topological_order_of_dbt_nodes():
    manifest = {
        "nodes": {
            "model.c": {"resource_type": "model", "depends_on": {"nodes": ["model.b"]}},
            "test.t": {"resource_type": "test", "depends_on": {"nodes": ["model.c"]}},
            "model.b": {"resource_type": "model", "depends_on": {"nodes": ["seed.a"]}},
            "seed.a": {"resource_type": "seed", "depends_on": {}},
        }
    }
    order = [n["resource_type"] for n in _ordered_nodes(manifest, {"seed", "model", "test"})]
    assert order == ["seed", "model", "model", "test"]


def test_machine_and_versions():
    m, v = machine(), versions()
    assert m["cpus"] >= 1 and m["memory_gb"] > 0
    assert v["polars"] and v["duckdb"] and v["dbt-core"]
