"""`python -m bench`: time and weigh every stage on the corpus grown by a factor.

Writes bench/results/<timestamp>-f<factor>.json and prints a short table. Stages run in child
processes (bench/stages.py) so each one's peak memory is its own; see bench/measure.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.measure import Measured, machine, run_stage, versions
from bench.scale import SPECS, add_delta, bench_dir, generate, remove_delta
from ingestion.settings import PROJECT_ROOT, Settings

RESULTS = PROJECT_ROOT / "bench" / "results"
ORDER = [
    "fetch",
    "stage",
    "floor_count",
    "floor_raw_csv",
    "extract",
    "regex_floor",
    "checks",
    "dbt_build",
    "dbt_direct",
    "publish",
    "pandas_baseline",
    "ours_two_sources",
    "pipeline_cold",
    "pipeline_nochange",
    "pipeline_delta",
]
NEEDS = {
    "stage": ["fetch"],
    "floor_count": ["stage"],
    "checks": ["stage"],
    "dbt_build": ["stage"],
    "dbt_direct": ["dbt_build"],
    "publish": ["dbt_build"],
    "ours_two_sources": ["fetch"],
    "pipeline_nochange": ["pipeline_cold"],
    "pipeline_delta": ["pipeline_cold"],
}
GB = 1024  # MB


def with_needs(stages: list[str]) -> list[str]:
    want = set()

    def add(s: str) -> None:
        if s not in ORDER:
            raise SystemExit(f"unknown stage {s!r}; stages: {', '.join(ORDER)}")
        want.add(s)
        for d in NEEDS.get(s, []):
            add(d)

    for s in stages:
        add(s)
    return [s for s in ORDER if s in want]


def _folders(out: Path, fmt: str) -> list[str]:
    return [str(out / s.source) for s in SPECS if s.fmt == fmt]


def run_factor(factor: int, stages: list[str], log=print) -> dict:
    settings = Settings.from_env()
    out = bench_dir(factor)
    t0 = time.perf_counter()
    scale = generate(factor, out, settings, log=log)
    scale["generate_s"] = round(time.perf_counter() - t0, 2)
    work = out / "work"
    stages_home, pipe_home = work / "stages", work / "pipeline"
    base = {"CIVCAS_SOURCES": scale["registry"], "CIVCAS_SHARED": str(settings.shared)}
    env_stages = base | {"CIVCAS_HOME": str(stages_home), "CIVCAS_LAKE": str(stages_home / "lake")}
    env_pipe = base | {"CIVCAS_HOME": str(pipe_home), "CIVCAS_LAKE": str(pipe_home / "lake")}
    texts = {
        "jsonl": _folders(out, "jsonl"),
        "csv": [str(out / "news_fakes")],
        "seeds": str(settings.shared / "seeds"),
    }
    params = {
        # DuckDB refuses fakes_dev.csv as latin-1, so the CSV floor leaves it out
        "floor_raw_csv": {"folders": [f for f in _folders(out, "csv") if "fakes" not in f]},
        "extract": texts,
        "regex_floor": texts,
        "dbt_build": {"target_path": str(work / "dbt_target")},
        "dbt_direct": {
            "target_path": str(work / "dbt_target"),
            "direct_dir": str(work / "dbt_direct"),
        },
        "pandas_baseline": {
            "incidents": str(out / "airwars_incidents"),
            "strikes": str(out / "coalition_strike_releases"),
            "out_dir": str(work / "pandas_out"),
        },
        "ours_two_sources": {"out_dir": str(work / "ours_out")},
    }
    if "fetch" in stages:
        shutil.rmtree(stages_home, ignore_errors=True)
    if "pipeline_cold" in stages:
        shutil.rmtree(pipe_home, ignore_errors=True)
    results: list[Measured] = []
    for name in stages:
        log(f"  {name} ...", end="", flush=True)
        if name.startswith("pipeline_"):
            delta = add_delta(out, factor, settings=settings) if name == "pipeline_delta" else {}
            try:
                m = run_stage("pipeline", {}, env_pipe, label=name)
            finally:
                if delta:
                    remove_delta(out)
            if delta:
                m.figures["new_rows"] = sum(delta.values())
        else:
            m = run_stage(name, params.get(name, {}), env_stages)
        results.append(m)
        log(
            f" {m.wall_s:.1f} s"
            + (f"  (exit {m.returncode}: {m.error[:160]})" if m.returncode else "")
        )
    by = {m.stage: m for m in results}
    return {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "factor": factor,
        "machine": machine(),
        "versions": versions(),
        "scale": scale,
        "stages": [m.as_dict() for m in results],
        "ratios": ratios(by),
        "targets": targets(by, factor),
    }


def _t(m: Measured | None) -> float | None:
    """Work seconds when the child timed them, else its whole wall time."""
    if m is None or m.returncode:
        return None
    return m.work_s if m.work_s is not None else m.wall_s


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def ratios(by: dict[str, Measured]) -> dict:
    g = by.get
    ex, rx = g("extract"), g("regex_floor")
    out = {
        "staged_build_over_duckdb_count_floor": _ratio(_t(g("stage")), _t(g("floor_count"))),
        "staged_build_over_duckdb_raw_csv_floor": _ratio(_t(g("stage")), _t(g("floor_raw_csv"))),
        "extractor_over_regex_floor": _ratio(_t(ex), _t(rx)),
        "pandas_over_ours": _ratio(_t(g("pandas_baseline")), _t(g("ours_two_sources"))),
        "pandas_over_ours_parse_only": _ratio(
            _t(g("pandas_baseline")),
            (g("ours_two_sources").figures.get("parse_s") if g("ours_two_sources") else None),
        ),
        "dbt_build_over_direct_duckdb": _ratio(_t(g("dbt_build")), _t(g("dbt_direct"))),
        "dbt_build_over_direct_duckdb_wall": _ratio(
            g("dbt_build").wall_s if g("dbt_build") else None,
            g("dbt_direct").wall_s if g("dbt_direct") else None,
        ),
        "pipeline_nochange_over_cold": _ratio(
            g("pipeline_nochange").wall_s if g("pipeline_nochange") else None,
            g("pipeline_cold").wall_s if g("pipeline_cold") else None,
        ),
        "pipeline_delta_over_cold": _ratio(
            g("pipeline_delta").wall_s if g("pipeline_delta") else None,
            g("pipeline_cold").wall_s if g("pipeline_cold") else None,
        ),
    }
    for key, m in (("extraction", ex), ("regex_floor", rx)):
        if m and not m.returncode and m.work_s:
            docs = m.figures["documents"]
            out[f"{key}_docs_per_s_wall"] = round(docs / m.work_s, 1)
            # one thread: documents per CPU second is documents per second per core
            out[f"{key}_docs_per_s_per_core"] = round(docs / m.figures["work_cpu_s"], 1)
    return out


BASELINES = {"floor_count", "floor_raw_csv", "regex_floor", "dbt_direct", "pandas_baseline"}


def targets(by: dict[str, Measured], factor: int) -> dict:
    r = ratios(by)
    # ours only: the floors and the alternatives are not what the pipeline uses
    own = [m for m in by.values() if m.stage not in BASELINES]
    peak_of = max(own, key=lambda m: m.peak_rss_mb, default=None)
    peak = peak_of.peak_rss_mb if peak_of else None

    def t(value, op, limit, scope=""):
        met = None if value is None else (value < limit if op == "<" else value >= limit)
        return {"value": value, "target": f"{op} {limit}", "met": met, "scope": scope}

    cold, still = by.get("pipeline_cold"), by.get("pipeline_nochange")
    out = {
        "extraction_docs_per_s_per_core": t(r.get("extraction_docs_per_s_per_core"), ">=", 300),
        "staged_build_within_3x_duckdb_floor": t(
            r["staged_build_over_duckdb_count_floor"], "<", 3.0 + 1e-9
        ),
        "pandas_at_least_3x_slower": t(r["pandas_over_ours"], ">=", 3.0),
        "dbt_overhead_under_1_5x": t(r["dbt_build_over_direct_duckdb"], "<", 1.5),
        f"peak_memory_mb_f{factor}": t(
            round(peak, 1) if peak else None, "<", 2 * GB, "target applies at factor 100"
        ),
    }
    if peak_of:
        out[f"peak_memory_mb_f{factor}"]["stage"] = peak_of.stage
    if factor == 1:
        out["cold_run_s"] = t(round(cold.wall_s, 1) if cold else None, "<", 90)
        out["nochange_rerun_s"] = t(round(still.wall_s, 1) if still else None, "<", 15)
        if cold:
            out["cold_run_s"]["published"] = cold.figures.get("published")
    return out


def growth(runs: list[dict]) -> dict:
    """Per stage: how wall time and peak memory grew between factors, beside how data grew."""
    runs = sorted(runs, key=lambda r: r["factor"])
    table: dict[str, list[dict]] = {}
    for r in runs:
        for s in r["stages"]:
            size = (
                s["figures"].get("rows")
                or s["figures"].get("bytes")
                or s["figures"].get("documents")
            )
            table.setdefault(s["stage"], []).append(
                {
                    "factor": r["factor"],
                    "wall_s": s["wall_s"],
                    "work_s": s["work_s"],
                    "peak_rss_mb": s["peak_rss_mb"],
                    "size": size,
                    "ok": s["returncode"] == 0,
                }
            )
    out = {}
    for stage, rows in table.items():
        steps = []
        for a, b in zip(rows, rows[1:], strict=False):
            steps.append(
                {
                    "from": a["factor"],
                    "to": b["factor"],
                    "data": _ratio(b["size"], a["size"]),
                    "wall": _ratio(b["wall_s"], a["wall_s"]),
                    "work": _ratio(b["work_s"], a["work_s"]),
                    "peak_rss": _ratio(b["peak_rss_mb"], a["peak_rss_mb"]),
                }
            )
        out[stage] = {"points": rows, "ratios": steps}
    return {"factors": [r["factor"] for r in runs], "stages": out}


def print_table(res: dict) -> None:
    print(
        f"\ncivcas bench, factor {res['factor']}  ({res['machine']['cpus']} cpus, "
        f"{res['machine']['memory_gb']} GB)"
    )
    print(f"{'stage':20} {'input':>14} {'wall s':>8} {'work s':>8} {'cpu s':>8} {'peak MB':>8}")
    for s in res["stages"]:
        f = s["figures"]
        size = f.get("rows") or f.get("documents") or f.get("nodes") or ""
        unit = (
            "rows"
            if f.get("rows")
            else "docs"
            if f.get("documents")
            else "nodes"
            if f.get("nodes")
            else ""
        )
        flag = "" if s["returncode"] == 0 else "  FAILED"
        if "published" in f:
            size, unit = f["materializations"], "assets"
            flag += "" if f["published"] else "  (not published)"
        work = f"{s['work_s']:.2f}" if s["work_s"] is not None else "-"
        print(
            f"{s['stage']:20} {f'{size:,} {unit}' if size else '':>14} {s['wall_s']:8.2f} "
            f"{work:>8} {s['cpu_s']:8.2f} {s['peak_rss_mb']:8.0f}{flag}"
        )
    print("ratios:")
    for k, v in res["ratios"].items():
        print(f"  {k:42} {v}")
    print("targets:")
    for k, v in res["targets"].items():
        met = {True: "met", False: "NOT met", None: "not measured"}[v["met"]]
        print(f"  {k:42} {v['value']!s:>10} ({v['target']}): {met}")


def write(res: dict, out_dir: Path, name: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    path.write_text(json.dumps(res, indent=1, default=str) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--factor", type=int, default=1)
    p.add_argument("--stages", nargs="+", default=None, help=f"subset of: {' '.join(ORDER)}")
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--growth", action="store_true", help="run every --factors, report ratios")
    p.add_argument("--factors", default="1,10,100")
    p.add_argument(
        "--from-results",
        nargs="+",
        type=Path,
        default=None,
        help="with --growth: combine these result JSONs instead of running",
    )
    p.add_argument(
        "--no-needs",
        action="store_true",
        help="run exactly --stages, on what an earlier run left in the work folder",
    )
    a = p.parse_args(argv)
    stages = (a.stages if a.no_needs else with_needs(a.stages)) if a.stages else ORDER
    for s in stages:
        if s not in ORDER:
            raise SystemExit(f"unknown stage {s!r}; stages: {', '.join(ORDER)}")

    def log(msg, **kw):
        print(msg, **kw, file=sys.stderr)

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if a.growth:
        if a.from_results:
            runs = [json.loads(f.read_text()) for f in a.from_results]
        else:
            runs = []
            for f in (int(x) for x in a.factors.split(",")):
                log(f"factor {f}")
                res = run_factor(f, stages, log=log)
                print_table(res)
                log(f"wrote {write(res, a.out, f'{stamp}-f{f}.json')}")
                runs.append(res)
        g = growth(runs)
        path = write(g, a.out, f"{stamp}-growth-f{'-'.join(str(f) for f in g['factors'])}.json")
        for stage, v in g["stages"].items():
            for s in v["ratios"]:
                print(
                    f"  {stage:20} f{s['from']}->f{s['to']}: data x{s['data']}, "
                    f"wall x{s['wall']}, peak memory x{s['peak_rss']}"
                )
        log(f"wrote {path}")
        return 0
    log(f"factor {a.factor}: generating and measuring {len(stages)} stages")
    res = run_factor(a.factor, stages, log=log)
    print_table(res)
    log(f"wrote {write(res, a.out, f'{stamp}-f{a.factor}.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
