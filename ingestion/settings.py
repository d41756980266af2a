"""One settings object, read from the environment (and `.env`), that every client is built from.

boto3, Polars and DuckDB each spell S3 settings differently; deriving all three from one place
is what keeps them pointed at the same endpoint with the same keys.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REGISTRIES = PROJECT_ROOT / "ingestion" / "registries"


def _use_ssl(endpoint: str | None, value: str | None) -> bool:
    """TLS as the endpoint's scheme says, unless told; told the opposite, refuse: boto3 would
    follow the scheme while Polars and DuckDB followed the flag, and the three would disagree."""
    scheme = endpoint.split("://", 1)[0].lower() if endpoint and "://" in endpoint else None
    if scheme not in (None, "http", "https"):
        raise ValueError(f"CIVCAS_S3_ENDPOINT must be http:// or https://, not {endpoint!r}")
    flag = _bool(value, scheme != "http")
    if scheme is not None and flag != (scheme == "https"):
        raise ValueError(
            f"CIVCAS_S3_USE_SSL={value} contradicts CIVCAS_S3_ENDPOINT={endpoint}: "
            "drop one, or make them agree"
        )
    return flag


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    v = value.strip().lower()
    if v in {"1", "true", "yes", "on"}:
        return True
    if v in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _load_dotenv() -> None:
    env = PROJECT_ROOT / ".env"
    if env.exists():
        from dotenv import load_dotenv

        load_dotenv(env, override=False)


@dataclass(frozen=True)
class S3Settings:
    endpoint: str | None = None  # e.g. http://127.0.0.1:8333; None = AWS
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    url_style: str = "path"  # path | vhost
    use_ssl: bool = True

    @property
    def endpoint_hostport(self) -> str | None:
        """DuckDB wants host:port without a scheme."""
        if not self.endpoint:
            return None
        return self.endpoint.split("://", 1)[-1].rstrip("/")

    @property
    def endpoint_url(self) -> str | None:
        """boto3 and object_store want a full URL with a scheme."""
        if not self.endpoint:
            return None
        if "://" in self.endpoint:
            return self.endpoint.rstrip("/")
        return ("https://" if self.use_ssl else "http://") + self.endpoint.rstrip("/")

    def boto3_kwargs(self) -> dict:
        from botocore.config import Config

        kw: dict = {
            "region_name": self.region,
            "config": Config(
                s3={"addressing_style": "path" if self.url_style == "path" else "virtual"},
                retries={"max_attempts": 5, "mode": "standard"},
            ),
            "use_ssl": self.use_ssl,
        }
        if self.endpoint_url:
            kw["endpoint_url"] = self.endpoint_url
        if self.access_key_id:
            kw["aws_access_key_id"] = self.access_key_id
            kw["aws_secret_access_key"] = self.secret_access_key
        return kw

    def polars_storage_options(self) -> dict:
        opts = {
            "aws_region": self.region,
            "aws_virtual_hosted_style_request": str(self.url_style != "path").lower(),
            "aws_allow_http": str(not self.use_ssl).lower(),
        }
        if self.endpoint_url:
            opts["aws_endpoint_url"] = self.endpoint_url
        if self.access_key_id:
            opts["aws_access_key_id"] = self.access_key_id
            opts["aws_secret_access_key"] = self.secret_access_key or ""
        return opts

    def duckdb_secret_sql(self, name: str = "civcas_s3") -> str:
        def q(v: str) -> str:
            return "'" + v.replace("'", "''") + "'"

        parts = [
            "TYPE s3",
            f"REGION {q(self.region)}",
            f"URL_STYLE {q(self.url_style)}",
            f"USE_SSL {str(self.use_ssl).lower()}",
        ]
        if self.endpoint_hostport:
            parts.append(f"ENDPOINT {q(self.endpoint_hostport)}")
        if self.access_key_id:
            parts.append(f"KEY_ID {q(self.access_key_id)}")
            parts.append(f"SECRET {q(self.secret_access_key or '')}")
        else:
            parts.append("PROVIDER credential_chain")
        return f"CREATE OR REPLACE SECRET {name} ({', '.join(parts)})"


@dataclass(frozen=True)
class Settings:
    home: Path
    lake: str  # folder path or s3://bucket/prefix
    shared: Path
    sources: str  # sample | corpus | path to a registry YAML
    s3: S3Settings = field(default_factory=S3Settings)
    http_timeout: float = 30.0
    http_min_interval: float = 1.0  # seconds between requests to one host

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        if env is None:
            _load_dotenv()
            env = dict(os.environ)
        home = Path(env.get("CIVCAS_HOME") or PROJECT_ROOT / ".civcas").expanduser()
        if not home.is_absolute():
            home = (PROJECT_ROOT / home).resolve()
        lake = env.get("CIVCAS_LAKE") or str(home / "lake")
        if not lake.startswith("s3://") and not Path(lake).is_absolute():
            lake = str((PROJECT_ROOT / lake).resolve())
        shared = Path(env.get("CIVCAS_SHARED") or PROJECT_ROOT.parent / "shared").expanduser()
        if not shared.is_absolute():
            shared = (PROJECT_ROOT / shared).resolve()
        url_style = env.get("CIVCAS_S3_URL_STYLE", "path")
        if url_style not in {"path", "vhost"}:
            raise ValueError(f"CIVCAS_S3_URL_STYLE must be path or vhost, not {url_style!r}")
        endpoint = env.get("CIVCAS_S3_ENDPOINT") or None
        s3 = S3Settings(
            endpoint=endpoint,
            region=env.get("CIVCAS_S3_REGION") or env.get("AWS_REGION") or "us-east-1",
            access_key_id=env.get("CIVCAS_S3_ACCESS_KEY_ID") or env.get("AWS_ACCESS_KEY_ID"),
            secret_access_key=env.get("CIVCAS_S3_SECRET_ACCESS_KEY")
            or env.get("AWS_SECRET_ACCESS_KEY"),
            url_style=url_style,
            use_ssl=_use_ssl(endpoint, env.get("CIVCAS_S3_USE_SSL")),
        )
        return cls(
            home=home,
            lake=lake,
            shared=shared,
            sources=env.get("CIVCAS_SOURCES") or "sample",
            s3=s3,
            http_timeout=float(env.get("CIVCAS_HTTP_TIMEOUT") or 30.0),
            http_min_interval=float(env.get("CIVCAS_HTTP_MIN_INTERVAL") or 1.0),
        )

    def to_env(self) -> dict[str, str]:
        """The environment that reads back as these settings (for resources and subprocesses)."""
        env = {
            "CIVCAS_HOME": str(self.home),
            "CIVCAS_LAKE": self.lake,
            "CIVCAS_SHARED": str(self.shared),
            "CIVCAS_SOURCES": self.sources,
            "CIVCAS_S3_REGION": self.s3.region,
            "CIVCAS_S3_URL_STYLE": self.s3.url_style,
            "CIVCAS_S3_USE_SSL": str(self.s3.use_ssl).lower(),
            "CIVCAS_HTTP_TIMEOUT": str(self.http_timeout),
            "CIVCAS_HTTP_MIN_INTERVAL": str(self.http_min_interval),
        }
        if self.s3.endpoint:
            env["CIVCAS_S3_ENDPOINT"] = self.s3.endpoint
        if self.s3.access_key_id:
            env["CIVCAS_S3_ACCESS_KEY_ID"] = self.s3.access_key_id
            env["CIVCAS_S3_SECRET_ACCESS_KEY"] = self.s3.secret_access_key or ""
        return env

    # Paths --------------------------------------------------------------------------
    @property
    def is_s3(self) -> bool:
        return self.lake.startswith("s3://")

    @property
    def warehouse_path(self) -> Path:
        """The published file BI tools open read-only."""
        return self.home / "warehouse.duckdb"

    @property
    def build_dir(self) -> Path:
        return self.home / "build"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def extension_dir(self) -> Path:
        return self.home / "duckdb_extensions"

    @property
    def staged_uri(self) -> str:
        return self.lake.rstrip("/") + "/staged"

    @property
    def registry_path(self) -> Path:
        if self.sources in {"sample", "corpus"}:
            return REGISTRIES / f"{self.sources}.yaml"
        p = Path(self.sources).expanduser()
        return p if p.is_absolute() else (PROJECT_ROOT / p).resolve()

    # Clients ------------------------------------------------------------------------
    @cached_property
    def _boto3_client(self):
        import boto3

        return boto3.session.Session().client("s3", **self.s3.boto3_kwargs())

    def s3_client(self):
        return self._boto3_client

    def polars_storage_options(self) -> dict | None:
        return self.s3.polars_storage_options() if self.is_s3 else None

    def extension_path(self, name: str = "httpfs") -> Path:
        """An extension shipped by its duckdb-extension-<name> package (httpfs for S3; aws for
        the credential chain), as DuckDB lays them out."""
        import importlib

        import duckdb

        package = importlib.import_module(f"duckdb_extension_{name}")
        version = "v" + duckdb.__version__
        src = Path(package.__file__).parent / "extensions" / version / f"{name}.duckdb_extension"
        if not src.exists():
            raise FileNotFoundError(f"{name} for DuckDB {version} not found at {src}")
        return src

    @property
    def duckdb_extensions(self) -> list[str]:
        """What reading the lake needs: httpfs, and aws when no keys are given (the chain)."""
        if not self.is_s3:
            return []
        return ["httpfs"] if self.s3.access_key_id else ["httpfs", "aws"]

    def ensure_extension_dir(self) -> Path:
        """Fill DuckDB's extension directory once from the packages, so nothing downloads."""
        import shutil

        import duckdb

        platform = duckdb.sql("PRAGMA platform").fetchone()[0]
        for name in self.duckdb_extensions or ["httpfs"]:
            target = (
                self.extension_dir
                / f"v{duckdb.__version__}"
                / platform
                / f"{name}.duckdb_extension"
            )
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(".tmp")
                shutil.copyfile(self.extension_path(name), tmp)
                tmp.replace(target)
        return self.extension_dir

    @property
    def dbt_target(self) -> str:
        """Keys given: dbt's secret holds them; none: AWS's credential chain (an IAM role), as
        the DuckDB secret the pipeline itself creates."""
        if not self.is_s3:
            return "local"
        return "s3" if self.s3.access_key_id else "s3_chain"

    def duckdb_setup_sql(self) -> list[str]:
        """Statements that make a DuckDB connection read and write the lake."""
        if not self.is_s3:
            return []
        loads = [f"LOAD '{self.extension_path(name)}'" for name in self.duckdb_extensions]
        return [*loads, self.s3.duckdb_secret_sql()]

    def duckdb_connect(self, path: str | Path = ":memory:", read_only: bool = False):
        import duckdb

        con = duckdb.connect(
            str(path),
            read_only=read_only,
            config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"},
        )
        for stmt in self.duckdb_setup_sql():
            con.execute(stmt)
        return con

    def dbt_env(self, build_path: Path) -> dict[str, str]:
        """Environment dbt-duckdb's profile reads: the same endpoint and keys as everyone else."""
        env = {
            "CIVCAS_DBT_PATH": str(build_path),
            "CIVCAS_STAGED_URI": self.staged_uri,
            "CIVCAS_DUCKDB_EXTENSION_DIR": str(self.ensure_extension_dir()) if self.is_s3 else "",
            # DuckDB's own default; an empty endpoint would not be one
            "CIVCAS_DUCKDB_S3_ENDPOINT": self.s3.endpoint_hostport or "s3.amazonaws.com",
            "CIVCAS_DUCKDB_S3_REGION": self.s3.region,
            "CIVCAS_DUCKDB_S3_KEY_ID": self.s3.access_key_id or "",
            "CIVCAS_DUCKDB_S3_SECRET": self.s3.secret_access_key or "",
            "CIVCAS_DUCKDB_S3_URL_STYLE": self.s3.url_style,
            "CIVCAS_DUCKDB_S3_USE_SSL": "true" if self.s3.use_ssl else "false",
        }
        return env
