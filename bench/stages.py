"""Each measured stage, run alone in a child process so its time and peak memory are its own.

`python -m bench.stages NAME PARAMS.json RESULT.json`: the child reads its settings from the
environment the harness gives it (CIVCAS_HOME, CIVCAS_SOURCES), does one stage, and writes
what it processed plus `work_s`, the seconds spent on the work itself (imports excluded).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ingestion.settings import PROJECT_ROOT, Settings

DBT_DIR = PROJECT_ROOT / "dbt_project"
BUILD_NAME = "warehouse-bench.duckdb"
# One pass of the text through one compiled expression: every run of digits, any script.
FLOOR_RE = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+")


def _settings() -> Settings:
    return Settings.from_env()


def _registry(settings: Settings):
    from ingestion.registry import load_registry

    return load_registry(settings)


def _lake(settings: Settings):
    from ingestion.lake import open_lake

    return open_lake(settings)


def build_path(settings: Settings) -> Path:
    return settings.build_dir / BUILD_NAME


# Stages over the lake ------------------------------------------------------------------
def fetch(params: dict) -> dict:
    from ingestion.fetch import fetch_source

    settings = _settings()
    lake, reg = _lake(settings), _registry(settings)
    t0 = time.perf_counter()
    docs = size = 0
    per = {}
    for src in reg.sources:
        s0 = time.perf_counter()
        s = fetch_source(src, lake, settings)
        docs, size = docs + s.documents, size + s.bytes
        per[src.name] = {
            "documents": s.documents,
            "bytes": s.bytes,
            "wall_s": round(time.perf_counter() - s0, 3),
        }
    return {"work_s": time.perf_counter() - t0, "documents": docs, "bytes": size, "per_source": per}


def stage(params: dict) -> dict:
    from ingestion.staging import assemble_staged, stage_source

    settings = _settings()
    lake, reg = _lake(settings), _registry(settings)
    only = set(params.get("sources") or [])
    t0 = time.perf_counter()
    per, rows, errors = {}, {}, {}
    for src in reg.sources:
        if only and src.name not in only:
            continue
        s0 = time.perf_counter()
        try:
            s = stage_source(src, lake, force=True)  # measure parsing, never the skip
        except Exception as e:  # a missing parser must not stop the measurement of the rest
            errors[src.name] = f"{type(e).__name__}: {e}"[:300]
            continue
        per[src.name] = {
            "documents": s.documents,
            "rows": s.rows,
            "status": s.status,
            "failed_documents": len(s.failed_documents),
            "wall_s": round(time.perf_counter() - s0, 3),
        }
        for t, n in s.rows.items():
            rows[t] = rows.get(t, 0) + n
    if not only:
        assemble_staged(reg, lake)
    staged_bytes = sum(p.stat().st_size for p in Path(settings.staged_uri).rglob("*.parquet"))
    facts = sum(n for t, n in rows.items() if t not in {"findings", "quarantine"})
    return {
        "work_s": time.perf_counter() - t0,
        "rows": facts,
        "rows_by_table": rows,
        "bytes": staged_bytes,
        "per_source": per,
        "errors": errors,
    }


def floor_count(params: dict) -> dict:
    """The physical floor: DuckDB counting the same staged Parquet, one query per table."""
    import duckdb

    from ingestion.schemas import STAGED

    settings = _settings()
    staged = Path(settings.staged_uri)
    con = duckdb.connect()
    t0 = time.perf_counter()
    counts = {}
    for table in STAGED:
        if not list((staged / table).glob("*.parquet")):
            continue
        q = f"select count(*) from read_parquet('{staged / table}/*.parquet', union_by_name=true)"
        counts[table] = con.execute(q).fetchone()[0]
    work = time.perf_counter() - t0
    facts = sum(n for t, n in counts.items() if t not in {"findings", "quarantine"})
    return {"work_s": work, "rows": facts, "rows_by_table": counts}


def floor_raw_csv(params: dict) -> dict:
    """A second floor: DuckDB counting the rows of the scaled CSV inputs themselves."""
    import duckdb

    con = duckdb.connect()
    t0 = time.perf_counter()
    counts, errors, size = {}, {}, 0
    for folder in params["folders"]:
        parts = sorted(Path(folder).glob("part-*.csv"))
        if not parts:
            continue
        enc = "latin-1" if "fakes" in folder else "utf-8"
        n = 0
        for p in parts:
            size += p.stat().st_size
            try:
                n += con.execute(
                    "select count(*) from read_csv(?, header=true, all_varchar=true, "
                    "encoding=?, strict_mode=false, max_line_size=20000000)",
                    [str(p), enc],
                ).fetchone()[0]
            except duckdb.Error as e:
                errors[Path(folder).name] = str(e)[:200]
        counts[Path(folder).name] = n
    return {
        "work_s": time.perf_counter() - t0,
        "rows": sum(counts.values()),
        "bytes": size,
        "rows_by_source": counts,
        "errors": errors,
    }


# Texts ----------------------------------------------------------------------------------
def news_texts(params: dict) -> Iterator[tuple[str, str]]:
    """(doc_id, text) of every news document of the scaled corpus, streamed."""
    import csv

    for folder in params["jsonl"]:
        for p in sorted(Path(folder).glob("part-*.jsonl")):
            with open(p, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        rec = json.loads(line)
                        if rec.get("text"):
                            yield rec["source_id"], rec["text"]
    csv.field_size_limit(1 << 30)
    for folder in params["csv"]:
        for p in sorted(Path(folder).glob("part-*.csv")):
            with open(p, newline="", encoding="latin-1") as f:
                for row in csv.DictReader(f):
                    if row.get("article_content"):
                        yield row["unit_id"], row["article_content"]
    for p in sorted(Path(params["seeds"]).glob("*.txt")) if params.get("seeds") else []:
        yield p.stem, p.read_text(encoding="utf-8")


def extract(params: dict) -> dict:
    from ingestion.claims.extract import extract as run

    run("warm up 3 killed", doc_id="warmup", language="en", published=None)  # lexicon load
    work = cpu = 0.0
    docs = chars = claims = failed = 0
    for doc_id, text in news_texts(params):
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            claims += len(run(text, doc_id=doc_id, language=None, published=None))
        except Exception:  # counted, not fatal: the extractor is measured as it stands
            failed += 1
        work, cpu = work + time.perf_counter() - t0, cpu + time.process_time() - c0
        docs, chars = docs + 1, chars + len(text)
    return {
        "work_s": work,
        "work_cpu_s": cpu,
        "documents": docs,
        "bytes": chars,
        "claims": claims,
        "failed": failed,
    }


def regex_floor(params: dict) -> dict:
    work = cpu = 0.0
    docs = chars = hits = 0
    finditer = FLOOR_RE.finditer
    for _, text in news_texts(params):
        t0, c0 = time.perf_counter(), time.process_time()
        hits += sum(1 for _ in finditer(text))
        work, cpu = work + time.perf_counter() - t0, cpu + time.process_time() - c0
        docs, chars = docs + 1, chars + len(text)
    return {"work_s": work, "work_cpu_s": cpu, "documents": docs, "bytes": chars, "matches": hits}


# Checks, dbt, publish ---------------------------------------------------------------------
def checks(params: dict) -> dict:
    from expectations.suites import staged_table_suite
    from ingestion.schemas import STAGED
    from ingestion.staging import scan_staged

    settings = _settings()
    lake = _lake(settings)
    t0 = time.perf_counter()
    rows, failed = 0, {}
    for table in STAGED:  # as the pipeline audits: a lazy scan, never the whole table loaded
        outcome = staged_table_suite(table, scan_staged(table, lake))
        rows += outcome.rows
        if outcome.errors or outcome.warnings:
            failed[table] = {"errors": len(outcome.errors), "warnings": len(outcome.warnings)}
    return {
        "work_s": time.perf_counter() - t0,
        "rows": rows,
        "tables": len(STAGED),
        "tables_failing": failed,
    }


def dbt_build(params: dict) -> dict:
    import subprocess

    settings = _settings()
    build = build_path(settings)
    build.parent.mkdir(parents=True, exist_ok=True)
    for p in build.parent.glob(BUILD_NAME + "*"):
        p.unlink()
    target = Path(params["target_path"])
    env = dict(os.environ) | settings.dbt_env(build)
    exe = str(Path(sys.executable).with_name("dbt"))
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            exe,
            "build",
            "--target",
            settings.dbt_target,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
            "--quiet",
        ],
        env=env,
        cwd=DBT_DIR,
        capture_output=True,
        text=True,
    )
    work = time.perf_counter() - t0
    statuses: dict[str, int] = {}
    took: dict[str, float] = {}
    rr = target / "run_results.json"
    if rr.exists():
        for r in json.loads(rr.read_text())["results"]:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
            took[r["unique_id"]] = r.get("execution_time") or 0.0
    return {
        "work_s": work,
        "returncode": proc.returncode,
        "nodes": sum(statuses.values()),
        "nodes_s": round(sum(took.values()), 2),
        "slowest": {k: round(v, 2) for k, v in sorted(took.items(), key=lambda kv: -kv[1])[:5]},
        "statuses": statuses,
        "bytes": build.stat().st_size if build.exists() else 0,
        "stderr_tail": (proc.stderr or proc.stdout)[-400:] if proc.returncode else "",
    }


def _ordered_nodes(manifest: dict, kinds: set[str]) -> list[dict]:
    nodes = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] in kinds}
    done, order = set(), []

    def visit(uid: str, stack=()):
        if uid in done or uid not in nodes or uid in stack:
            return
        for dep in nodes[uid]["depends_on"].get("nodes", []):
            visit(dep, (*stack, uid))
        done.add(uid)
        order.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid)
    return order


def dbt_direct(params: dict) -> dict:
    """The SQL dbt compiled, run straight in DuckDB in dependency order, tests included."""
    import duckdb

    settings = _settings()
    target = Path(params["target_path"])
    manifest = json.loads((target / "manifest.json").read_text())
    compiled = {}
    rr = target / "run_results.json"
    for r in json.loads(rr.read_text())["results"] if rr.exists() else []:
        if r.get("compiled_code"):
            compiled[r["unique_id"]] = r["compiled_code"]
    out = Path(params["direct_dir"]) / BUILD_NAME  # same file name: same catalog name in SQL
    out.parent.mkdir(parents=True, exist_ok=True)
    for p in out.parent.glob(BUILD_NAME + "*"):
        p.unlink()
    os.environ.update(settings.dbt_env(out))
    nodes = _ordered_nodes(manifest, {"seed", "model", "test"})
    t0 = time.perf_counter()
    con = duckdb.connect(
        str(out),
        config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"},
    )
    done = {"seed": 0, "model": 0, "test": 0}
    failing_tests, errors, took = 0, {}, {}
    for n in nodes:
        n0 = time.perf_counter()
        kind = n["resource_type"]
        schema = n["schema"]
        rel = f'"{schema}"."{n.get("alias") or n["name"]}"'
        try:
            con.execute(f'create schema if not exists "{schema}"')
            if kind == "seed":
                path = DBT_DIR / n["original_file_path"]
                types = (n.get("config") or {}).get("column_types") or {}
                con.execute(
                    f"create or replace table {rel} as select * from read_csv(?, header=true)",
                    [str(path)],
                )
                for col, typ in types.items():
                    con.execute(f'alter table {rel} alter "{col}" type {typ}')
            elif kind == "model":
                sql = compiled.get(n["unique_id"]) or n.get("compiled_code")
                if not sql:
                    raise ValueError("no compiled SQL")
                mat = n["config"].get("materialized", "view")
                what = "view" if mat == "view" else "table"
                con.execute(f"create or replace {what} {rel} as {sql}")
            else:
                sql = compiled.get(n["unique_id"]) or n.get("compiled_code")
                if not sql:
                    continue
                failing_tests += con.execute(f"select count(*) > 0 from ({sql})").fetchone()[0]
            done[kind] += 1
        except (duckdb.Error, ValueError) as e:
            errors[n["unique_id"]] = str(e)[:200]
        took[n["unique_id"]] = time.perf_counter() - n0
    con.execute("checkpoint")
    con.close()
    work = time.perf_counter() - t0
    return {
        "work_s": work,
        "nodes": sum(done.values()),
        "by_kind": done,
        "failing_tests": failing_tests,
        "errors": dict(list(errors.items())[:10]),
        "error_count": len(errors),
        "bytes": out.stat().st_size,
        "slowest": {k: round(v, 2) for k, v in sorted(took.items(), key=lambda kv: -kv[1])[:5]},
    }


def publish(params: dict) -> dict:
    from orchestration.publish import publish as run

    settings = _settings()
    build = build_path(settings)
    t0 = time.perf_counter()
    pub = run(build, settings, _lake(settings))
    return {
        "work_s": time.perf_counter() - t0,
        "rows": sum(pub.tables.values()),
        "tables": len(pub.tables),
        "exports": len(pub.exports),
        "bytes": pub.warehouse.stat().st_size,
    }


# Side by side: the common pandas way ---------------------------------------------------------
def pandas_baseline(params: dict) -> dict:
    """Airwars incidents and strike releases the way most people would: pandas end to end,
    row-wise `apply` for what has no vectorised form. The transforms are ours (same date
    rules, count ranges, carry-forward within file and page, gazetteer places), so the two
    outputs can be compared: see `outputs` beside ours_two_sources'."""
    import pandas as pd

    from ingestion.coalition.strikes import COUNTRY, _count, _place, parse_strike_date
    from ingestion.ngo.incident_rows import parse_iso_date

    out = Path(params["out_dir"])
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rows = size = 0
    inc = []
    for p in sorted(Path(params["incidents"]).glob("part-*.csv")):
        size += p.stat().st_size
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        df["date_start"] = df["incident_date"].apply(lambda v: parse_iso_date(v)[0])
        for c in ("civilian_deaths", "civilian_injuries"):
            bounds = df[c + "_min"].apply(_safe_count)
            df[c + "_min"] = bounds.str[0]
            df[c + "_max"] = df[c + "_max"].apply(_safe_count).str[1]
        df["grading"] = df["grading"].str.strip().replace("", None)
        df["location_en"] = df["location_en"].str.strip().str.replace(r"\s+", " ", regex=True)
        inc.append(df)
    incidents = pd.concat(inc, ignore_index=True)
    rows += len(incidents)
    incidents = incidents[incidents["incident_code"].str.strip() != ""].drop_duplicates(
        "incident_code"
    )
    incidents.to_parquet(out / "incidents.parquet", index=False)
    monthly = (
        incidents.assign(
            month=pd.to_datetime(incidents["date_start"]).dt.to_period("M").astype(str)
        )
        .groupby(["month", "grading"], dropna=False)
        .agg(
            incidents=("incident_code", "size"),
            deaths_min=("civilian_deaths_min", "sum"),
            deaths_max=("civilian_deaths_max", "sum"),
        )
        .reset_index()
    )
    monthly.to_parquet(out / "incidents_monthly.parquet", index=False)
    strikes = []
    for p in sorted(Path(params["strikes"]).glob("part-*.csv")):
        size += p.stat().st_size
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        file_day = pd.to_datetime(df["source_file"].str[:10], errors="coerce")
        df["file_day"] = file_day.dt.date
        df["date_stated"] = df.apply(
            lambda r: parse_strike_date(r["date"] or None, r["file_day"] or None), axis=1
        )
        df["strike_count"] = df["strike_count"].apply(_count)
        df["target_count"] = df["target_count"].apply(_count)
        blank = {c: df[c].str.strip() == "" for c in ("location", "target_type", "effect")}
        df["country_stated"] = df["country"].str.strip().str.lower().map(COUNTRY)
        block = df.groupby(["source_file", "page"], dropna=False)
        df["date_on_page"] = block["date_stated"].ffill()
        df["country_carried"] = block["country_stated"].ffill()
        df["date_day"] = df["date_on_page"].fillna(
            df.groupby("source_file")["date_on_page"].ffill()
        )
        place = df.apply(
            lambda r: _place(r["location"] or None, r["country_carried"] or None), axis=1
        )
        df["place_key"] = place.str[0]
        df["country"] = df["country_stated"].fillna(place.str[2]).fillna(df["country_carried"])
        df["is_daily_total"] = (
            blank["location"]
            & blank["target_type"]
            & df["target_count"].isna()
            & blank["effect"]
            & df["strike_count"].notna()
            & df["country_stated"].notna()
        )
        strikes.append(df.drop(columns=["file_day"]))
    strikes_df = pd.concat(strikes, ignore_index=True)
    rows += len(strikes_df)
    strikes_df.to_parquet(out / "strikes.parquet", index=False)
    daily = (
        strikes_df[~strikes_df["is_daily_total"]]
        .groupby(["date_day", "country", "place_key"], dropna=False)
        .agg(strikes=("strike_count", "sum"))
        .reset_index()
    )
    daily.to_parquet(out / "strikes_daily.parquet", index=False)
    return {
        "work_s": time.perf_counter() - t0,
        "rows": rows,
        "bytes": size,
        "outputs": {"incidents_monthly": len(monthly), "strikes_daily": len(daily)},
    }


