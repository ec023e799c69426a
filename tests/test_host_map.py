"""Every process's map of LAO hosts, and each LAO's cached home content, follow changes made elsewhere at once.

"Another process" here is a second HostMap: it shares nothing with the one the requests use but the cache
(Redis in production), so it learns of a change only through the version the change bumps there.
"""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.lao_profile.models import Announcement
from tenant_apps.lao_profile.services import announcement_publish, profile_update
from tenants.host_map import VERSION_KEY, HostMap, host_map
from tenants.models import LAOStatus
from tenants.services import lao_change_hostname, lao_set_status, onboard_lao

pytestmark = pytest.mark.django_db


def get(client, host, path="/"):
    return client.get(path, HTTP_HOST=host)


def queries(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return result, [query["sql"] for query in captured if not query["sql"].startswith("SET search_path")]


@pytest.fixture
def other(sao):
    """Another process's map, read before the change under test."""
    other = HostMap()
    assert other.lookup(sao.host).pk == sao.pk
    return other


def test_a_host_is_found_without_a_query_once_the_map_is_read(other, sao, pao):
    lao, sent = queries(lambda: other.lookup(pao.host))
    assert lao.pk == pao.pk and lao.province.pk == pao.province_id and sent == []
    assert queries(lambda: other.lookup("nowhere.localhost"))[1] == []  # an unknown host costs no query either
    assert other.lookup("nowhere.localhost") is None
    lao.domain_url = "changed by a request"
    assert other.lookup(pao.host).domain_url != "changed by a request"  # each request gets its own copy


def test_a_new_lao_is_routed_at_once_in_another_processs_view(other, registered_lao, client,
                                                               django_capture_on_commit_callbacks):
    assert other.lookup(registered_lao.host) is None
    with django_capture_on_commit_callbacks(execute=True):
        onboard_lao(lao=registered_lao)
    lao, sent = queries(lambda: other.lookup(registered_lao.host))
    assert lao.pk == registered_lao.pk and lao.status == LAOStatus.ACTIVE
    assert len(sent) == 1  # only the hosts that changed are read again, not the registry
    assert get(client, registered_lao.host).status_code == 200


def test_a_renamed_lao_is_routed_at_its_new_host_only(other, town, dla_admin, client,
                                                       django_capture_on_commit_callbacks):
    old_host = town.host
    assert other.lookup(old_host).pk == town.pk
    with django_capture_on_commit_callbacks(execute=True):
        renamed = lao_change_hostname(lao=town, hostname="town-renamed", actor=dla_admin)
    assert other.lookup(old_host) is None
    assert other.lookup(renamed.host).pk == town.pk
    assert get(client, renamed.host).status_code == 200
    assert get(client, old_host).status_code == 404


def test_a_suspended_lao_stops_being_served_at_once(other, town, dla_admin, client,
                                                    django_capture_on_commit_callbacks):
    assert get(client, town.host).status_code == 200  # the requests' own map holds it active
    with django_capture_on_commit_callbacks(execute=True):
        lao_set_status(lao=town, status=LAOStatus.SUSPENDED, actor=dla_admin, reason="ทดสอบ")
    assert other.lookup(town.host).status == LAOStatus.SUSPENDED
    assert get(client, town.host).status_code == 503
    assert get(client, town.host, "/advertising/").status_code == 503
    with django_capture_on_commit_callbacks(execute=True):
        lao_set_status(lao=town, status=LAOStatus.ACTIVE, actor=dla_admin, reason="ทดสอบ")
    assert get(client, town.host).status_code == 200


def test_the_change_is_announced_again_on_commit(other, town, dla_admin, django_capture_on_commit_callbacks):
    """A process that re-read the host while the change was still open reads it again after the commit."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lao_set_status(lao=town, status=LAOStatus.SUSPENDED, actor=dla_admin, reason="ทดสอบ")
        other.lookup(town.host)  # what another connection would see as the old row
        seen = cache.get(VERSION_KEY)
    for callback in callbacks:
        callback()
    assert cache.get(VERSION_KEY) > seen
    _lao, sent = queries(lambda: other.lookup(town.host))
    assert len(sent) == 1


def test_a_lost_version_key_means_everything_is_read_again(other, town, sao):
    cache.delete(VERSION_KEY)  # evicted, or Redis restarted
    lao, sent = queries(lambda: other.lookup(town.host))
    assert lao.pk == town.pk and len(sent) == 1  # the whole registry, one query
    assert queries(lambda: other.lookup(sao.host))[1] == []


def test_a_change_the_signals_miss_is_seen_after_the_cache_time(other, town, settings, monkeypatch):
    from tenants.models import LAO

    LAO.objects.filter(pk=town.pk).update(name_en="Changed behind the signals")
    assert other.lookup(town.host).name_en != "Changed behind the signals"
    import tenants.host_map as module

    later = module.time.monotonic() + settings.TENANT_CACHE_SECONDS + 1
    monkeypatch.setattr(module.time, "monotonic", lambda: later)
    assert other.lookup(town.host).name_en == "Changed behind the signals"


# --- the LAO home's own content, cached per LAO ------------------------------------------------------

def lao_queries(client, host):
    with CaptureQueriesContext(connection) as captured:
        page = get(client, host).content.decode()
    return page, [query["sql"] for query in captured if "lao_profile" in query["sql"]]


def test_the_home_reads_its_schema_once_and_again_after_each_change(client, sao,
                                                                    django_capture_on_commit_callbacks):
    page, sent = lao_queries(client, sao.host)
    assert len(sent) == 2 and "054-999-999" not in page  # the profile (with the next one due), announcements
    page, sent = lao_queries(client, sao.host)
    assert sent == []  # served from the cache: the LAO's tables are not opened
    with schema_context(sao.schema_name), django_capture_on_commit_callbacks(execute=True):
        profile_update(actor=None, phone="054-999-999")
    page, sent = lao_queries(client, sao.host)
    assert "054-999-999" in page and sent
    with schema_context(sao.schema_name), django_capture_on_commit_callbacks(execute=True):
        announcement_publish(title="ประกาศรับสมัครงาน", body="รายละเอียด", actor=None)
    assert "ประกาศรับสมัครงาน" in get(client, sao.host).content.decode()
    with schema_context(sao.schema_name), django_capture_on_commit_callbacks(execute=True):
        Announcement.objects.filter(title="ประกาศรับสมัครงาน").get().delete()
    assert "ประกาศรับสมัครงาน" not in get(client, sao.host).content.decode()


def test_a_home_read_while_a_change_was_open_is_not_served_after_it(client, sao,
                                                                    django_capture_on_commit_callbacks):
    with schema_context(sao.schema_name), django_capture_on_commit_callbacks(execute=False) as callbacks:
        profile_update(actor=None, phone="054-888-888")
    # the signal's own bump is undone, as if another connection had read (and cached) the old row meanwhile
    from tenant_apps.lao_profile import selectors

    key = selectors.HOME_VERSION_KEY.format(schema=sao.schema_name)
    cache.set(key, cache.get(key) - 1)
    with schema_context(sao.schema_name):
        from tenant_apps.lao_profile.models import LAOProfile

        LAOProfile.objects.filter(pk=1).update(phone="054-000-000")  # the old row that other reader saw
    assert "054-000-000" in get(client, sao.host).content.decode()  # cached under the old version
    with schema_context(sao.schema_name):
        LAOProfile.objects.filter(pk=1).update(phone="054-888-888")
    for callback in callbacks:  # the commit
        callback()
    assert "054-888-888" in get(client, sao.host).content.decode()


def test_a_scheduled_announcement_appears_when_it_falls_due(client, sao, monkeypatch):
    soon = timezone.now() + timedelta(hours=1)
    with schema_context(sao.schema_name):
        announcement_publish(title="ประกาศล่วงหน้า", body="รายละเอียด", actor=None, at=soon)
    assert "ประกาศล่วงหน้า" not in get(client, sao.host).content.decode()
    assert "ประกาศล่วงหน้า" not in get(client, sao.host).content.decode()  # cached, still not due
    monkeypatch.setattr(timezone, "now", lambda: soon + timedelta(minutes=1))
    assert "ประกาศล่วงหน้า" in get(client, sao.host).content.decode()


def test_the_requests_map_is_the_module_one(client, sao):
    get(client, sao.host)
    assert queries(lambda: host_map.lookup(sao.host))[1] == []
