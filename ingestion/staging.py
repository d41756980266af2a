"""Run a source's parsers over its raw documents and write the staged zone's Parquet."""

from __future__ import annotations

import hashlib
import json
import traceback
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

from ingestion.fetch import raw_document
from ingestion.fingerprints import tree_hash
from ingestion.lake import Lake, manifest_key
from ingestion.parsing import Finding, ParseResult
from ingestion.redact import withhold_names
from ingestion.registry import Registry, Source
from ingestion.schemas import STAGED, empty

PLACEHOLDER = "_empty.parquet"


def staged_key(table: str, source: str) -> str:
    return f"staged/{table}/{source}.parquet"


@dataclass
class StageSummary:
    source: str
    documents: int
    rows: dict[str, int] = field(default_factory=dict)
    failed_documents: list[tuple[str, str]] = field(default_factory=list)
    status: str = "parsed"
    skipped: bool = False  # unchanged documents and code: the staged files stand
    reused_documents: int = 0  # documents whose rows this code had staged before


def _doc_version(source: Source) -> str:
    payload = json.dumps({"parsers": list(source.parsers), "code": code_version()})
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _doc_prefix(source: Source) -> str:
    return f"staged/_docs/{source.name}/"


def parse_source(
    source: Source, lake: Lake
) -> tuple[dict[str, list[tuple[str, int]]], StageSummary]:
    """Parse each document once per code version, into its own files under staged/_docs/;
    returns those files, with their row counts, per table. A document already parsed by this code is not parsed
    again, so a day's few new releases cost what they hold, not the whole source (the 1% delta
    of issue 7), and only one document's rows are ever held in memory."""
    manifest = lake.read_json(manifest_key(source.name))
    summary = StageSummary(source.name, len(manifest))
    parts: dict[str, list[tuple[str, int]]] = {}  # table -> (file, rows) per document
    if not source.is_parsed:
        summary.status = "not_yet_parsed"
        return parts, summary
    parsers = source.parser_functions()
    version = _doc_version(source)
    for entry in manifest:
        base = f"{_doc_prefix(source)}{version}/{entry['sha256']}"
        if lake.exists(f"{base}/index.json"):
            index = lake.read_json(f"{base}/index.json")
            tables, failed = index["tables"], [tuple(f) for f in index["failed"]]
            summary.reused_documents += 1
        else:
            doc = raw_document(source, lake, entry)
            one, failed = _parse_document(doc, parsers, source)
            frames = {t: df for t, df in one.finalize(source.name).items() if df.height}
            for table, df in frames.items():
                lake.write_parquet(f"{base}/{table}.parquet", df)
            tables = {t: frames[t].height for t in sorted(frames)}
            lake.write_json(f"{base}/index.json", {"tables": tables, "failed": failed})
        for table, rows in tables.items():
            parts.setdefault(table, []).append((f"{base}/{table}.parquet", rows))
        summary.failed_documents.extend(failed)
    _forget_other_documents(source, lake, version, {e["sha256"] for e in manifest})
    return parts, summary


def _parse_document(doc, parsers, source: Source) -> tuple[ParseResult, list[tuple[str, str]]]:
    result, failed = ParseResult(), []
    for parser in parsers:
        try:
            result.merge(parser(doc))
        except Exception as e:  # one unreadable document must not lose the others
            reason = withhold_names(f"{type(e).__name__}: {e}")
            failed.append((doc.name, reason))
            result.findings.append(
                Finding(
                    rule="document_unreadable",
                    entity="document",
                    entity_id=doc.sha256,
                    observed=f"{doc.name}: {reason}"[:500],
                    expected=f"readable by {parser.__module__}.{parser.__name__}",
                    severity="error",
                    source=source.name,
                )
            )
            result.hold_back(
                "documents",
                doc.sha256,
                "document_unreadable",
                reason,
                {
                    "name": doc.name,
                    "location": doc.location,
                    "trace": withhold_names(traceback.format_exc(limit=3)),
                },
                source=source.name,
            )
    return result, failed


