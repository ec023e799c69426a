"""gunicorn settings for the web service (deploy/compose.yaml): `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed from the environment (deploy/.env). Why these: each worker keeps its PostgreSQL
connection open between requests (CONN_MAX_AGE), and a PostgreSQL backend's catalog caches grow by about 28 KB
for every LAO schema it touches and are never given back. Restarting each worker after a bounded number of
requests (with jitter, so the workers do not all restart at once) closes its connection and with it the
backend, which bounds that memory; the app also recycles a connection after DB_CONN_MAX_REQUESTS requests or
DB_CONN_MAX_SCHEMAS distinct schemas (platform settings). See deploy/SCALING.md.
"""
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "localservice.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Synchronous workers: one request at a time each, one database connection each. 2-4 per core.
workers = _int("WEB_CONCURRENCY", 3)
worker_class = "sync"

# Recycle workers (and their PostgreSQL backends): after max_requests plus up to max_requests_jitter requests.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 400)

# nginx in front keeps connections to gunicorn; a short keep-alive lets a sync worker move on.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A request still running after this many seconds gets its worker killed and replaced (PDFs, statement
# uploads are the slow ones; longer work belongs on the Celery workers).
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Workers load the app themselves (no preload): no database connection is opened before the fork and shared.
preload_app = False
# The worker heartbeat file in memory, not on the container's overlay filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Requests with big headers or bodies are nginx's to refuse; these are gunicorn's defaults, stated.
limit_request_line = 4094
limit_request_fields = 100

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-For is read by the app (PROXY_COUNT / TRUSTED_PROXIES), not by gunicorn.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
