"""Fetch a source's documents into the raw zone, unchanged, and record what the source holds now."""

from __future__ import annotations

import fnmatch
import json
import logging
import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from ingestion.http import HttpFetcher
from ingestion.lake import Lake, http_state_key, manifest_key, raw_meta_key
from ingestion.parsing import RawDocument
from ingestion.registry import Source
from ingestion.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class FetchSummary:
    source: str
    documents: int
    new_objects: int
    bytes: int
    not_modified: int
    manifest: list[dict]


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _file_docs(source: Source):
    """Yield (name, location, bytes, per-file metadata) for a file:// location."""
    root = Path(source.location[len("file://") :])
    if not root.exists():
        raise FileNotFoundError(f"source {source.name}: {root} does not exist")
    if root.is_file():
        yield root.name, str(root), root.read_bytes(), {}
        return
    meta = {}
    mfile = root / "metadata.json"
    if mfile.exists():
        for entry in json.loads(mfile.read_text(encoding="utf-8")):
            meta[entry.get("file") or entry.get("doc_id")] = entry
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name == "metadata.json" or p.name.startswith("."):
            continue
        rel = str(p.relative_to(root))
        if not fnmatch.fnmatch(rel, source.pattern) and not fnmatch.fnmatch(p.name, source.pattern):
            continue
        yield rel, str(p), p.read_bytes(), meta.get(p.name) or meta.get(p.stem) or {}


def _s3_docs(source: Source, settings: Settings):
    bucket, _, prefix = source.location[5:].partition("/")
    client = settings.s3_client()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            name = key[len(prefix) :].lstrip("/") or key.rsplit("/", 1)[-1]
            if not fnmatch.fnmatch(name, source.pattern):
                continue
            body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            yield name, f"s3://{bucket}/{key}", body, {}


def fetch_source(
    source: Source, lake: Lake, settings: Settings, fetcher: HttpFetcher | None = None
) -> FetchSummary:
    manifest, new, total, not_modified = [], 0, 0, 0
    state_key = http_state_key(source.name)
    if source.scheme in {"http", "https"} or source.crawler:
        fetcher = fetcher or HttpFetcher(
            timeout=settings.http_timeout, min_interval=settings.http_min_interval
        )
    if source.crawler:
        crawl = source.crawler_function()
        res = crawl(
            list(source.urls or (source.location,)), lake, source=source.name, fetcher=fetcher
        )
        for f in res.failures:
            log.warning("source %s: %s", source.name, f)
        return FetchSummary(
            source.name,
            len(res.manifest),
            res.new_objects,
            res.bytes,
            res.not_modified,
            res.manifest,
        )
    if source.scheme in {"http", "https"}:
        state = lake.read_json(state_key) if lake.exists(state_key) else {}
        previous = {
            d["location"]: d
            for d in (
                lake.read_json(manifest_key(source.name))
                if lake.exists(manifest_key(source.name))
                else []
            )
        }
        urls = source.urls or (source.location,)
        for url in urls:
            st = state.get(url, {}) if url in previous else {}  # no copy kept: ask plainly
            res = fetcher.get(url, etag=st.get("etag"), last_modified=st.get("last_modified"))
            if res.not_modified:
                not_modified += 1
                manifest.append(previous[url])
                continue
            sha, wrote = lake.store_raw(
                res.data, source=source.name, location=url, content_type=res.content_type
            )
            new += wrote
            total += len(res.data)
            state[url] = {"etag": res.etag, "last_modified": res.last_modified}
            name = Path(urlsplit(url).path).name or "index.html"
            manifest.append(
                {
                    "sha256": sha,
                    "name": name,
                    "location": url,
                    "content_type": res.content_type,
                    "bytes": len(res.data),
                    "metadata": {"url": url},
                }
            )
        lake.write_json(state_key, state)
    else:
        docs = _file_docs(source) if source.scheme == "file" else _s3_docs(source, settings)
        for name, location, data, meta in docs:
            ctype = _content_type(name)
            sha, wrote = lake.store_raw(
                data, source=source.name, location=location, content_type=ctype
            )
            new += wrote
            total += len(data)
            manifest.append(
                {
                    "sha256": sha,
                    "name": name,
                    "location": location,
                    "content_type": ctype,
                    "bytes": len(data),
                    "metadata": meta,
                }
            )
    if not manifest:
        raise FileNotFoundError(
            f"source {source.name}: nothing matched {source.pattern!r} at {source.location}"
        )
    lake.write_json(manifest_key(source.name), manifest)
    return FetchSummary(source.name, len(manifest), new, total, not_modified, manifest)


def raw_documents(source: Source, lake: Lake) -> list[RawDocument]:
    """The source's current documents, read back from the raw zone by content address."""
    return list(iter_raw_documents(source, lake))


def iter_raw_documents(source: Source, lake: Lake):
    """One document's bytes in memory at a time, however many the source holds."""
    for entry in lake.read_json(manifest_key(source.name)):
        yield raw_document(source, lake, entry)


def raw_document(source: Source, lake: Lake, entry: dict) -> RawDocument:
    """A manifest entry's document, read back from the raw zone by its content address."""
    fetched = lake.read_json(raw_meta_key(source.name, entry["sha256"]))
    return RawDocument(
        sha256=entry["sha256"],
        source=source.name,
        family=source.family,
        location=entry["location"],
        name=entry["name"],
        content_type=entry["content_type"],
        fetched_at=datetime.fromisoformat(fetched["fetched_at"]).astimezone(UTC),
        data=lake.read_raw(entry["sha256"]),
        metadata=entry.get("metadata") or {},
    )