def _forget_other_documents(source: Source, lake: Lake, version: str, shas: set[str]) -> None:
    """Rows of documents the source no longer holds, or of older code, are not kept."""
    prefix = _doc_prefix(source)
    for key in lake.list(prefix):
        rest = key[len(prefix) :].split("/")
        if len(rest) < 3 or rest[0] != version or rest[1] not in shas:
            lake.delete(key)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A parser change must reparse everything; a rerun with no change must reparse nothing."""
    return tree_hash(Path(__file__).resolve().parent, {".py", ".yaml", ".yml"}, skip={"sample"})


def _fingerprint(source: Source, lake: Lake) -> str:
    manifest = lake.read_json(manifest_key(source.name))
    payload = {
        "documents": sorted(d["sha256"] for d in manifest),
        "parsers": list(source.parsers),
        "status": source.status,
        "code": code_version(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def stage_source(source: Source, lake: Lake, force: bool = False) -> StageSummary:
    """Parse unless the same documents were already staged by the same code."""
    state_key = f"staged/_state/{source.name}.json"
    fp = _fingerprint(source, lake)
    if not force and lake.exists(state_key):
        state = lake.read_json(state_key)
        if state.get("fingerprint") == fp and all(
            lake.exists(staged_key(t, source.name)) for t in state["summary"]["rows"]
        ):
            summary = StageSummary(**state["summary"])
            summary.skipped = True
            return summary
    parts, summary = parse_source(source, lake)
    for table in STAGED:
        key = staged_key(table, source.name)
        if parts.get(table):
            # streamed from the documents' files: a source of millions of rows never sits
            # whole in memory (issue 7's factor 100 staged 2.5 GB when it did)
            lake.sink_parquet(key, [lake.uri(k) for k, _ in parts[table]])
            summary.rows[table] = sum(rows for _, rows in parts[table])
        elif table in {"findings", "quarantine"}:
            lake.write_parquet(key, empty(table))  # checked: nothing found is a result too
            summary.rows[table] = 0
        elif lake.exists(key):
            lake.delete(key)  # the source no longer produces this table
    lake.write_json(state_key, {"fingerprint": fp, "summary": asdict(summary)})
    return summary


def assemble_staged(registry: Registry, lake: Lake) -> dict[str, dict]:
    """Make every staged table readable (a typed empty file) and drop files of retired sources."""
    names = {s.name for s in registry.sources}
    out = {}
    for table in STAGED:
        placeholder = f"staged/{table}/{PLACEHOLDER}"
        if not lake.exists(placeholder):
            lake.write_parquet(placeholder, empty(table))
        files = []
        for key in lake.list(f"staged/{table}/"):
            fname = key.rsplit("/", 1)[-1]
            if fname == PLACEHOLDER or not fname.endswith(".parquet"):
                continue
            stem = fname[: -len(".parquet")]
            if stem.startswith("gx__"):  # check results: keep while their entity exists
                entity = stem.split("__", 2)[-1]
                if entity in names or entity in STAGED:
                    continue
                lake.delete(key)
                continue
            if stem not in names:
                lake.delete(key)
                continue
            files.append(key)
        out[table] = {"files": files}
    return out


def scan_staged(table: str, lake: Lake) -> pl.LazyFrame:
    """All sources' rows of one staged table, lazily: checks and counts stream over it."""
    keys = [k for k in lake.list(f"staged/{table}/") if k.endswith(".parquet")]
    if not keys:
        return empty(table).lazy()
    frames = [pl.scan_parquet(lake.uri(k), storage_options=lake.storage_options()) for k in keys]
    return pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]


def read_staged(table: str, lake: Lake) -> pl.DataFrame:
    """All sources' rows of one staged table (Polars, through the lake's storage options)."""
    return scan_staged(table, lake).collect()


def inputs_fingerprint(registry: Registry, lake: Lake, extra: str = "") -> str:
    """What the warehouse is built from: every source's staged state and the code that made it.
    Equal to the last publication's means a rebuild would publish the same warehouse again."""
    states = []
    for src in registry.sources:
        key = f"staged/_state/{src.name}.json"
        states.append((src.name, lake.read_json(key)["fingerprint"] if lake.exists(key) else None))
    payload = json.dumps({"states": states, "code": code_version(), "extra": extra})
    return hashlib.sha256(payload.encode()).hexdigest()
