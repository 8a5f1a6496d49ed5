from __future__ import annotations

from rest_framework import throttling


class AnonThrottle(throttling.AnonRateThrottle):
    scope = "anon"


class UserThrottle(throttling.UserRateThrottle):
    scope = "user"
