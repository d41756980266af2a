"""What every parser takes and returns, so the pipeline can run any source the same way."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from ingestion.schemas import STAGED, conform


@dataclass(frozen=True)
class RawDocument:
    """One fetched document exactly as stored in the raw zone."""

    sha256: str
    source: str  # registry source name
    family: str  # coalition | ngo | observatory | news
    location: str  # file path or URL it came from
    name: str  # file name (or last URL segment)
    content_type: str
    fetched_at: datetime
    data: bytes
    metadata: dict = field(default_factory=dict)  # e.g. language/published from metadata.json

    def text(self, encoding: str | None = None) -> str:
        if encoding:
            return self.data.decode(encoding)
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(self.data).best()
            if best is None:
                raise
            return str(best)


@dataclass
class Finding:
    rule: str
    entity: str
    entity_id: str
    observed: str | None
    expected: str | None
    severity: str  # error | warning
    stage: str = "staged"
    source: str | None = None

    def as_row(self) -> dict:
        return {
            "checked_at": datetime.now(UTC),
            "stage": self.stage,
            "rule": self.rule,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "observed": None if self.observed is None else str(self.observed),
            "expected": None if self.expected is None else str(self.expected),
            "severity": self.severity,
            "source": self.source,
        }


@dataclass
class ParseResult:
    """Staged rows per table, plus what was wrong: findings, and rows held back with reasons."""

    parts: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)

    def add(self, table: str, df: pl.DataFrame) -> pl.DataFrame:
        """Returns the rows as staged. Frames are kept apart and joined once: concatenating
        per document copies a big source's rows once per document."""
        if table not in STAGED:
            raise KeyError(f"unknown staged table {table!r}")
        df = conform(table, df)
        self.parts.setdefault(table, []).append(df)
        return df

    @property
    def tables(self) -> dict[str, pl.DataFrame]:
        for t, frames in self.parts.items():
            if len(frames) > 1:
                self.parts[t] = [pl.concat(frames, rechunk=True)]
        return {t: frames[0] for t, frames in self.parts.items()}

    def hold_back(
        self,
        table: str,
        entity_id: str,
        rule: str,
        reason: str,
        record: dict,
        source: str | None = None,
    ) -> None:
        """Keep an error-level row out of the facts, without losing it: every field stays, but
        free text is kept without the names it may hold (quarantine is published)."""
        from ingestion.redact import withhold_names  # its cue tables load on first use

        self.quarantine.append(
            {
                "table_name": table,
                "source": source,
                "entity_id": entity_id,
                "rule": rule,
                "reason": withhold_names(reason),
                "record": json.dumps(
                    {k: withhold_names(v) for k, v in record.items()},
                    default=str,
                    ensure_ascii=False,
                ),
            }
        )

    def merge(self, other: ParseResult) -> None:
        for t, frames in other.parts.items():
            self.parts.setdefault(t, []).extend(frames)
        self.findings.extend(other.findings)
        self.quarantine.extend(other.quarantine)

    def finalize(self, source: str | None = None) -> dict[str, pl.DataFrame]:
        """All staged frames including findings and quarantine, every one conformed."""
        out = dict(self.tables)
        rows = [f.as_row() | ({"source": f.source or source}) for f in self.findings]
        found = conform("findings", pl.DataFrame(rows, schema=STAGED["findings"]))
        q = [r | {"source": r.get("source") or source} for r in self.quarantine]
        held = conform("quarantine", pl.DataFrame(q, schema=STAGED["quarantine"]))
        return out | {"findings": found, "quarantine": held}


Parser = Callable[[RawDocument], ParseResult]
