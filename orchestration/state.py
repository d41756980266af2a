"""Whether anything changed since the warehouse was last published: the nightly no-op."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingestion.fingerprints import tree_hash
from ingestion.lake import Lake
from ingestion.registry import load_registry
from ingestion.settings import Settings
from ingestion.staging import inputs_fingerprint
from orchestration.dbt_manifest import DBT_BUILD_DIRS, DBT_DIR
from orchestration.defs.validation import suites_version

ORCHESTRATION = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def dbt_project_hash() -> str:
    return tree_hash(DBT_DIR, {".sql", ".yml", ".yaml", ".csv"}, skip=DBT_BUILD_DIRS)


@lru_cache(maxsize=1)
def orchestration_hash() -> str:
    """Checks, publication and asset code: a change there must rebuild, not reuse, the warehouse."""
    return tree_hash(ORCHESTRATION, {".py", ".yaml", ".yml"})


def current_inputs(settings: Settings, lake: Lake) -> str:
    registry = load_registry(settings)
    extra = "|".join(
        [str(registry.path), dbt_project_hash(), suites_version(), orchestration_hash()]
    )
    return inputs_fingerprint(registry, lake, extra=extra)
