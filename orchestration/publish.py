"""Write-audit-publish: the audited build file replaces the published one in a single rename."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
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


def _drop_lake_views(con) -> None:
    """The staging models are views over the lake's staged Parquet: in the published file they
    would show whatever lies there now, unaudited (and quarantined rows as they came), and need
    the lake's keys to open. Readers get the audited tables only."""
    views = con.execute(
        "select view_name from duckdb_views() where not internal and schema_name = 'main'"
    ).fetchall()
    for (name,) in views:
        con.execute(f'drop view "{name}"')


def remove_ended_builds(build_dir: Path, run_ended: Callable[[str], bool]) -> list[Path]:
    """Builds left by runs that ended without publishing (failed, or held back by a check); a
    run still going keeps its file. Files are named warehouse-<run id>.duckdb[.wal]."""
    removed = []
    for path in build_dir.glob("warehouse-*.duckdb*"):
        run_id = path.name.removeprefix("warehouse-").split(".duckdb")[0]
        if run_ended(run_id):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def publish(
    build: Path,
    settings: Settings,
    lake: Lake,
    inputs: str | None = None,
    run_ended: Callable[[str], bool] = lambda run_id: False,
) -> Publication:
    """Readers holding the old file keep reading it (its inode lives on); new readers get the new."""
    if not build.exists():
        raise FileNotFoundError(f"nothing built at {build}")
    con = settings.duckdb_connect(build)
    try:
        _drop_lake_views(con)  # audited already: only what readers get changes
        con.execute("checkpoint")
        tables = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in CONTRACT}
        marts = {t: con.execute(f"select * from {t}").pl() for t in MARTS}
    finally:
        con.close()
    target = settings.warehouse_path
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.publishing")
    shutil.copyfile(build, staging)
    os.replace(staging, target)
    exports = []
    for name, df in marts.items():
        key = f"marts/{name}.parquet"
        lake.write_parquet(key, df)
        exports.append(lake.uri(key))
    remove_ended_builds(settings.build_dir, run_ended)
    build.unlink(missing_ok=True)
    Path(str(build) + ".wal").unlink(missing_ok=True)
    record = {"inputs": inputs, "published_at": datetime.now(UTC).isoformat(), "tables": tables}
    tmp = settings.home / ".publication.json.tmp"
    tmp.write_text(json.dumps(record, indent=1))
    os.replace(tmp, settings.home / "publication.json")
    return Publication(target, tables, exports)
