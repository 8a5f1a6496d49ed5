from enum import StrEnum


class EventTypesEnum(StrEnum):
    MODEL_ALIAS_MOVED = "model_alias.moved"
    MODEL_VERSION_APPROVED = "model_version.approved"
    MODEL_VERSION_CREATED = "model_version.created"
    MODEL_VERSION_REJECTED = "model_version.rejected"
    MODEL_VERSION_UNHEALTHY = "model_version.unhealthy"
    VALUE_0 = "*"
    WEBHOOK_PING = "webhook.ping"

    def __str__(self) -> str:
        return str(self.value)
