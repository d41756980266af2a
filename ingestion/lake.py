"""The lake: one small interface over a local folder or an S3 bucket.

Zones: `raw/` (content-addressed, immutable), `staged/` (Parquet by Polars), `marts/`
(Parquet exports of the published marts). Every write is atomic, so a reader never sees half
a file: local writes go to a hidden temp name and are renamed; S3 objects appear only when
their upload completes.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from ingestion.settings import Settings


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def raw_key(sha: str) -> str:
    return f"raw/sha256/{sha[:2]}/{sha}"


def raw_meta_key(source: str, sha: str) -> str:
    return f"raw/fetches/{source}/{sha}.json"


def manifest_key(source: str) -> str:
    return f"raw/manifests/{source}.json"


def http_state_key(source: str) -> str:
    """ETag/Last-Modified per URL, for conditional GET on the next fetch."""
    return f"raw/http_state/{source}.json"


class Lake(ABC):
    """Keys are '/'-separated paths relative to the lake root."""

    root: str

    @abstractmethod
    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None: ...

    @abstractmethod
    def get_bytes(self, key: str) -> bytes: ...

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def list(self, prefix: str) -> list[str]: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    @abstractmethod
    def write_parquet(self, key: str, df: pl.DataFrame) -> None: ...

    @abstractmethod
    def sink_parquet(self, key: str, sources: list[str]) -> None:
        """Parquet files of one schema written as one, streamed."""

    @abstractmethod
    def uri(self, key: str) -> str:
        """Where DuckDB and Polars find the key."""

    @abstractmethod
    def storage_options(self) -> dict | None: ...

    # Raw zone -----------------------------------------------------------------------
    def store_raw(
        self,
        data: bytes,
        *,
        source: str,
        location: str,
        content_type: str,
        extra: dict | None = None,
    ) -> tuple[str, bool]:
        """Store bytes under their sha256; returns (sha, whether anything new was written)."""
        sha = sha256_hex(data)
        wrote = False
        if not self.exists(raw_key(sha)):
            self.put_bytes(raw_key(sha), data, content_type)
            wrote = True
        mkey = raw_meta_key(source, sha)
        if not self.exists(mkey):
            meta = {
                "sha256": sha,
                "source": source,
                "location": location,
                "fetched_at": datetime.now(UTC).isoformat(),
                "content_type": content_type,
                "bytes": len(data),
            } | (extra or {})
            self.put_bytes(mkey, json.dumps(meta, ensure_ascii=False).encode(), "application/json")
            wrote = True
        return sha, wrote

    def read_raw(self, sha: str) -> bytes:
        data = self.get_bytes(raw_key(sha))
        if sha256_hex(data) != sha:
            raise ValueError(f"raw object {sha} does not match its content address")
        return data

    def read_json(self, key: str):
        return json.loads(self.get_bytes(key))

    def write_json(self, key: str, obj) -> None:
        self.put_bytes(
            key,
            json.dumps(obj, ensure_ascii=False, default=str, indent=1).encode(),
            "application/json",
        )

    def read_parquet(self, key: str) -> pl.DataFrame:
        return pl.read_parquet(self.uri(key), storage_options=self.storage_options())


class LocalLake(Lake):
    def __init__(self, root: str | Path):
        self.root = str(Path(root).resolve())
        Path(self.root).mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        p = Path(self.root, key)
        if ".." in Path(key).parts:
            raise ValueError(f"key escapes the lake: {key}")
        return p

    def _tmp(self, final: Path) -> Path:
        # Hidden and without the final suffix, so no glob of *.parquet ever matches it.
        return final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._tmp(final)
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)

    def get_bytes(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def list(self, prefix: str) -> list[str]:
        base = self._path(prefix)
        if not base.exists():
            return []
        if base.is_file():
            return [prefix]
        return sorted(
            str(p.relative_to(self.root)).replace(os.sep, "/")
            for p in base.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def write_parquet(self, key: str, df: pl.DataFrame) -> None:
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._tmp(final)
        try:
            df.write_parquet(tmp)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)

    def sink_parquet(self, key: str, sources: list[str]) -> None:
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._tmp(final)
        try:
            pl.scan_parquet(sources).sink_parquet(tmp)  # in batches, never all rows at once
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)

    def uri(self, key: str) -> str:
        return str(self._path(key))

    def storage_options(self) -> dict | None:
        return None


class S3Lake(Lake):
    def __init__(self, uri: str, settings: Settings):
        if not uri.startswith("s3://"):
            raise ValueError(f"not an s3:// URI: {uri}")
        bucket, _, prefix = uri[5:].partition("/")
        if not bucket:
            raise ValueError(f"no bucket in {uri}")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.root = uri.rstrip("/")
        self.settings = settings
        self.client = settings.s3_client()

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, **extra)

    def get_bytes(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise

    def list(self, prefix: str) -> list[str]:
        out = []
        strip = len(self.prefix) + 1 if self.prefix else 0
        pager = self.client.get_paginator("list_objects_v2")
        for page in pager.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            out.extend(o["Key"][strip:] for o in page.get("Contents", []))
        return sorted(out)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def write_parquet(self, key: str, df: pl.DataFrame) -> None:
        # Polars writes through object_store with the same endpoint and keys as boto3; the
        # object becomes visible only when the (multipart) upload completes.
        df.write_parquet(self.uri(key), storage_options=self.storage_options())

    def sink_parquet(self, key: str, sources: list[str]) -> None:
        opts = self.storage_options()  # visible only when the multipart upload completes
        pl.scan_parquet(sources, storage_options=opts).sink_parquet(
            self.uri(key), storage_options=opts
        )

    def uri(self, key: str) -> str:
        return f"{self.root}/{key}"

    def storage_options(self) -> dict | None:
        return self.settings.s3.polars_storage_options()


def open_lake(settings: Settings) -> Lake:
    if settings.is_s3:
        return S3Lake(settings.lake, settings)
    return LocalLake(settings.lake)
