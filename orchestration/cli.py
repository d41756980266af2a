"""`civcas`: the same jobs as the Makefile, for people without make."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
from pathlib import Path

from ingestion.settings import Settings

INSTANCE_YAML = Path(__file__).with_name("dagster.yaml")
# what earlier versions wrote: upgraded in place
_FIRST_DEFAULT = (
    "telemetry:\n  enabled: false\n"
    "concurrency:\n  pools:\n    granularity: op\n    default_limit: 1\n"
)


def _dagster_home(settings: Settings) -> str:
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / "dagster.yaml"
    ours = INSTANCE_YAML.read_text()
    if (
        not cfg.exists()
        or cfg.read_text() == _FIRST_DEFAULT
        or cfg.read_text().startswith(ours.splitlines()[0])
    ):
        cfg.write_text(ours)  # managed by us until its first line is removed
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    return str(home)


def run_pipeline(settings: Settings | None = None, *, quiet: bool = False):
    """Materialize every asset in process; returns the Dagster result."""
    import dagster as dg

    settings = settings or Settings.from_env()
    os.environ.update(settings.to_env())  # resources read the environment: same settings
    settings.home.mkdir(parents=True, exist_ok=True)
    _dagster_home(settings)
    from orchestration.definitions import build_definitions

    defs = build_definitions(settings)
    job = defs.resolve_job_def("refresh_all")
    level = "WARNING" if quiet else "INFO"
    with _one_run_at_a_time(settings):
        return job.execute_in_process(
            instance=dg.DagsterInstance.get(),
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": level}}}},
        )


@contextlib.contextmanager
def _one_run_at_a_time(settings: Settings):
    """An in-process run skips the instance's queue: a second `civcas run` on the same home
    must not rebuild and publish over the first."""
    import fcntl

    with open(settings.home / ".run.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(
                f"another civcas run is going in {settings.home}: wait for it to end"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def published_in(result) -> bool:
    return any(
        e.event_type_value == "ASSET_MATERIALIZATION"
        and e.asset_key is not None
        and e.asset_key.path == ["published", "warehouse"]
        for e in result.all_events
    )


def failed_checks(result, details: bool = False) -> list[str]:
    out = []
    for e in result.all_events:
        if e.event_type_value == "ASSET_CHECK_EVALUATION":
            ev = e.event_specific_data
            if not ev.passed:
                line = f"{ev.asset_key.to_user_string()}:{ev.check_name} ({ev.severity.value})"
                md = ev.metadata.get("failed_expectations")
                if details and md is not None:
                    rows = str(md.value).splitlines()[2:]
                    line += "".join(f"\n      {r.strip('| ')}" for r in rows[:8])
                out.append(line)
    return out


def cmd_run(args) -> int:
    from orchestration.report import headline

    settings = Settings.from_env()
    t0 = time.monotonic()
    result = run_pipeline(settings, quiet=not args.verbose)
    took = time.monotonic() - t0
    bad = failed_checks(result, details=True)
    published = published_in(result)
    current = False
    if not published and result.success:
        from ingestion.lake import open_lake
        from orchestration.publish import publication_record, unchanged_since_publication
        from orchestration.state import current_inputs

        current = unchanged_since_publication(
            settings, current_inputs(settings, open_lake(settings))
        )
    status = "published" if published else "NOT published"
    if current:
        since = publication_record(settings).get("published_at")
        status = f"unchanged since the publication of {since}: nothing rebuilt"
    print(
        f"\ncivcas run: {status} in {took:.0f} s "
        f"(sources: {settings.sources}, lake: {settings.lake})"
    )
    for b in bad:
        print(f"  check failed: {b}")
    if not result.success:
        for e in result.all_events:
            if e.event_type_value == "STEP_FAILURE":
                print(f"  step failed: {e.step_key}: {e.event_specific_data.error.message[:300]}")
    print(headline(settings))
    return 0 if published or current else 1


def cmd_manifest(args) -> int:
    from orchestration.dbt_manifest import prepare_manifest

    print(prepare_manifest(force=args.force))
    return 0


def cmd_dev(args) -> int:
    settings = Settings.from_env()
    _dagster_home(settings)
    from orchestration.dbt_manifest import manifest_path

    manifest_path()
    exe = os.path.join(os.path.dirname(sys.executable), "dagster")
    os.execv(exe, [exe, "dev", "-h", "127.0.0.1", "-p", str(args.port), "-w", "workspace.yaml"])
    return 0


def cmd_s3(args) -> int:
    from orchestration import s3server

    settings = Settings.from_env()
    server = s3server.start(settings.home / "s3", port=args.port, buckets=())
    client = server.client()
    if args.bucket not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
        client.create_bucket(Bucket=args.bucket)
    print("S3 server running. In another shell:")
    for k, v in server.env(args.bucket).items():
        print(f"  export {k}={v}")
    print("  make run\nCtrl-C stops it.")
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    try:
        server.process.wait()
    except KeyboardInterrupt:
        server.stop()
    return 0


def cmd_extract(args) -> int:
    from ingestion.claims.cli import extract_command

    summary = extract_command(args.input, args.out)
    failed = summary.get("failed") or []
    print(
        f"{summary.get('documents', 0)} documents, {summary.get('claims', 0)} claims, "
        f"{len(failed)} unreadable -> {args.out}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="civcas", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="materialize every asset and publish the warehouse")
    r.add_argument("--verbose", action="store_true", help="log every step")
    r.set_defaults(fn=cmd_run)
    m = sub.add_parser("manifest", help="prepare the dbt manifest")
    m.add_argument("--force", action="store_true")
    m.set_defaults(fn=cmd_manifest)
    d = sub.add_parser("dev", help="the Dagster UI on 127.0.0.1")
    d.add_argument("--port", type=int, default=3000)
    d.set_defaults(fn=cmd_dev)
    s = sub.add_parser("s3", help="a local S3 server (SeaweedFS) with keys")
    s.add_argument("--port", type=int, default=8333)
    s.add_argument("--bucket", default="civcas")
    s.set_defaults(fn=cmd_s3)
    e = sub.add_parser("extract", help="extract casualty claims from documents")
    e.add_argument("input", help="a folder of .txt/.html/.pdf (+ metadata.json) or a .jsonl")
    e.add_argument("--out", required=True, help="claims JSONL to write")
    e.set_defaults(fn=cmd_extract)
    args = p.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
