"""gunicorn settings for `make serve-prod` (gunicorn -c config/gunicorn.py config.wsgi); each may be overridden on the
command line. Sync workers: the pages are short CPU-bound requests, and a proxy in front buffers slow clients."""

import os

bind = os.environ.get("PILOTE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PILOTE_WORKERS", "2"))
timeout = int(os.environ.get("PILOTE_WORKER_TIMEOUT", "60"))
accesslog = "-" if os.environ.get("PILOTE_ACCESS_LOG", "1") not in {"0", "false", ""} else None
# Refuse absurd request lines and headers before Django sees them (Django's own limits cover the body).
limit_request_line = 8190
limit_request_fields = 100
# No runtime control socket: its default path is per user, so two servers of one user (the bench's and another)
# would take the same one; workers are managed by restarting the service.
control_socket_disable = True
