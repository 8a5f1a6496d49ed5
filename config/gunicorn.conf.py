"""gunicorn settings for Keel's web process (``gunicorn -c config/gunicorn.conf.py config.wsgi:application``).

Threaded workers (``gthread``): a prediction spends most of its time in the model runtime and the database, both of
which release the GIL. Every value can be set from the environment.

On the embedded default (no ``DATABASE_URL``) the cache is in-process memory, so a second worker process would not
see a traffic change made through the first: the embedded default runs one worker.
"""

import os

bind = os.environ.get("KEEL_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("KEEL_WEB_WORKERS", "2" if os.environ.get("DATABASE_URL") else "1"))
threads = int(os.environ.get("KEEL_WEB_THREADS", "4"))
timeout = int(os.environ.get("KEEL_WEB_TIMEOUT", "60"))
