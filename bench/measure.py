"""Running one stage in a child process and reading what it cost from the kernel.

os.wait4 returns the child's rusage including its own waited-for children (dbt runs as a
grandchild), so CPU seconds cover the whole tree and ru_maxrss is the largest process in it.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingestion.settings import PROJECT_ROOT

QUIET_ENV = {"GX_ANALYTICS_ENABLED": "False", "DAGSTER_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}


@dataclass
class Measured:
    stage: str
    wall_s: float  # the child's whole life, interpreter start and imports included
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    work_s: float | None = None  # the work alone, timed inside the child
    figures: dict = field(default_factory=dict)
    error: str = ""
    load_before: float | None = None  # 1-minute load average when the stage started

    def as_dict(self) -> dict:
        d = asdict(self)
        for k in ("wall_s", "cpu_s", "peak_rss_mb", "work_s"):
            if d[k] is not None:
                d[k] = round(d[k], 3)
        return d


def run_stage(
    name: str, params: dict, env: dict[str, str], label: str | None = None, timeout_note: str = ""
) -> Measured:
    """Run bench.stages NAME in a fresh interpreter; never raises for a failing stage."""
    with tempfile.TemporaryDirectory(prefix="civcas-bench-") as tmp:
        pfile, rfile, efile = Path(tmp, "params.json"), Path(tmp, "result.json"), Path(tmp, "err")
        pfile.write_text(json.dumps(params))
        child_env = dict(os.environ) | QUIET_ENV | env
        with open(efile, "wb") as err:
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "bench.stages", name, str(pfile), str(rfile)],
                cwd=PROJECT_ROOT,
                env=child_env,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            _, status, ru = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        m = Measured(
            stage=label or name,
            wall_s=wall,
            cpu_s=ru.ru_utime + ru.ru_stime,
            peak_rss_mb=ru.ru_maxrss / 1024,
            returncode=proc.returncode,
            load_before=round(load, 2),
        )
        if rfile.exists():
            m.figures = json.loads(rfile.read_text())
            m.work_s = m.figures.pop("work_s", None)
        if proc.returncode:
            tail = efile.read_bytes()[-1500:].decode("utf-8", "replace").strip().splitlines()
            m.error = " | ".join(tail[-3:])[:500]
        return m


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    import psutil

    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
    }


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in (
        "polars",
        "duckdb",
        "pandas",
        "pyarrow",
        "dbt-core",
        "dbt-duckdb",
        "dagster",
        "dagster-dbt",
        "great-expectations",
    ):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out
