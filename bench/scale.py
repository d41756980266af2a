"""Grow the real corpus by a factor, outside the repo, so every stage can be timed at scale.

Replica 0 of each scaled source is the real file itself (a symlink: nothing is copied, and the
names in the VDC list are never written anywhere new). Replicas 1..factor-1 are the real rows
again with new ids (suffix `-x<k>`) and dates moved by whole months, so the shape of the data
(formats, faults, distributions) stays that of the real corpus. Rows are written one at a time;
only one copy of the real file is ever in memory. Sources whose rows make no sense twice (one
report per month, weekly totals per province, archived JSON and HTML) point at the real files.
"""

from __future__ import annotations

import calendar
import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ingestion.settings import REGISTRIES, Settings

GENERATOR_VERSION = 1
WITHHELD = "(withheld)"
DELTA_PREFIX = "part-delta-"

MONTHS = [calendar.month_name[i] for i in range(1, 13)]
_MON_ALT = "|".join(MONTHS + [m[:3] for m in MONTHS])
_MON_INDEX = {m.lower(): i for i, m in enumerate(MONTHS, 1)} | {
    m[:3].lower(): i for i, m in enumerate(MONTHS, 1)
}
_ISO = re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)")
_COMPACT = re.compile(r"^(20\d\d)(\d\d)(\d\d)$")
_MDY_TEXT = re.compile(rf"\b({_MON_ALT})\.?\s+(\d{{1,2}})(,?\s+(20\d\d))?\b")
_MDY_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d\d)$")


def bench_dir(factor: int, env: dict | None = None) -> Path:
    env = os.environ if env is None else env
    base = Path(env.get("CIVCAS_BENCH_DIR") or "/tmp/civcas-bench")
    return base / f"f{factor}"