def _safe_count(value) -> tuple[int | None, int | None]:
    from ingestion.ngo.incident_rows import parse_count

    try:
        return parse_count(value)
    except ValueError:
        return None, None


def ours_two_sources(params: dict) -> dict:
    """The same two sources our way: Polars parsers to staged Parquet, then DuckDB SQL."""
    result = stage({"sources": ["airwars_incidents", "coalition_strike_releases"]})
    import duckdb

    settings = _settings()
    staged = Path(settings.staged_uri)
    out = Path(params["out_dir"])
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    con = duckdb.connect()
    inc = staged / "airwars_incidents" / "airwars_incidents.parquet"
    stk = staged / "coalition_strikes" / "coalition_strike_releases.parquet"
    outputs = {}
    if inc.exists():
        con.execute(f"""copy (select date_trunc('month', date_start) as month, grading,
            count(*) as incidents, sum(civilian_deaths_min) as deaths_min,
            sum(civilian_deaths_max) as deaths_max
            from (select distinct on (incident_code) * from read_parquet('{inc}'))
            group by all) to '{out}/incidents_monthly.parquet' (format parquet)""")
        outputs["incidents_monthly"] = con.execute(
            f"select count(*) from '{out}/incidents_monthly.parquet'"
        ).fetchone()[0]
    if stk.exists():
        con.execute(f"""copy (select date_day, country, place_key, sum(strike_count) as strikes
            from read_parquet('{stk}') where not is_daily_total group by all)
            to '{out}/strikes_daily.parquet' (format parquet)""")
        outputs["strikes_daily"] = con.execute(
            f"select count(*) from '{out}/strikes_daily.parquet'"
        ).fetchone()[0]
    sql_s = time.perf_counter() - t0
    return {
        "work_s": result["work_s"] + sql_s,
        "parse_s": result["work_s"],
        "sql_s": sql_s,
        "rows": result["rows"],
        "per_source": result["per_source"],
        "errors": result["errors"],
        "outputs": outputs,
    }


