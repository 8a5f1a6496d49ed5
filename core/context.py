"""Per-request context (request id, caller, client address) carried in context variables.

Services read it to fill audit rows without taking a request argument; Celery tasks run with an empty context.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    request_id: str = ""
    method: str = ""
    path: str = ""
    ip: str | None = None
    user_agent: str = ""
    audited: bool = False
    extra: dict[str, object] = field(default_factory=dict)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("keel_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def activate(ctx: RequestContext) -> contextvars.Token[RequestContext | None]:
    return _current.set(ctx)


def deactivate(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
