"""gunicorn settings for KyphoQuiz (`make serve`, and production behind a TLS proxy).

Every value can be changed from the environment without editing this file:
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_WORKER_CLASS and GUNICORN_THREADS (to measure
"gthread" against "sync", benchmarks/README.md), GUNICORN_TIMEOUT, GUNICORN_FORWARDED_ALLOW_IPS,
and GUNICORN_ACCESSLOG (a file, "-" for standard output, the default, or empty for none).
"""

import os

wsgi_app = "kyphoquiz.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request is short (one page or one save), and a 2-core machine was measured
# fastest with 2 of them (benchmarks/README.md). Add servers rather than threads to scale.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle each worker now and then, at different moments, so a slow leak never grows.
max_requests = 5000
max_requests_jitter = 500
# Only the proxy in front may say a request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
