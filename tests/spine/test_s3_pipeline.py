"""The same materialization with the lake on a real S3 server: boto3 (raw zone), Polars (staged
Parquet) and DuckDB/dbt-duckdb (reading staged Parquet over httpfs) all go through HTTP."""

from __future__ import annotations

import dataclasses
import hashlib

import duckdb
import yaml

from expectations.contract import CONTRACT, MARTS
from ingestion.lake import S3Lake, open_lake
from ingestion.settings import PROJECT_ROOT
from orchestration.cli import failed_checks, published_in, run_pipeline


def test_full_run_on_s3(civcas_env, s3_server, s3_bucket, tmp_path):
    settings = civcas_env(CIVCAS_HOME=str(tmp_path / "home"), **s3_server.env(s3_bucket, "lake"))
    client = settings.s3_client()
    # one source is itself read from s3:// (documents dropped in a bucket by another system)
    reg = yaml.safe_load((PROJECT_ROOT / "ingestion/registries/sample.yaml").read_text())
    news = next(s for s in reg["sources"] if s["family"] == "news")
    folder = PROJECT_ROOT / "ingestion/sample/news"
    for p in folder.iterdir():
        client.put_object(Bucket=s3_bucket, Key=f"incoming/news/{p.name}", Body=p.read_bytes())
    news["location"] = f"s3://{s3_bucket}/incoming/news/"
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(reg))
    settings = dataclasses.replace(settings, sources=str(path))

    result = run_pipeline(settings, quiet=True)
    assert result.success, failed_checks(result)
    assert published_in(result)

    lake = open_lake(settings)
    assert isinstance(lake, S3Lake)
    keys = lake.list("raw/sha256/")
    assert keys
    for key in keys:  # content-addressed, read back through boto3
        body = client.get_object(Bucket=s3_bucket, Key=f"lake/{key}")["Body"].read()
        assert hashlib.sha256(body).hexdigest() == key.rsplit("/", 1)[-1]
    staged = lake.list("staged/coalition_monthly_reports/")
    assert any(k.endswith("sample_coalition_monthly.parquet") for k in staged)
    for mart in MARTS:
        assert lake.exists(f"marts/{mart}.parquet")
    # DuckDB reads the exported mart straight from S3 with the same settings
    con = settings.duckdb_connect()
    n = con.execute(
        f"select count(*) from read_parquet('{lake.uri('marts/mart_coalition_admissions.parquet')}')"
    ).fetchone()[0]
    con.close()
    wh = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert wh.execute("select count(*) from mart_coalition_admissions").fetchone()[0] == n > 0
    assert {
        t for (t,) in wh.execute("select table_name from information_schema.tables").fetchall()
    } >= set(CONTRACT)
    assert wh.execute("select count(*) from dim_document").fetchone()[0] > 0
    wh.close()
