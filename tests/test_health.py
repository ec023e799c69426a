import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["localhost", "pao-phrae.localhost", "no-such.localhost", "10.0.0.5"])
def test_healthz_answers_on_any_host(client, host):
    response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import connection

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", down)
    response = client.get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
