"""Project roles and what each may do. Pure: no Django model imports."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    PREDICTOR = "predictor", "Predictor (service account: inference and feedback only)"
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    MAINTAINER = "maintainer", "Maintainer"
    OWNER = "owner", "Owner"


class Action(models.TextChoices):
    """What a request wants to do inside a project; every project-scoped view names one per method."""

    READ = "read"  # list and read anything in the project
    WRITE = "write"  # create data, runs, jobs, versions
    OPERATE = "operate"  # approve, deploy, roll back, manage alerts, upload external models
    ADMIN = "admin"  # manage members and service accounts, delete the project
    PREDICT = "predict"  # call inference and send feedback


_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.MAINTAINER: 3, Role.OWNER: 4}
_MIN_RANK = {Action.READ: 1, Action.WRITE: 2, Action.OPERATE: 3, Action.ADMIN: 4, Action.PREDICT: 2}


def role_allows(role: str | None, action: str) -> bool:
    """Whether a member with ``role`` may perform ``action``.

    The predictor role is outside the ladder: it may predict and nothing else, and no other action implies it.
    """
    if role is None:
        return False
    if role == Role.PREDICTOR:
        return action == Action.PREDICT
    rank = _RANK.get(Role(role))
    return rank is not None and rank >= _MIN_RANK[Action(action)]
