"""Packaging and configuration traps."""
import os

import pytest
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_platform_folder_does_not_shadow_the_standard_library():
    import platform
    import uuid

    assert not (ROOT / "platform" / "__init__.py").exists()
    assert platform.system() and uuid.uuid4()
    import localservice.settings_test  # noqa: F401  (the folder is importable under its own name)


def test_check_deploy_is_clean_with_debug_off():
    env = {k: v for k, v in os.environ.items() if k not in ("LOCALSERVICE_TESTING", "DEV_IDENTITY_PROVIDER")}
    env = {**env, "DEBUG": "false", "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0987",
           "BASE_DOMAIN": "localservice.example.go.th", "DJANGO_SETTINGS_MODULE": "localservice.settings"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_key_when_not_debugging():
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "LOCALSERVICE_TESTING", "DEV_IDENTITY_PROVIDER")}
    env.update(DEBUG="false", DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
               DJANGO_SETTINGS_MODULE="localservice.settings")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_development_identity_provider_is_refused_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k != "LOCALSERVICE_TESTING"}
    env.update(DEBUG="false", DEV_IDENTITY_PROVIDER="true", SECRET_KEY="x" * 60,
               DATABASE_URL="postgres://nobody@127.0.0.1:1/none", DJANGO_SETTINGS_MODULE="localservice.settings")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "DEV_IDENTITY_PROVIDER" in result.stderr


@pytest.mark.django_db
def test_each_lao_type_publishes_its_openapi_schema(client, pao, sao):
    pao_schema = client.get("/api/schema/", HTTP_HOST=pao.host)
    sao_schema = client.get("/api/schema/", HTTP_HOST=sao.host)
    assert pao_schema.status_code == 200 and sao_schema.status_code == 200
    assert b"/api/businesses/{business_id}/returns/" in pao_schema.content
    assert b"BusinessApiKey" in pao_schema.content and b"/api/advertising/" not in pao_schema.content
    assert b"/api/advertising/applications/" in sao_schema.content and b"/api/bank/json/" in sao_schema.content
    assert b"/api/businesses/" not in sao_schema.content


@pytest.mark.django_db
def test_daily_reminder_command_runs_for_every_lao_with_permits(capsys):
    from django.core.management import call_command

    call_command("advertising_reminders")
    assert "Reminders sent: 0" in capsys.readouterr().out


@pytest.mark.django_db
def test_api_documentation_loads_nothing_from_a_cdn(client, sao):
    for host in ("localhost", sao.host):
        page = client.get("/api/docs/", HTTP_HOST=host).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page and "cdn" not in page.lower()
