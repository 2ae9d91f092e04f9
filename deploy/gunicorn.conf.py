"""Gunicorn's configuration for the web app: every setting from the environment (docs/deploy.md).

    gunicorn -c deploy/gunicorn.conf.py 'webapp:create_app()'

The app is built once in the master and forked (`preload_app`): the content is loaded and checked
once, and a content problem stops the start-up before any worker exists. That is safe because
create_app() opens no connection: each worker creates its own database engine on first use
(webapp/db.py), and redis-py's pool starts afresh in a child process.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    """An integer setting from the environment; a wrong value stops the start with its name."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None


# Where to listen: an address:port, or unix:/run/tqm/web.sock behind a local proxy.
bind = [os.environ.get("TQM_BIND", "127.0.0.1:8000")]

# Sync workers: a request holds its worker, so the count bounds the requests served at once.
# Pages are short (tens of ms); a PDF takes 1-3 s of CPU in a child process of its worker.
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("TQM_THREADS", 1)

# Above TQM_PDF_TIMEOUT (25 s by default): the app stops a slow PDF itself and answers 503 first.
timeout = _int("TQM_WORKER_TIMEOUT", 30)
graceful_timeout = _int("TQM_GRACEFUL_TIMEOUT", 30)  # to finish requests on SIGTERM (a deploy)
keepalive = _int("TQM_KEEPALIVE", 5)  # seconds; above the proxy's idle time to its upstreams

# Restart each worker after this many requests (with jitter, so they do not restart together):
# bounds the memory a long-lived worker gathers from rendering reports.
max_requests = _int("TQM_MAX_REQUESTS", 2000)
max_requests_jitter = _int("TQM_MAX_REQUESTS_JITTER", 200)

# Whose X-Forwarded-Proto gunicorn believes (comma-separated addresses, "*" for any): the proxy's.
# The app's own TQM_PROXY_HOPS decides which X-Forwarded-For/-Host it believes (webapp/config.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

preload_app = True
# The workers' heartbeat files in memory: a slow or full disk must not make workers look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs to standard output/error: systemd's journal or the container runtime keeps them.
accesslog = os.environ.get("TQM_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("TQM_LOG_LEVEL", "info")
proc_name = "tqm-web"
