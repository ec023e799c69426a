"""Every LAO host in each process's memory: hostname -> LAO, kept true by a version in the shared cache.

A request roaming over 7,849 LAO hosts would otherwise miss a per-host cache almost every time (in a
worker's local memory 7,849 hosts take many minutes to warm; even in Redis each miss is a Domain query
plus pickling a LAO), costing ≈2 ms of a ≈3 ms light page. The registry is small — 7,849 rows — and
changes rarely, so each process holds all of it, read with one query, and checks one shared-cache key per
request (the version) to learn that another process changed something:

- a change to a LAO or a domain (tenants.signals; the registry import) increments the version and writes,
  under the new version number, which hosts changed ("*" for all of them), both when it is made and again
  on commit — a process that re-read the hosts while the transaction was open reads them again then;
- a process whose version is behind re-reads only the hosts the versions in between name (one query),
  or everything (one query) when one of those notes is missing, it is too far behind, the version key
  itself is gone from the cache (a new epoch then starts from the clock, so it never equals an old one),
  or TENANT_CACHE_SECONDS passed (a change made behind the signals' back is seen within that time).

Each request gets its own copy of the LAO (the middleware sets attributes on it); the province and
district objects are shared, read-only.
"""
from __future__ import annotations

import copy
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "lao-hosts:version"
_CHANGE_KEY = "lao-hosts:change:{}"
_EVERYTHING = "*"
_MAX_REPLAY = 200  # versions behind beyond which one full read is cheaper than replaying the notes


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)  # a new epoch; add: the first process wins
        version = cache.get(VERSION_KEY)
    return version


def _bump(hosts) -> None:
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # the key was evicted or never set: start an epoch, then count from it
        current_version()
        version = cache.incr(VERSION_KEY)
    cache.set(_CHANGE_KEY.format(version), hosts, timeout=settings.TENANT_CACHE_SECONDS)


def hosts_changed(hosts=None) -> None:
    """Tell every process that these hosts' LAOs or domains changed (None: possibly all of them).

    Now, for this process's own view inside the transaction, and again on commit for everyone's.
    """
    hosts = _EVERYTHING if hosts is None else sorted({host for host in hosts if host})
    if not hosts:
        return
    _bump(hosts)
    transaction.on_commit(lambda: _bump(hosts))


class HostMap:
    """One process's map of every LAO host; `lookup` is what a request calls."""

    def __init__(self):
        self._hosts: dict | None = None
        self._version = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def lookup(self, host: str):
        version = current_version()
        if self._hosts is None or version != self._version \
                or time.monotonic() - self._read_at > settings.TENANT_CACHE_SECONDS:
            with self._lock:
                if self._hosts is None or version != self._version \
                        or time.monotonic() - self._read_at > settings.TENANT_CACHE_SECONDS:
                    self._refresh(version)
        lao = self._hosts.get(host)
        return copy.copy(lao) if lao is not None else None

    def _refresh(self, version) -> None:
        changed = self._changed_since(version)
        if changed is None:
            self._hosts, self._read_at = _read(), time.monotonic()
        else:
            hosts = dict(self._hosts)
            found = _read(changed)
            for host in changed:
                if host in found:
                    hosts[host] = found[host]
                else:
                    hosts.pop(host, None)
            self._hosts = hosts
        self._version = version

    def _changed_since(self, version) -> set | None:
        """The hosts the versions after ours name, or None when everything must be read again."""
        if self._hosts is None or not isinstance(self._version, int) \
                or time.monotonic() - self._read_at > settings.TENANT_CACHE_SECONDS:
            return None
        behind = version - self._version
        if not 0 < behind <= _MAX_REPLAY:
            return None
        keys = [_CHANGE_KEY.format(number) for number in range(self._version + 1, version + 1)]
        notes = cache.get_many(keys)
        if len(notes) != len(keys) or any(note == _EVERYTHING for note in notes.values()):
            return None
        return {host for note in notes.values() for host in note}


def _read(hosts=None) -> dict:
    """host -> LAO for these hosts (None: all), in one query; equal provinces and districts share one object."""
    from .models import Domain

    domains = Domain.objects.select_related("tenant__province", "tenant__district")
    if hosts is not None:
        domains = domains.filter(domain__in=list(hosts))
    provinces, districts, found = {}, {}, {}
    for domain in domains:
        lao = domain.tenant
        lao.province = provinces.setdefault(lao.province_id, lao.province)
        if lao.district_id is not None:
            lao.district = districts.setdefault(lao.district_id, lao.district)
        found[domain.domain] = lao
    return found


host_map = HostMap()
