"""Shared fixtures: settings in a temporary CIVCAS_HOME, the real shared data, an S3 server."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

PROJECT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CIVCAS_SHARED") or PROJECT.parent / "shared").resolve()


def shared_path(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared data not available: {p}")
    return p


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest():
    """The manifest is prepared once, as `make manifest` does, never at import."""
    from orchestration.dbt_manifest import prepare_manifest

    return prepare_manifest()


@pytest.fixture
def civcas_env(tmp_path, monkeypatch):
    """A private CIVCAS_HOME on the embedded default; returns a function to add settings."""
    home = tmp_path / "home"
    for k in list(os.environ):
        if k.startswith("CIVCAS_") and k != "CIVCAS_SHARED":
            monkeypatch.delenv(k)
    monkeypatch.setenv("CIVCAS_HOME", str(home))
    monkeypatch.setenv("CIVCAS_SHARED", str(SHARED))

    def apply(**env: str):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        from ingestion.settings import Settings

        return Settings.from_env()

    return apply


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 server (SeaweedFS) on 127.0.0.1 with keys enforced. Its data lives outside
    pytest's rotating temp folders, which another pytest run may prune while this one runs."""
    import shutil
    import tempfile

    from orchestration import s3server

    root = Path(tempfile.mkdtemp(prefix="civcas-s3-"))
    server = s3server.start(root)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def s3_bucket(s3_server):
    name = f"civcas-{uuid.uuid4().hex[:10]}"
    s3_server.client().create_bucket(Bucket=name)
    return name
