"""A private PostgreSQL for development and tests when no DATABASE_URL is given.

pgserver ships the PostgreSQL binaries inside its wheel, so a fresh machine
needs nothing installed. The server listens on a Unix socket only, keeps its
data under ``.pgdata/`` (git-ignored) and is stopped when the last process
that started it exits.

pgserver counts the processes using the server in ``.pgdata/.handle_pids.json``,
rewritten in place (truncate, then write) by each one as it starts and exits.
A process stopped half-way through that write (a signal at the wrong moment,
``runserver``'s reloader killing its child) leaves the file empty, and pgserver
then fails on every later start. So: the file is repaired under pgserver's own
lock before each start and again at exit; SIGTERM and SIGINT arriving while the
server starts are held until it has; at exit, further signals are ignored
until pgserver has had its turn to stop the server.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

DATABASE_NAME = "localservice"
HANDLES = ".handle_pids.json"

logger = logging.getLogger(__name__)
_server = None  # kept alive for the life of the process; pgserver stops it at exit


def start(data_dir: Path):
    """Start (or join) the embedded server and make sure our database exists."""
    global _server
    if _server is None:
        import atexit
        import warnings

        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp: fine here.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver  # imported lazily: production never needs it

        data_dir.mkdir(exist_ok=True)
        exit_on_sigterm()
        with stop_signals_held():
            recover_handles(data_dir)
            _server = pgserver.get_server(data_dir, cleanup_mode="stop")
            # Registered after pgserver's own exit hook, so it runs just before it (atexit is last in, first out).
            atexit.register(before_server_cleanup, data_dir)
        _ensure_database(_server)
    return _server


def _pgserver_lock():
    """The inter-process lock pgserver holds whenever it reads or writes the handle file."""
    from pgserver.postgres_server import PostgresServer

    return PostgresServer._lock


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def recover_handles(data_dir: Path, *, assume: list[int] | tuple = (), lock=None) -> list[int]:
    """Under pgserver's lock, make the handle file a list of processes that are still alive.

    A file that is empty or not a list of pids counts as `assume` (no handles, unless told
    otherwise); processes that are gone — killed, so they never said so — are dropped, or
    their pids would keep the server up for good. Written whole (a new file moved into
    place), so this repair can never itself leave half a file. Returns the pids kept.
    """
    handles = Path(data_dir) / HANDLES
    with lock if lock is not None else _pgserver_lock():
        try:
            text = handles.read_text()
        except FileNotFoundError:
            return []
        except OSError as error:
            text, reason = None, str(error)
        pids = None
        if text is not None:
            try:
                pids = json.loads(text)
            except ValueError as error:
                reason = f"not JSON ({error})"
            else:
                if not (isinstance(pids, list) and all(type(pid) is int for pid in pids)):
                    pids, reason = None, "not a list of process ids"
        unreadable = pids is None
        if unreadable:
            logger.warning("%s was unreadable (%s): taken as %s.", handles, reason, list(assume))
            pids = list(assume)
        kept = [pid for pid in pids if _alive(pid)]
        if kept == pids and not unreadable:
            return kept
        tmp = handles.with_name(f"{HANDLES}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(kept))
        os.replace(tmp, handles)
        return kept


_STOP_SIGNALS = ("SIGTERM", "SIGINT")


@contextlib.contextmanager
def stop_signals_held():
    """SIGTERM and SIGINT wait until the block is done (then act as they would have), so the server
    start and pgserver's handle-file write are never cut half-way. Only the main thread has signals."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for name in _STOP_SIGNALS:
        number = getattr(signal, name)
        previous[number] = signal.signal(number, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if received:
        signal.raise_signal(received[0])  # now delivered to the handler that was in place


def exit_on_sigterm() -> None:
    """Python's default SIGTERM ends the process without running atexit, where pgserver stops the
    server: turn it into a normal exit. (SIGINT already is one: KeyboardInterrupt.)"""
    import signal
    import sys
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def before_server_cleanup(data_dir: Path) -> None:
    """At exit, just before pgserver decides whether this process was the last one using the server.

    A second Ctrl-C or a SIGTERM now would cut that decision (and the server's stop) half-way, so
    they are ignored. Processes that died without saying so are forgotten, so a process that is
    really the last one does stop the server; an unreadable file counts as this process alone.
    """
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        for name in _STOP_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    try:
        recover_handles(data_dir, assume=[os.getpid()])
    except Exception as error:  # never stop pgserver's own cleanup from running
        logger.warning("Could not check %s at exit: %r", Path(data_dir) / HANDLES, error)


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
