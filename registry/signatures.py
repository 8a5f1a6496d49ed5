"""Model signatures: compatibility between two versions' inputs. Pure: no Django imports."""

from __future__ import annotations

from typing import Any


def _features(signature: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in signature.get("inputs", []) if isinstance(f, dict) and "name" in f}


def signature_compatibility(candidate: dict[str, Any], reference: dict[str, Any]) -> dict[str, Any]:
    """Whether ``candidate`` accepts every request that ``reference`` accepts: same feature names and kinds, the
    same task and outputs, and categorical features accepting at least the reference's categories."""
    new, old = _features(candidate), _features(reference)
    problems: list[str] = []
    problems += [f"feature {name!r} is missing" for name in sorted(set(old) - set(new))]
    problems += [f"feature {name!r} is new and required" for name in sorted(set(new) - set(old))]
    for name in sorted(set(old) & set(new)):
        if old[name].get("kind") != new[name].get("kind"):
            problems.append(f"feature {name!r} changed kind {old[name].get('kind')} -> {new[name].get('kind')}")
        lost = set(old[name].get("categories") or []) - set(new[name].get("categories") or [])
        if new[name].get("categories") is not None and lost:
            problems.append(f"feature {name!r} no longer knows categories {sorted(map(str, lost))[:5]}")
    old_out, new_out = reference.get("output") or {}, candidate.get("output") or {}
    if old_out.get("task_type") != new_out.get("task_type"):
        problems.append(f"task type changed {old_out.get('task_type')} -> {new_out.get('task_type')}")
    old_classes, new_classes = old_out.get("classes"), new_out.get("classes")
    if (
        old_classes is not None
        and new_classes is not None
        and sorted(map(str, old_classes)) != sorted(map(str, new_classes))
    ):
        problems.append("the predicted classes changed")
    return {"compatible": not problems, "problems": problems}
