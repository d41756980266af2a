"""Whether anything changed since the warehouse was last published: the nightly no-op."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from ingestion.lake import Lake
from ingestion.registry import load_registry
from ingestion.settings import Settings
from ingestion.staging import inputs_fingerprint
from orchestration.dbt_manifest import DBT_DIR


@lru_cache(maxsize=1)
def dbt_project_hash() -> str:
    h = hashlib.sha256()
    for p in sorted(DBT_DIR.rglob("*")):
        if (
            p.is_file()
            and p.suffix in {".sql", ".yml", ".yaml", ".csv"}
            and not {"target", "logs", "dbt_packages"} & set(p.parts)
        ):
            h.update(str(p.relative_to(DBT_DIR)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def current_inputs(settings: Settings, lake: Lake) -> str:
    registry = load_registry(settings)
    return inputs_fingerprint(registry, lake, extra=f"{registry.path}|{dbt_project_hash()}")
