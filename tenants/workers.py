"""Work over many LAO schemas in parallel threads, each with its own database connection.

Used by bulk onboarding and by migrate_schemas. Each thread keeps its connection for
many items (a new PostgreSQL backend per item would cost more than the work) and
replaces it every `recycle_every` items: a backend's catalog caches grow with every
schema it touches (≈28 KB each) and are only given back when it ends.
"""
from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from django.db import connection, connections

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    item: Any
    result: Any = None
    error: BaseException | None = None


def run_in_workers(items: Iterable, task: Callable[[Any], Any], *, workers: int, recycle_every: int = 500,
                   on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Call `task(item)` for every item in `workers` threads; an item's exception is its outcome, not the end.

    Ctrl-C (KeyboardInterrupt in the caller) stops handing out items; items under way finish
    or roll back on their own transactions, so a later run picks up where this one stopped.
    """
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for item in items:
        pending.put(item)
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    stop = threading.Event()

    def worker():
        handled = 0
        try:
            while not stop.is_set():
                try:
                    item = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    outcome = Outcome(item, result=task(item))
                except Exception as error:  # one schema's failure is reported, the others go on
                    logger.warning("%s failed: %s", item, error, exc_info=error)
                    outcome = Outcome(item, error=error)
                    connection.close()  # a broken connection or transaction must not taint the next item
                connection.set_schema_to_public()
                with lock:
                    outcomes.append(outcome)
                if on_done is not None:
                    on_done(outcome)
                handled += 1
                if handled % recycle_every == 0:
                    connection.close()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, name=f"schema-worker-{n}", daemon=True)
               for n in range(max(1, workers))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)
    except KeyboardInterrupt:
        stop.set()
        for thread in threads:
            thread.join()
        raise
    return outcomes
