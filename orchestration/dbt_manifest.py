"""The dbt manifest is prepared at build time (make, tests), never parsed when code is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ingestion.settings import PROJECT_ROOT

DBT_DIR = PROJECT_ROOT / "dbt_project"
MANIFEST = DBT_DIR / "target" / "manifest.json"
DBT_BUILD_DIRS = {"target", "logs", "dbt_packages"}  # what dbt writes, not what it reads


def dbt_executable() -> str:
    return str(Path(sys.executable).with_name("dbt"))


def prepare_manifest(force: bool = False) -> Path:
    sources = [
        p
        for p in DBT_DIR.rglob("*")
        if p.suffix in {".sql", ".yml", ".yaml", ".csv"}
        and not DBT_BUILD_DIRS & set(p.relative_to(DBT_DIR).parts)
    ]
    if MANIFEST.exists() and not force:
        newest = max((p.stat().st_mtime for p in sources), default=0)
        if MANIFEST.stat().st_mtime >= newest:
            return MANIFEST
    env = dict(os.environ)
    # parse needs values for env_var(); they do not end up deciding anything at run time.
    env.setdefault("CIVCAS_DBT_PATH", str(DBT_DIR / "target" / "parse.duckdb"))
    env.setdefault("CIVCAS_STAGED_URI", str(DBT_DIR / "target" / "staged"))
    for k in (
        "CIVCAS_DUCKDB_EXTENSION_DIR",
        "CIVCAS_DUCKDB_S3_KEY_ID",
        "CIVCAS_DUCKDB_S3_SECRET",
        "CIVCAS_DUCKDB_S3_REGION",
        "CIVCAS_DUCKDB_S3_ENDPOINT",
        "CIVCAS_DUCKDB_S3_URL_STYLE",
        "CIVCAS_DUCKDB_S3_USE_SSL",
    ):
        env.setdefault(k, "")
    subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
            "--profiles-dir",
            str(DBT_DIR),
            "--project-dir",
            str(DBT_DIR),
        ],
        check=True,
        env=env,
        cwd=DBT_DIR,
    )
    return MANIFEST


def manifest_path() -> Path:
    if not MANIFEST.exists():
        raise FileNotFoundError(
            f"dbt manifest missing at {MANIFEST}: run `make manifest` (or `civcas manifest`) "
            "first; definitions never parse the dbt project at import time"
        )
    return MANIFEST
