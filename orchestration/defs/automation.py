"""The nightly refresh, and a sensor that refreshes when a local source's files change."""

import hashlib
from pathlib import Path

import dagster as dg

from ingestion.registry import Registry

refresh_all = dg.define_asset_job(
    "refresh_all",
    selection=dg.AssetSelection.all(),
    description="Fetch every source, stage, build, audit and publish the warehouse.",
)

nightly = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_all,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh everything at 02:00 UTC; unchanged documents are not stored again.",
)


def _fingerprint(registry: Registry) -> str:
    h = hashlib.sha256()
    for src in registry.sources:
        if src.scheme != "file":
            continue
        root = Path(src.location[len("file://") :])
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for p in paths:
            st = p.stat()
            h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def source_files_sensor(registry: Registry) -> dg.SensorDefinition:
    @dg.sensor(
        job=refresh_all,
        minimum_interval_seconds=300,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Requests a refresh when files behind a file:// source change.",
    )
    def local_sources_changed(context: dg.SensorEvaluationContext):
        fp = _fingerprint(registry)
        if context.cursor == fp:
            return dg.SkipReason("no source file changed")
        context.update_cursor(fp)
        return dg.RunRequest(run_key=fp)

    return local_sources_changed
