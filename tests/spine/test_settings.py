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
