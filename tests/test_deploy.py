"""The production files in deploy/: gunicorn's config loads and recycles its workers, and the compose stack
puts PgBouncer (session mode) between every app service and PostgreSQL, with Celery worker and beat.

`docker compose config` is the full check of compose.yaml (README.md); this one runs everywhere.
"""
import re
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def _env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


def _gunicorn_settings(monkeypatch, **environ) -> dict:
    from gunicorn.config import Config

    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    namespace = {"__file__": str(DEPLOY / "gunicorn.conf.py")}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    config = Config()
    for key, value in namespace.items():
        if key in config.settings:
            config.set(key, value)  # what gunicorn does with a config file: unknown names would fail here
    return {name: setting.get() for name, setting in config.settings.items()}


def test_gunicorn_config_recycles_workers_and_follows_the_environment(monkeypatch):
    settings = _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="5", GUNICORN_MAX_REQUESTS="1500")
    assert settings["wsgi_app"] == "localservice.wsgi:application"
    assert settings["workers"] == 5 and settings["max_requests"] == 1500
    assert 0 < settings["max_requests_jitter"] < settings["max_requests"]
    assert settings["keepalive"] > 0 and settings["timeout"] >= 30 and settings["graceful_timeout"] > 0
    assert not settings["preload_app"]  # no connection opened before the fork


def test_gunicorn_defaults_match_env_example(monkeypatch):
    env = _env_example()
    for key in ("WEB_CONCURRENCY", "GUNICORN_MAX_REQUESTS", "GUNICORN_MAX_REQUESTS_JITTER", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)
    settings = _gunicorn_settings(monkeypatch)
    assert settings["workers"] == int(env["WEB_CONCURRENCY"])
    assert settings["max_requests"] == int(env["GUNICORN_MAX_REQUESTS"])
    assert settings["max_requests_jitter"] == int(env["GUNICORN_MAX_REQUESTS_JITTER"])
    assert settings["timeout"] == int(env["GUNICORN_TIMEOUT"])


@pytest.fixture(scope="module")
def compose() -> dict:
    text = (DEPLOY / "compose.yaml").read_text()
    env = _env_example()
    unset = []

    def interpolate(match):
        if match.group(0) == "$$":
            return "$"
        name, default = match.group("name"), match.group("default")
        if name in env:
            return env[name]
        if default is None:
            unset.append(name)
        return default or ""

    pattern = r"\$\$|\$\{(?P<name>\w+)(?::-(?P<default>[^}]*)|:\?[^}]*)?\}"
    doc = yaml.safe_load(re.sub(pattern, interpolate, text))
    doc["_unset"] = unset
    return doc


def test_compose_variables_without_a_default_are_in_env_example(compose):
    assert compose["_unset"] == []


def test_every_app_service_reaches_postgresql_through_pgbouncer_in_session_mode(compose):
    services = compose["services"]
    bouncer = services["pgbouncer"]["environment"]
    assert bouncer["POOL_MODE"] == "session"
    assert bouncer["SERVER_RESET_QUERY"] == "DISCARD ALL" and int(bouncer["SERVER_LIFETIME"]) > 0
    assert "env_file" not in services["pgbouncer"]  # its entrypoint would take DATABASE_URL for its own
    assert "@pgbouncer:5432/" in _env_example()["DATABASE_URL"]
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
        assert "DATABASE_URL" not in (services[name].get("environment") or {}), name
        assert services[name]["depends_on"]["pgbouncer"]["condition"] == "service_healthy", name
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
    assert "@db:5432/" in services["migrate"]["environment"]["DATABASE_URL"]  # migrations go straight to it


def test_web_worker_and_beat_run_the_same_image(compose):
    services = compose["services"]
    assert {services[name]["image"] for name in ("migrate", "web", "worker", "beat")} == {"localservice-web"}
    assert services["web"]["command"] == ["gunicorn", "-c", "/app/deploy/gunicorn.conf.py"]
    worker = " ".join(services["worker"]["command"])
    assert "celery -A localservice.celery worker" in worker and "--max-tasks-per-child" in worker
    assert services["beat"]["command"][:4] == ["celery", "-A", "localservice.celery", "beat"]
    assert _env_example()["CELERY_BROKER_URL"].startswith("redis://redis:6379/")


def test_persistent_connections_are_recycled_in_env_example():
    env = _env_example()
    assert int(env["CONN_MAX_AGE"]) == 600 and env["CONN_HEALTH_CHECKS"] == "true"
    assert int(env["DB_CONN_MAX_REQUESTS"]) == 1000 and int(env["DB_CONN_MAX_SCHEMAS"]) == 500
