"""A private PostgreSQL for development and tests when no DATABASE_URL is given.

pgserver ships the PostgreSQL binaries inside its wheel, so a fresh machine
needs nothing installed. The server listens on a Unix socket only, keeps its
data under ``.pgdata/`` (git-ignored) and is stopped when the last process
that started it exits.
"""
from __future__ import annotations

from pathlib import Path

DATABASE_NAME = "localservice"

_server = None  # kept alive for the life of the process; pgserver stops it at exit


def start(data_dir: Path):
    """Start (or join) the embedded server and make sure our database exists."""
    global _server
    if _server is None:
        import warnings

        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp: fine here.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver  # imported lazily: production never needs it

        data_dir.mkdir(exist_ok=True)
        _forget_dead_handles(data_dir)
        _stop_cleanly_on_sigterm()
        _server = pgserver.get_server(data_dir, cleanup_mode="stop")
        _ensure_database(_server)
    return _server


def _forget_dead_handles(data_dir: Path) -> None:
    """pgserver stops the server when the last process using it exits; a process that was
    killed never says so, and its pid would keep the server up for good."""
    import json

    import psutil

    handles = data_dir / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _stop_cleanly_on_sigterm() -> None:
    """Python's default SIGTERM ends the process without running atexit, where pgserver
    stops the server: turn it into a normal exit."""
    import signal
    import sys
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _ensure_database(server) -> None:
    import psycopg2

    info = server.get_postmaster_info()
    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(info.socket_dir))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    conn.close()


def database_settings(data_dir: Path) -> dict:
    """Django DATABASES entry for the embedded server."""
    server = start(data_dir)
    info = server.get_postmaster_info()
    return {
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": "",
    }
