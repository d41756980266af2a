"""Dagster entry point: everything is built from the source registry and the prepared manifest."""

from __future__ import annotations

import os

import dagster as dg

from ingestion.registry import load_registry
from ingestion.settings import Settings
from orchestration.defs.automation import nightly, refresh_all, source_files_sensor
from orchestration.defs.published import published_warehouse
from orchestration.defs.sources import source_assets
from orchestration.defs.staged_tables import staged_tables_asset
from orchestration.defs.warehouse import build_dbt_assets, dbt_resource, warehouse_checks
from orchestration.resources import CivcasResource

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    registry = load_registry(settings)
    return dg.Definitions(
        assets=[
            *source_assets(registry),
            staged_tables_asset(registry),
            build_dbt_assets(),
            published_warehouse,
        ],
        asset_checks=warehouse_checks(),
        jobs=[refresh_all],
        schedules=[nightly],
        sensors=[source_files_sensor(registry)],
        resources={"civcas": CivcasResource(), "dbt": dbt_resource()},
        executor=dg.in_process_executor,
    )


defs = build_definitions()
