"""Project webhooks: subscriptions, signed deliveries with retries, and the SSRF guard in front of them.

Other apps call :func:`core.webhooks.services.webhook_emit` inside their transactions; event types live in
:data:`core.webhooks.events.WEBHOOK_EVENT_TYPES`. Monitoring's notification channels reuse the same delivery
machinery (``core.webhooks.delivery`` and the ``core.deliver_webhook`` task).

Modules: ``events`` (the event type list), ``signing`` and ``ssrf`` and ``transport`` (pure, no Django),
``services`` (writes), ``delivery`` (one delivery attempt), ``selectors`` (reads), ``serializers`` and ``apis``.
This package ``__init__`` imports nothing, so models can import ``events`` while the app registry loads.
"""
