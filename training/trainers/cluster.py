"""Where the cross-validated search's joblib tasks run: local processes by default, or an existing Dask cluster.

``search_backend(address)`` connects a ``distributed.Client`` to the scheduler at ``address`` and makes joblib's
``dask`` backend active for the duration, so every (candidate, fold) task of the search is a Dask task. The data
and pipeline are shipped with each task; the result (best parameters, CV scores) is the same as on local
processes, because every task is seeded from the spec. ``dask[distributed]`` is an optional dependency (the
``cluster`` extra); without an address it is never imported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import joblib


class ClusterUnavailable(Exception):
    """A scheduler address is configured but Dask is not installed or the scheduler cannot be reached."""


@contextlib.contextmanager
def search_backend(address: str | None, *, timeout: float = 30.0) -> Iterator[str]:
    """Run joblib work inside on the Dask cluster at ``address``, or on local processes when it is empty.
    Yields the backend's name ("loky" or "dask")."""
    if not address:
        yield "loky"
        return
    try:
        import distributed
    except ImportError:
        raise ClusterUnavailable(
            "DASK_SCHEDULER_ADDRESS is set but dask[distributed] is not installed (install the 'cluster' extra)"
        ) from None
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except OSError as exc:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        with client.as_current(), joblib.parallel_backend("dask"):
            yield "dask"
    finally:
        client.close()
