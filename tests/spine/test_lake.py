"""The lake's promises: content addresses, no duplicate objects, no half-written files."""

from __future__ import annotations

import os

import polars as pl
import pytest

from ingestion.lake import LocalLake, S3Lake, open_lake, raw_key, sha256_hex


@pytest.fixture(params=["local", "s3"])
def lake(request, tmp_path, civcas_env):
    """The same promises on the embedded folder and on S3 (SeaweedFS over HTTP)."""
    if request.param == "local":
        return LocalLake(tmp_path / "lake")
    server = request.getfixturevalue("s3_server")
    bucket = request.getfixturevalue("s3_bucket")
    return open_lake(civcas_env(**server.env(bucket, "lake")))


def test_same_bytes_twice_is_one_object(lake):
    sha1, new1 = lake.store_raw(
        b"report text", source="s", location="/a", content_type="text/plain"
    )
    sha2, new2 = lake.store_raw(
        b"report text", source="s", location="/a", content_type="text/plain"
    )
    assert sha1 == sha2 == sha256_hex(b"report text")
    assert new1 is True and new2 is False
    assert lake.list("raw/sha256/") == [raw_key(sha1)]
    meta = lake.read_json(f"raw/fetches/s/{sha1}.json")
    assert meta["bytes"] == len(b"report text") and meta["location"] == "/a"
    assert meta["content_type"] == "text/plain" and meta["fetched_at"]


def test_raw_object_is_verified_on_read(lake):
    sha, _ = lake.store_raw(b"abc", source="s", location="/a", content_type="text/plain")
    lake.put_bytes(raw_key(sha), b"tampered")
    with pytest.raises(ValueError, match="content address"):
        lake.read_raw(sha)


def test_crashed_parquet_write_leaves_nothing_visible(tmp_path, monkeypatch):
    lake = LocalLake(tmp_path / "lake")
    good = pl.DataFrame({"a": [1, 2, 3]})
    lake.write_parquet("staged/t/src.parquet", good)

    def crash(*a, **k):
        raise OSError("disk died mid-rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        lake.write_parquet("staged/t/src.parquet", pl.DataFrame({"a": [9]}))
    with pytest.raises(OSError):
        lake.write_parquet("staged/t/other.parquet", pl.DataFrame({"a": [9]}))
    monkeypatch.undo()
    files = sorted(p.name for p in (tmp_path / "lake" / "staged" / "t").iterdir())
    assert files == ["src.parquet"], "no temp or partial file may remain"
    assert lake.read_parquet("staged/t/src.parquet").equals(good)


def test_s3_lake_content_addressed_over_http(civcas_env, s3_server, s3_bucket):
    settings = civcas_env(**s3_server.env(s3_bucket, "lake"))
    lake = open_lake(settings)
    assert isinstance(lake, S3Lake)
    sha, new = lake.store_raw(
        b"%PDF-1.4 strike release",
        source="s",
        location="https://x/y.pdf",
        content_type="application/pdf",
    )
    _, again = lake.store_raw(
        b"%PDF-1.4 strike release",
        source="s",
        location="https://x/y.pdf",
        content_type="application/pdf",
    )
    assert new and not again
    assert lake.list("raw/sha256/") == [raw_key(sha)]
    assert lake.read_raw(sha) == b"%PDF-1.4 strike release"
    # Polars writes and reads through the same settings
    lake.write_parquet("staged/t/s.parquet", pl.DataFrame({"n": [1, 2]}))
    assert lake.read_parquet("staged/t/s.parquet")["n"].to_list() == [1, 2]
    # and DuckDB (httpfs, loaded from the package, no download) reads it over HTTP
    con = settings.duckdb_connect()
    assert (
        con.execute(
            f"select sum(n) from read_parquet('{lake.uri('staged/t/s.parquet')}')"
        ).fetchone()[0]
        == 3
    )


def test_s3_keys_are_enforced(civcas_env, s3_server, s3_bucket):
    from botocore.exceptions import ClientError

    env = s3_server.env(s3_bucket) | {"CIVCAS_S3_SECRET_ACCESS_KEY": "wrong"}
    lake = open_lake(civcas_env(**env))
    with pytest.raises(ClientError):
        lake.put_bytes("x", b"y")
