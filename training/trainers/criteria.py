"""Acceptance criteria live in ``core.criteria`` (the registry's approval checks use them too); re-exported."""

from core.criteria import OPERATORS, check_criteria, check_criterion

__all__ = ["OPERATORS", "check_criteria", "check_criterion"]
