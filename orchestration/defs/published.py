"""The published warehouse and its Parquet exports: materialized only when every check passed."""

import dagster as dg

from expectations.contract import CONTRACT
from orchestration.defs.warehouse import POOL, warehouse_key
from orchestration.publish import publish
from orchestration.resources import CivcasResource
from orchestration.state import current_inputs


@dg.asset(
    key=dg.AssetKey(["published", "warehouse"]),
    deps=[warehouse_key(t) for t in CONTRACT],
    group_name="published",
    description="The DuckDB file BI tools open read-only ($CIVCAS_HOME/warehouse.duckdb), "
    "swapped in atomically after the audit, plus Parquet copies of the marts in the lake's "
    "marts zone. A failed check upstream leaves yesterday's publication in place.",
    owners=["team:data-engineering"],
    kinds={"duckdb", "parquet"},
    pool=POOL,
)
def published_warehouse(context: dg.AssetExecutionContext, civcas: CivcasResource):
    settings = civcas.settings()
    lake = civcas.lake()
    instance = context.instance

    def run_ended(run_id: str) -> bool:
        if run_id == context.run_id:
            return False  # this run's own file: publish removes it when done
        run = instance.get_run_by_id(run_id)
        return run is None or run.is_finished  # unknown to this instance: nobody is writing it

    pub = publish(
        civcas.build_path(context.run_id),
        settings,
        lake,
        inputs=current_inputs(settings, lake),
        run_ended=run_ended,
    )
    return dg.MaterializeResult(
        metadata={
            "warehouse": str(pub.warehouse),
            "tables": dg.MetadataValue.json(pub.tables),
            "mart_exports": dg.MetadataValue.json(pub.exports),
            "dagster/row_count": sum(pub.tables.values()),
        }
    )