def shift_month(d: date, months: int) -> date:
    idx = d.year * 12 + d.month - 1 + months
    y, m = divmod(idx, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _plausible(y: int) -> bool:
    return 2000 <= y <= 2030  # leaves 0000-00-00 and 1970-01-01 placeholders as they are


def dates_in(value: str) -> list[date]:
    """Dates this generator knows how to move, as written in the corpus."""
    out = []
    for m in _ISO.finditer(value):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if _plausible(y) and 1 <= mo <= 12 and 1 <= d <= 31:
            out.append(date(y, mo, min(d, calendar.monthrange(y, mo)[1])))
    m = _COMPACT.match(value)
    if m and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        out.append(date(y, mo, min(int(m[3]), calendar.monthrange(y, mo)[1]) or 1))
    for m in _MDY_TEXT.finditer(value):
        if m[4]:
            y, mo = int(m[4]), _MON_INDEX[m[1].lower()]
            d = min(max(int(m[2]), 1), calendar.monthrange(y, mo)[1])
            out.append(date(y, mo, d))
    m = _MDY_SLASH.match(value)
    if m and 1 <= int(m[1]) <= 12:
        y, mo = 2000 + int(m[3]), int(m[1])
        out.append(date(y, mo, min(max(int(m[2]), 1), calendar.monthrange(y, mo)[1])))
    return out


def shift_text(value: str, months: int) -> str:
    """Every date in `value` moved by `months`, written the way it was written."""
    if not value or not months:
        return value

    def iso(m: re.Match) -> str:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if not (_plausible(y) and 1 <= mo <= 12 and 1 <= d <= 31):
            return m[0]
        n = shift_month(date(y, mo, min(d, calendar.monthrange(y, mo)[1])), months)
        return n.isoformat()

    def mdy(m: re.Match) -> str:
        mo = _MON_INDEX[m[1].lower()]
        y = int(m[4]) if m[4] else 2001  # a year without 29 February is enough for the day
        d = min(max(int(m[2]), 1), 31)
        n = shift_month(date(y, mo, min(d, calendar.monthrange(y, mo)[1])), months)
        name = MONTHS[n.month - 1] if len(m[1]) > 3 else MONTHS[n.month - 1][:3]
        tail = m[3].replace(m[4], str(n.year)) if m[4] else ""
        return f"{name}{'.' if m[0][len(m[1])] == '.' else ''} {n.day}{tail}"

    out = _ISO.sub(iso, value)
    c = _COMPACT.match(out)
    if c and 1 <= int(c[2]) <= 12:
        y, mo = int(c[1]), int(c[2])
        n = shift_month(date(y, mo, min(int(c[3]) or 1, calendar.monthrange(y, mo)[1])), months)
        out = n.strftime("%Y%m%d")
    s = _MDY_SLASH.match(out)
    if s and 1 <= int(s[1]) <= 12:
        y, mo = 2000 + int(s[3]), int(s[1])
        n = shift_month(date(y, mo, min(max(int(s[2]), 1), calendar.monthrange(y, mo)[1])), months)
        return f"{n.month}/{n.day}/{n.year % 100:02d}"
    return _MDY_TEXT.sub(mdy, out)


def suffix(value: str, k: int, sep: str = "-x") -> str:
    return f"{value}{sep}{k}" if value else value


@dataclass(frozen=True)
class Spec:
    """How one source's rows become new rows: which fields are ids, urls, dates, text."""

    source: str
    path: str  # relative to $CIVCAS_SHARED/corpus
    fmt: str  # csv | jsonl
    encoding: str = "utf-8"
    ids: tuple[str, ...] = ()  # get `-x<k>`
    id_lists: tuple[tuple[str, str], ...] = ()  # (column, separator): each element suffixed
    urls: tuple[str, ...] = ()  # get `#x<k>`, so content-derived ids differ
    dates: tuple[str, ...] = ()  # every date in the value moves
    texts: tuple[str, ...] = ()  # dates written inside free text move too
    constant: dict = field(default_factory=dict)  # column -> value written instead (names)
    custom: Callable[[dict, int, int], None] | None = None  # jsonl nested fields


def _news_item(rec: dict, k: int, months: int) -> None:
    for link in rec.get("linked_incidents") or []:
        if isinstance(link, dict):
            if link.get("incident_code"):
                link["incident_code"] = suffix(str(link["incident_code"]), k)
            if link.get("incident_date"):
                link["incident_date"] = shift_text(str(link["incident_date"]), months)
    if isinstance(rec.get("archived_urls"), list):
        rec["archived_urls"] = [suffix(u, k, "#x") for u in rec["archived_urls"]]


SPECS: tuple[Spec, ...] = (
    Spec(
        "coalition_incident_statements",
        "coalition/cjtf_oir_incident_statements.csv",
        "csv",
        ids=("incident_code",),
        urls=("statement_source_url",),
        dates=("incident_date", "statement_date", "statement_date_raw"),
        texts=("statement_text",),
    ),
    Spec(
        "coalition_strike_releases",
        "coalition/cjtf_oir_strike_releases_geocoded.csv",
        "csv",
        ids=("source_file",),
        dates=("date", "source_file"),
    ),
    Spec(
        "airwars_incidents",
        "ngo/airwars_syria_incidents.csv",
        "csv",
        ids=("incident_code", "airwars_id"),
        id_lists=(("previous_codes", "|"),),
        urls=("airwars_url",),
        dates=("incident_date", "date_end", "published_date", "last_modified"),
    ),
    Spec(
        "airwars_assessments",
        "ngo/airwars_belligerent_assessments.csv",
        "csv",
        ids=("incident_code",),
        urls=("strike_report_url",),
        dates=("incident_date",),
        texts=("strike_report_text",),
    ),
    Spec(
        "airwars_source_refs",
        "ngo/airwars_source_refs.csv",
        "csv",
        ids=("incident_code", "airwars_source_id"),
        urls=("source_url", "archive_url"),
        dates=("incident_date", "source_date"),
    ),
    Spec(
        "vdc_casualty_list",
        "observatory/vdc_casualty_list_2011_2015.csv",
        "csv",
        dates=("Date_of_Death",),
        constant={"Name": WITHHELD},
    ),
    Spec(
        "news_fakes",
        "news/fakes_dev.csv",
        "csv",
        encoding="latin-1",
        ids=("unit_id",),
        dates=("date",),
    ),
    Spec(
        "news_airwars_source_texts",
        "news/airwars_source_texts_dev.jsonl",
        "jsonl",
        ids=("source_id",),
        urls=("original_url", "final_url"),
        dates=("publication_date_raw",),
        custom=_news_item,
    ),
)
SPEC_BY_SOURCE = {s.source: s for s in SPECS}


class Replicator:
    """The rows of one real file, and the k-th new copy of them."""

    def __init__(self, spec: Spec, real: Path):
        self.spec, self.real = spec, real
        self.header, self.rows = self._load()
        seen = [d for r in self.rows for c in spec.dates for d in dates_in(str(r.get(c) or ""))]
        self.lo = max(min(seen, default=date(2011, 1, 1)), date(2011, 1, 1))
        self.hi = min(max(seen, default=date.today()), date.today())

    def _load(self) -> tuple[list[str] | None, list[dict]]:
        if self.spec.fmt == "jsonl":
            with open(self.real, encoding=self.spec.encoding) as f:
                return None, [json.loads(line) for line in f if line.strip()]
        with open(self.real, newline="", encoding=self.spec.encoding) as f:
            reader = csv.DictReader(f)
            return list(reader.fieldnames or []), list(reader)

    def months_for(self, row: dict, k: int) -> int:
        """Forward if every date of the row stays within the source's span, else back, else 0."""
        step = (k - 1) % 24 + 1
        ds = [d for c in self.spec.dates for d in dates_in(str(row.get(c) or ""))]
        if not ds:
            return 0
        if shift_month(max(ds), step) <= self.hi:
            return step
        if shift_month(min(ds), -step) >= self.lo:
            return -step
        return 0

    def replica(self, k: int, every: int = 1) -> Iterator[dict]:
        spec = self.spec
        for i, src in enumerate(self.rows):
            if i % every:
                continue
            row = json.loads(json.dumps(src)) if spec.fmt == "jsonl" else dict(src)
            months = self.months_for(row, k)
            for c in spec.ids:
                if row.get(c):
                    row[c] = suffix(str(row[c]), k)
            for c, sep in spec.id_lists:
                if row.get(c):
                    row[c] = sep.join(suffix(p, k) for p in str(row[c]).split(sep))
            for c in spec.urls:
                if row.get(c):
                    row[c] = suffix(str(row[c]), k, "#x")
            for c in (*spec.dates, *spec.texts):
                if row.get(c):
                    row[c] = shift_text(str(row[c]), months)
            row.update(spec.constant)
            if spec.custom:
                spec.custom(row, k, months)
            yield row

    def write(self, path: Path, rows: Iterator[dict]) -> int:
        tmp = path.with_name(f".{path.name}.tmp")
        n = 0
        if self.spec.fmt == "jsonl":
            with open(tmp, "w", encoding=self.spec.encoding) as f:
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n += 1
        else:
            with open(tmp, "w", newline="", encoding=self.spec.encoding) as f:
                w = csv.DictWriter(f, fieldnames=self.header)
                w.writeheader()
                for row in rows:
                    w.writerow(row)
                    n += 1
        os.replace(tmp, path)
        return n


def _part(spec: Spec, k: int) -> str:
    return f"part-{k:05d}.{spec.fmt}"


def _parsers_ready(parsers: list[str]) -> list[str]:
    """Parser refs that cannot be imported now (others are still writing some)."""
    import importlib

    missing = []
    for ref in parsers:
        mod, _, fn = ref.partition(":")
        try:
            getattr(importlib.import_module(mod), fn)
        except (ImportError, AttributeError):
            missing.append(ref)
    return missing


def write_registry(out: Path, settings: Settings, scaled: set[str] | None = None) -> dict:
    """corpus.yaml with the scaled sources moved to their part folders; returns what changed."""
    doc = yaml.safe_load((REGISTRIES / "corpus.yaml").read_text())
    shared = str(settings.shared)
    missing: dict[str, list[str]] = {}
    for src in doc["sources"]:
        src["location"] = src["location"].replace("{shared}", shared)
        spec = SPEC_BY_SOURCE.get(src["name"])
        if spec and (scaled is None or spec.source in scaled):
            src["location"] = f"file://{out / src['name']}/"
            src["pattern"] = f"part-*.{spec.fmt}"
        parsers = src.get("parser") or []
        parsers = [parsers] if isinstance(parsers, str) else parsers
        gone = _parsers_ready(parsers)
        if gone:  # keep the entry, let the rest of the pipeline run, and say so
            missing[src["name"]] = gone
            src["status"] = "not_yet_parsed"
    doc["registry"] = f"bench_{out.name}"
    (out / "registry.yaml").write_text(
        "# Written by bench/scale.py: the corpus registry over the scaled files.\n"
        + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    )
    return missing


def _specs(sources: list[str] | None) -> list[Spec]:
    if sources is None:
        return list(SPECS)
    unknown = set(sources) - set(SPEC_BY_SOURCE)
    if unknown:
        raise ValueError(f"not scalable: {sorted(unknown)}; scalable: {sorted(SPEC_BY_SOURCE)}")
    return [s for s in SPECS if s.source in sources]


def _scaled(sources: list[str] | None) -> set[str] | None:
    return None if sources is None else set(sources)


def generate(
    factor: int,
    out: Path | None = None,
    settings: Settings | None = None,
    force: bool = False,
    log=print,
    sources: list[str] | None = None,
) -> dict:
    """Write the scaled corpus and its registry; reuses a complete earlier run of this factor.

    `sources` limits scaling to those sources (the rest stay on the real files)."""
    if factor < 1:
        raise ValueError(f"factor must be >= 1, not {factor}")
    settings = settings or Settings.from_env()
    out = out or bench_dir(factor)
    corpus = settings.shared / "corpus"
    if not corpus.is_dir():
        raise FileNotFoundError(f"real corpus not found at {corpus} (set CIVCAS_SHARED)")
    stamp = out / "scale.json"
    if stamp.exists() and not force:
        info = json.loads(stamp.read_text())
        if (info.get("factor"), info.get("version"), info.get("sources")) == (
            factor,
            GENERATOR_VERSION,
            sources,
        ):
            info["missing_parsers"] = write_registry(out, settings, _scaled(sources))
            return info
    out.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    rows: dict[str, int] = {}
    for spec in _specs(sources):
        real = corpus / spec.path
        folder = out / spec.source
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        (folder / _part(spec, 0)).symlink_to(real)
        rep = Replicator(spec, real)
        n = len(rep.rows)
        for k in range(1, factor):
            n += rep.write(folder / _part(spec, k), rep.replica(k))
        rows[spec.source] = n
        log(f"  scaled {spec.source}: {n:,} rows in {factor} part(s)")
        del rep
    info = {
        "factor": factor,
        "version": GENERATOR_VERSION,
        "sources": sources,
        "dir": str(out),
        "rows": rows,
        "registry": str(out / "registry.yaml"),
    }
    info["missing_parsers"] = write_registry(out, settings, _scaled(sources))
    stamp.write_text(json.dumps({k: v for k, v in info.items() if k != "missing_parsers"}))
    return info


def add_delta(
    out: Path,
    factor: int,
    share: float = 0.01,
    settings: Settings | None = None,
) -> dict[str, int]:
    """New input for the nightly case: `share` of each scaled source's rows, as one new part."""
    settings = settings or Settings.from_env()
    every = max(1, round(1 / share))
    added = {}
    for spec in SPECS:
        if not (out / spec.source).is_dir():
            continue
        rep = Replicator(spec, settings.shared / "corpus" / spec.path)
        rows = (r for j in range(1, factor + 1) for r in rep.replica(factor + j, every=every))
        path = out / spec.source / f"{DELTA_PREFIX}{factor:05d}.{spec.fmt}"
        added[spec.source] = rep.write(path, rows)
    return added


def remove_delta(out: Path) -> int:
    n = 0
    for spec in SPECS:
        if not (out / spec.source).is_dir():
            continue
        for p in (out / spec.source).glob(f"{DELTA_PREFIX}*"):
            p.unlink()
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    p.add_argument("--factor", type=int, default=1)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--force", action="store_true")
    a = p.parse_args(argv)
    info = generate(a.factor, a.out, force=a.force)
    print(json.dumps(info, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
