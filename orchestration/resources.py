"""Resources: the settings object and the lake, read from the environment at run time.

Local and production differ only by environment (CIVCAS_LAKE=s3://..., S3 endpoint and keys),
as in hooli-data-eng-pipelines: the same Definitions run on the embedded default or on S3.
"""

from __future__ import annotations

import dagster as dg

from ingestion.lake import Lake, open_lake
from ingestion.settings import Settings


class CivcasResource(dg.ConfigurableResource):
    """Settings and the lake they point to."""

    def settings(self) -> Settings:
        return Settings.from_env()

    def lake(self) -> Lake:
        return open_lake(self.settings())

    def build_path(self, run_id: str):
        """The run's private warehouse file: written, audited, and only then published."""
        s = self.settings()
        s.build_dir.mkdir(parents=True, exist_ok=True)
        return s.build_dir / f"warehouse-{run_id}.duckdb"
