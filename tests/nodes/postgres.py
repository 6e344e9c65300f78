"""A throw-away PostgreSQL server on 127.0.0.1 for the database tests.

Uses Debian's `postgresql` package (installed by `make test` when it runs as root on Debian;
packaging/install-sysdeps.sh). The cluster lives in a temporary folder, listens on a free port of
127.0.0.1 only, and is stopped and deleted afterwards. As root, the server runs as the
`postgres` system user (PostgreSQL refuses to run as root). `unavailable()` says why the server
cannot be had here, so that tests skip with that reason.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgServer", "unavailable", "start", "PASSWORD", "USER"]

USER = "mlwire"
PASSWORD = "S3NTINEL-pw"   # the secret the tests hunt for in files, scripts, logs and errors


@dataclass
class PgServer:
    port: int
    folder: Path
    bin_dir: Path
    as_user: list[str]

    def url(self, password_ref: str = "${MLWIRE_TEST_PGPASSWORD}") -> str:
        return f"postgresql://{USER}:{password_ref}@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run(self.as_user + [str(self.bin_dir / "pg_ctl"), "-D",
                                       str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_user() -> list[str] | None:
    if os.geteuid() != 0:
        return []
    try:
        import pwd
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--"] if runuser else None


def unavailable() -> str | None:
    """Why no PostgreSQL server can be started here, or None."""
    if _bin_dir() is None:
        return ("PostgreSQL is not installed (Debian: apt-get install postgresql; `make test` "
                "does it when run as root)")
    if _as_user() is None:
        return "running as root without a 'postgres' system user and runuser"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg driver is not installed (pip install 'psycopg[binary]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start() -> PgServer:
    bin_dir, as_user = _bin_dir(), _as_user()
    folder = Path(tempfile.mkdtemp(prefix="mlwire-pg-"))
    pwfile = folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if as_user:
        import pwd
        entry = pwd.getpwnam("postgres")
        for path in (folder, pwfile):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    data = folder / "data"
    run = dict(capture_output=True, text=True, timeout=120, cwd=folder)
    done = subprocess.run(as_user + [str(bin_dir / "initdb"), "-D", str(data), "-U", USER,
                                     f"--pwfile={pwfile}", "--auth=scram-sha-256",
                                     "--no-sync"], **run)
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stderr}")
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    done = subprocess.run(as_user + [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                                     "-l", str(folder / "log"), "-w", "-t", "60", "start"], **run)
    if done.returncode != 0:
        log = (folder / "log").read_text() if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{log}")
    return PgServer(port, folder, bin_dir, as_user)
