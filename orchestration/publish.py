"""Write-audit-publish: the audited build file replaces the published one in a single rename."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from expectations.contract import CONTRACT, MARTS
from ingestion.lake import Lake
from ingestion.settings import Settings


@dataclass
class Publication:
    warehouse: Path
    tables: dict[str, int]
    exports: list[str]


def publication_record(settings: Settings) -> dict:
    path = settings.home / "publication.json"
    if not path.exists() or not settings.warehouse_path.exists():
        return {}
    return json.loads(path.read_text())


def unchanged_since_publication(settings: Settings, inputs: str) -> bool:
    """Nothing new to build: same inputs as the warehouse already published (nightly no-op).
    CIVCAS_FORCE=1 rebuilds anyway."""
    if os.environ.get("CIVCAS_FORCE", "") not in {"", "0", "false"}:
        return False
    return publication_record(settings).get("inputs") == inputs


def _drop_lake_views(settings: Settings, path: Path) -> None:
    """The staging models are views over the lake's staged Parquet: in the published file they
    would show whatever lies there now, unaudited (and quarantined rows as they came), and need
    the lake's keys to open. Readers get the audited tables only."""
    con = settings.duckdb_connect(path)
    try:
        views = con.execute(
            "select view_name from duckdb_views() where not internal and schema_name = 'main'"
        ).fetchall()
        for (name,) in views:
            con.execute(f'drop view "{name}"')
        con.execute("checkpoint")
    finally:
        con.close()


def publish(build: Path, settings: Settings, lake: Lake, inputs: str | None = None) -> Publication:
    """Readers holding the old file keep reading it (its inode lives on); new readers get the new."""
    if not build.exists():
        raise FileNotFoundError(f"nothing built at {build}")
    con = settings.duckdb_connect(build)
    try:
        con.execute("checkpoint")
        tables = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in CONTRACT}
        marts = {t: con.execute(f"select * from {t}").pl() for t in MARTS}
    finally:
        con.close()
    target = settings.warehouse_path
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.publishing")
    shutil.copyfile(build, staging)
    _drop_lake_views(settings, staging)
    os.replace(staging, target)
    exports = []
    for name, df in marts.items():
        key = f"marts/{name}.parquet"
        lake.write_parquet(key, df)
        exports.append(lake.uri(key))
    # builds left by earlier runs that stopped before publishing; a newer one may be a run
    # still going (one run at a time is the instance's setting, not a guarantee here)
    built_at = build.stat().st_mtime
    for old in settings.build_dir.glob("warehouse-*.duckdb*"):
        try:
            if old != build and old.stat().st_mtime < built_at:
                old.unlink(missing_ok=True)
        except FileNotFoundError:
            continue  # its own run removed it meanwhile
    build.unlink(missing_ok=True)
    Path(str(build) + ".wal").unlink(missing_ok=True)
    record = {"inputs": inputs, "published_at": datetime.now(UTC).isoformat(), "tables": tables}
    tmp = settings.home / ".publication.json.tmp"
    tmp.write_text(json.dumps(record, indent=1))
    os.replace(tmp, settings.home / "publication.json")
    return Publication(target, tables, exports)
