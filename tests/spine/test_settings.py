import os
from pathlib import Path

import pytest

from ingestion.settings import PROJECT_ROOT, Settings


def test_defaults_are_the_embedded_lake():
    s = Settings.from_env({})
    assert s.home == PROJECT_ROOT / ".civcas"
    assert s.lake == str(PROJECT_ROOT / ".civcas" / "lake")
    assert s.warehouse_path == PROJECT_ROOT / ".civcas" / "warehouse.duckdb"
    assert s.shared == (PROJECT_ROOT.parent / "shared")
    assert s.sources == "sample" and s.registry_path.name == "sample.yaml"
    assert not s.is_s3 and s.duckdb_setup_sql() == []


def test_one_object_feeds_boto3_polars_and_duckdb_alike():
    s = Settings.from_env(
        {
            "CIVCAS_LAKE": "s3://bucket/prefix",
            "CIVCAS_S3_ENDPOINT": "http://127.0.0.1:9000",
            "CIVCAS_S3_REGION": "eu-north-1",
            "CIVCAS_S3_ACCESS_KEY_ID": "AK",
            "CIVCAS_S3_SECRET_ACCESS_KEY": "SK",
            "CIVCAS_S3_URL_STYLE": "path",
            "CIVCAS_S3_USE_SSL": "false",
        }
    )
    b = s.s3.boto3_kwargs()
    assert b["endpoint_url"] == "http://127.0.0.1:9000" and b["region_name"] == "eu-north-1"
    assert b["aws_access_key_id"] == "AK" and b["use_ssl"] is False
    assert b["config"].s3["addressing_style"] == "path"
    p = s.polars_storage_options()
    assert p["aws_endpoint_url"] == "http://127.0.0.1:9000" and p["aws_region"] == "eu-north-1"
    assert p["aws_allow_http"] == "true" and p["aws_virtual_hosted_style_request"] == "false"
    sql = s.s3.duckdb_secret_sql()
    assert "ENDPOINT '127.0.0.1:9000'" in sql and "REGION 'eu-north-1'" in sql
    assert "USE_SSL false" in sql and "URL_STYLE 'path'" in sql and "KEY_ID 'AK'" in sql
    env = s.dbt_env(Path("/tmp/w.duckdb"))
    assert env["CIVCAS_DUCKDB_S3_ENDPOINT"] == "127.0.0.1:9000"
    assert env["CIVCAS_STAGED_URI"] == "s3://bucket/prefix/staged" and s.dbt_target == "s3"


def test_bad_settings_fail_clearly():
    with pytest.raises(ValueError, match="URL_STYLE"):
        Settings.from_env({"CIVCAS_S3_URL_STYLE": "sideways"})
    with pytest.raises(ValueError, match="boolean"):
        Settings.from_env({"CIVCAS_S3_USE_SSL": "perhaps"})


def test_settings_round_trip_through_the_environment():
    s = Settings.from_env(
        {
            "CIVCAS_HOME": "/tmp/h",
            "CIVCAS_LAKE": "s3://b/p",
            "CIVCAS_SOURCES": "corpus",
            "CIVCAS_S3_ENDPOINT": "http://127.0.0.1:9",
            "CIVCAS_S3_ACCESS_KEY_ID": "k",
            "CIVCAS_S3_SECRET_ACCESS_KEY": "s",
            "CIVCAS_S3_USE_SSL": "false",
        }
    )
    assert Settings.from_env(s.to_env()) == s


def test_tls_follows_the_endpoint_scheme_and_a_contradiction_is_refused():
    plain = Settings.from_env({"CIVCAS_S3_ENDPOINT": "http://127.0.0.1:9000"})
    assert plain.s3.use_ssl is False
    assert plain.s3.boto3_kwargs()["endpoint_url"].startswith("http://")
    assert plain.s3.polars_storage_options()["aws_allow_http"] == "true"
    assert "USE_SSL false" in plain.s3.duckdb_secret_sql()
    assert Settings.from_env({"CIVCAS_S3_ENDPOINT": "https://s3.example.org"}).s3.use_ssl
    assert Settings.from_env({}).s3.use_ssl  # AWS itself
    bare = Settings.from_env({"CIVCAS_S3_ENDPOINT": "minio:9000", "CIVCAS_S3_USE_SSL": "0"})
    assert bare.s3.endpoint_url == "http://minio:9000"
    with pytest.raises(ValueError, match="contradicts"):
        Settings.from_env({"CIVCAS_S3_ENDPOINT": "http://127.0.0.1:9000", "CIVCAS_S3_USE_SSL": "1"})
    with pytest.raises(ValueError, match="http"):
        Settings.from_env({"CIVCAS_S3_ENDPOINT": "ftp://127.0.0.1"})


def test_without_keys_dbt_uses_the_credential_chain_as_duckdb_does():
    import yaml

    s = Settings.from_env({"CIVCAS_LAKE": "s3://bucket/lake"})
    assert "PROVIDER credential_chain" in s.s3.duckdb_secret_sql()
    assert s.dbt_target == "s3_chain"
    outputs = yaml.safe_load((PROJECT_ROOT / "dbt_project" / "profiles.yml").read_text())
    secret = outputs["civcas"]["outputs"]["s3_chain"]["secrets"][0]
    assert secret["provider"] == "credential_chain" and "key_id" not in secret
    assert s.dbt_env(Path("/tmp/w.duckdb"))["CIVCAS_DUCKDB_S3_ENDPOINT"] == "s3.amazonaws.com"
    keyed = Settings.from_env({"CIVCAS_LAKE": "s3://b/l", "CIVCAS_S3_ACCESS_KEY_ID": "AK"})
    assert keyed.dbt_target == "s3"


def test_credential_chain_reaches_duckdb_and_dbt(monkeypatch, tmp_path):
    """Keys only in AWS's own places (here its environment variables, as an IAM role would be
    found): the pipeline's DuckDB and dbt both take them through the chain, offline."""
    import subprocess

    from orchestration.dbt_manifest import DBT_DIR, dbt_executable

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example")
    s = Settings.from_env({"CIVCAS_LAKE": "s3://bucket/lake", "CIVCAS_HOME": str(tmp_path)})
    con = s.duckdb_connect()
    assert con.execute("select provider from duckdb_secrets()").fetchall() == [
        ("credential_chain",)
    ]
    con.close()
    env = dict(os.environ) | s.dbt_env(tmp_path / "w.duckdb")
    debug = subprocess.run(
        [dbt_executable(), "debug", "--profiles-dir", str(DBT_DIR), "--project-dir", str(DBT_DIR),
         "--target", s.dbt_target],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert debug.returncode == 0 and "connection ok" in debug.stdout.lower(), debug.stdout[-800:]