# Whole pipeline ----------------------------------------------------------------------------
def pipeline(params: dict) -> dict:
    from orchestration.cli import failed_checks, published_in, run_pipeline

    settings = _settings()
    t0 = time.perf_counter()
    result = run_pipeline(settings, quiet=True)
    work = time.perf_counter() - t0
    failed_steps = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    mats = sum(1 for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION")
    skipped = sum(1 for e in result.all_events if e.event_type_value == "STEP_SKIPPED")
    return {
        "work_s": work,
        "published": published_in(result),
        "success": result.success,
        "materializations": mats,
        "steps_skipped": skipped,
        "failed_steps": failed_steps,
        "failed_checks": failed_checks(result)[:20],
    }


STAGES = {
    "fetch": fetch,
    "stage": stage,
    "floor_count": floor_count,
    "floor_raw_csv": floor_raw_csv,
    "extract": extract,
    "regex_floor": regex_floor,
    "checks": checks,
    "dbt_build": dbt_build,
    "dbt_direct": dbt_direct,
    "publish": publish,
    "pandas_baseline": pandas_baseline,
    "ours_two_sources": ours_two_sources,
    "pipeline": pipeline,
}


def main(argv: list[str]) -> int:
    name, params_file, result_file = argv
    params = json.loads(Path(params_file).read_text())
    out = STAGES[name](params)
    Path(result_file).write_text(json.dumps(out, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
