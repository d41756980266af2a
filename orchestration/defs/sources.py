"""Raw and staged assets, one pair per registered source."""

import dagster as dg

from expectations.suites import raw_suite, source_rows_suite
from ingestion.fetch import fetch_source
from ingestion.fingerprints import row_id
from ingestion.registry import Registry, Source
from ingestion.staging import stage_source
from orchestration.defs.validation import check_result, record_validation, validated
from orchestration.resources import CivcasResource


def raw_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", source])


def staged_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["staged", source])


def _raw_asset(src: Source) -> dg.AssetsDefinition:
    key = raw_key(src.name)

    @dg.asset(
        key=key,
        group_name="raw",
        description=f"Documents of `{src.name}` ({src.family}) stored unchanged under their "
        f"sha256 in the raw zone. From {src.location}. {src.description}",
        owners=[src.owner],
        kinds={"python", "s3" if src.scheme == "s3" else "file"},
        tags={"family": src.family},
        check_specs=[
            dg.AssetCheckSpec(
                "raw_documents",
                asset=key,
                blocking=True,
                description="at least one document, none empty",
            )
        ],
    )
    def _raw(context: dg.AssetExecutionContext, civcas: CivcasResource):
        settings = civcas.settings()
        lake = civcas.lake()
        summary = fetch_source(src, lake, settings)
        outcome, reused = validated(
            lake,
            f"raw__{src.name}",
            sorted((d["sha256"], d["name"], d["bytes"]) for d in summary.manifest),
            lambda: raw_suite(src.name, summary.manifest),
        )
        record_validation(lake, context.run_id, outcome)
        yield dg.MaterializeResult(
            metadata={
                "documents": summary.documents,
                "new_objects": summary.new_objects,
                "bytes": summary.bytes,
                "not_modified": summary.not_modified,
                "dagster/row_count": summary.documents,
            },
            # the same documents give the same version in every process (hash() is salted)
            data_version=dg.DataVersion(row_id(*sorted(d["sha256"] for d in summary.manifest))),
        )
        yield check_result(outcome, asset_key=key, check_name="raw_documents", reused=reused)

    return _raw


def _staged_asset(src: Source) -> dg.AssetsDefinition:
    key = staged_key(src.name)
    status = "" if src.is_parsed else " **Not yet parsed**: its parser comes in a later issue."

    @dg.asset(
        key=key,
        deps=[raw_key(src.name)],
        group_name="staged",
        description=f"Staged Parquet tables parsed from `{src.name}` by "
        f"{', '.join(src.parsers) or '(no parser yet)'}.{status}",
        owners=[src.owner],
        kinds={"python", "polars", "parquet"},
        tags={"family": src.family, "parse_status": src.status},
        check_specs=[
            dg.AssetCheckSpec(
                "staged_rows",
                asset=key,
                blocking=src.is_parsed,
                description="a parsed source yields rows",
            )
        ],
    )
    def _staged(context: dg.AssetExecutionContext, civcas: CivcasResource):
        lake = civcas.lake()
        summary = stage_source(src, lake)
        meta = {
            "documents": summary.documents,
            "parse_status": summary.status,
            "skipped_unchanged": summary.skipped,
            "tables": dg.MetadataValue.json(summary.rows),
            "dagster/row_count": sum(
                v for k, v in summary.rows.items() if k not in {"findings", "quarantine"}
            ),
            "findings": summary.rows.get("findings", 0),
            "quarantined_rows": summary.rows.get("quarantine", 0),
            "failed_documents": dg.MetadataValue.json(summary.failed_documents),
        }
        if summary.status == "not_yet_parsed":
            context.log.warning(f"source {src.name} is registered but not yet parsed")
        yield dg.MaterializeResult(metadata=meta)
        if summary.status == "not_yet_parsed":
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name="staged_rows",
                passed=True,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"status": "not yet parsed: no parser registered"},
            )
            return
        outcome, reused = validated(
            lake,
            f"staged__{src.name}",
            summary.rows,
            lambda: source_rows_suite(src.name, summary.rows),
        )
        record_validation(lake, context.run_id, outcome)
        yield check_result(outcome, asset_key=key, check_name="staged_rows", reused=reused)

    return _staged


def source_assets(registry: Registry) -> list[dg.AssetsDefinition]:
    out = []
    for src in registry.sources:
        out.extend([_raw_asset(src), _staged_asset(src)])
    return out
