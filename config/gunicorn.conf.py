"""gunicorn settings for Keel's web process (``gunicorn -c config/gunicorn.conf.py config.wsgi:application``).

Threaded workers (``gthread``): a prediction spends most of its time in the model runtime and the database, both of
which release the GIL. Every value can be set from the environment.

On the embedded default (no ``DATABASE_URL``) the cache is in-process memory, so a second worker process would not
see a traffic change made through the first: the embedded default runs one worker.

Keep-alive connections stay on the worker that accepted them, and a burst of new connections is often accepted by one
worker alone (8 of 8 on one process in the serving benchmark, the other idle). As nginx's ``keepalive_requests``
does, a connection is closed after ``KEEL_KEEPALIVE_REQUESTS`` requests (0: never): the client reconnects, and the
worker with spare time accepts first, so the load spreads again within a second at benchmark rates. gunicorn has no
such setting; the ``pre_request`` hook marks the request (its ``req_number`` counts requests on the connection) so
gunicorn answers it with ``Connection: close``.
"""

import os
from typing import Any

bind = os.environ.get("KEEL_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("KEEL_WEB_WORKERS", "2" if os.environ.get("DATABASE_URL") else "1"))
threads = int(os.environ.get("KEEL_WEB_THREADS", "4"))
timeout = int(os.environ.get("KEEL_WEB_TIMEOUT", "60"))
keepalive_requests = int(os.environ.get("KEEL_KEEPALIVE_REQUESTS", "100"))


def pre_request(worker: Any, req: Any) -> None:
    """Close the connection after this request when it is the connection's ``keepalive_requests``-th."""
    worker.log.debug("%s %s", req.method, req.path)  # gunicorn's default pre_request
    if keepalive_requests and req.req_number >= keepalive_requests:
        req.must_close = True
