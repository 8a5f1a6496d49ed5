"""Deployments: creation, strategy actions (each a new immutable revision), rollback, promotion, feedback."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from core.audit import audit_record
from core.errors import Conflict, NotFound, ValidationFailed
from core.models import Project, User
from registry.models import ModelVersion, RegisteredModel
from registry.selectors.models import model_version_by_alias, model_version_get, registered_model_get
from registry.services.approvals import approval_next_step, version_url
from serving import runtime
from serving.inference import run_model
from serving.models import Deployment, Feedback, PredictionLog, Revision, Strategy, Variant, VariantRole

POLICY_KEYS = {"unknown_features", "flag_out_of_range", "max_batch", "missing_values"}


@dataclass
class VariantSpec:
    name: str
    version: ModelVersion
    weight: float
    role: str = VariantRole.PRIMARY
    alias: str = ""


def resolve_version(
    *, project: Project, model: str, version: int | None = None, alias: str | None = None
) -> tuple[ModelVersion, str]:
    """A model version by number or alias (an alias is resolved now; the revision keeps the version)."""
    registered: RegisteredModel = registered_model_get(project=project, name=model)
    if (version is None) == (alias is None):
        raise ValidationFailed.field("version", "give exactly one of version and alias")
    if alias is not None:
        return model_version_by_alias(model=registered, alias=alias), alias
    assert version is not None
    return model_version_get(model=registered, number=version), ""


def require_servable(version: ModelVersion, field: str = "version") -> None:
    """A Conflict (409, naming ``field`` and the next step) for a version that is unhealthy, archived or not
    approved; nothing for one that can serve."""
    if not version.can_serve:
        state = "unhealthy" if version.health != "healthy" else ("archived" if version.archived else version.approval)
        url = version_url(version)
        step = {
            "unhealthy": f"its artifact failed an integrity check: POST {url}verify/ after repairing it, or deploy "
            "another version",
            "archived": f"unarchive it (DELETE {url}archive/) or deploy another version",
        }.get(state) or approval_next_step(version)
        raise Conflict(
            f"{version} cannot serve: it is {state}. {step}.",
            errors=[{"field": field, "message": f"version is {state}", "code": "not_servable"}],
        )


def clean_policy(policy: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
    merged = dict(current or {"unknown_features": "error", "flag_out_of_range": True, "max_batch": 1000})
    if policy in (None, {}):
        return merged
    if not isinstance(policy, dict) or set(policy) - POLICY_KEYS:
        raise ValidationFailed.field("policy", f"an object with keys among {sorted(POLICY_KEYS)}")
    if "unknown_features" in policy and policy["unknown_features"] not in ("error", "ignore"):
        raise ValidationFailed.field("policy.unknown_features", "error or ignore")
    if "missing_values" in policy and policy["missing_values"] not in ("reject", "allow"):
        raise ValidationFailed.field("policy.missing_values", "reject or allow")
    if "max_batch" in policy and not (isinstance(policy["max_batch"], int) and 1 <= policy["max_batch"] <= 100000):
        raise ValidationFailed.field("policy.max_batch", "an integer between 1 and 100000")
    return merged | policy


def smoke_test(version: ModelVersion) -> dict[str, Any]:
    """Load the version in this process and predict its input example; raise 409 with the reason on failure."""
    if not version.input_example:
        raise Conflict(f"{version} has no input example to smoke-test with.")
    try:
        loaded = runtime.models.get(version)
        started = time.perf_counter()
        run_model(loaded, list(version.input_example), version.signature)
    except Conflict:
        raise
    except Exception as exc:
        raise Conflict(
            f"Smoke test of {version} failed: {type(exc).__name__}: {exc}",
            errors=[{"field": "version", "message": "smoke test failed", "code": "smoke_test_failed"}],
        ) from None
    return {"version": version.number, "load_ms": loaded.load_ms, "predict_ms": (time.perf_counter() - started) * 1000}


# --- revisions ----------------------------------------------------------------------------------------------------


def revision_create(
    *,
    deployment: Deployment,
    user: User | None,
    strategy: str,
    variants: list[VariantSpec],
    reason: str,
    action: str = "deployment.deploy",
    data: dict[str, Any] | None = None,
    end_rollout: bool = False,
) -> Revision:
    """Write the deployment's next revision with ``variants``, make it current and audit it as ``action``; with
    ``end_rollout``, a canary or rolling rollout in progress ends with it. Call inside a transaction."""
    locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
    _check_variants(locked, variants)
    number = (locked.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = Revision.objects.create(
        deployment=locked,
        number=number,
        strategy=strategy,
        reason=reason[:500],
        parent=locked.current_revision,
        created_by=user,
    )
    Variant.objects.bulk_create(
        Variant(revision=revision, name=v.name, model_version=v.version, alias=v.alias, role=v.role, weight=v.weight)
        for v in variants
    )
    locked.current_revision = deployment.current_revision = revision
    changed = ["current_revision", "updated_at"]
    if end_rollout and locked.rollout:
        locked.rollout = deployment.rollout = {}
        changed.append("rollout")
    locked.save(update_fields=changed)
    audit_record(
        action=action,
        actor=user,
        project=locked.project,
        obj=locked,
        data={
            "revision": number,
            "strategy": strategy,
            "reason": reason,
            "variants": [
                {
                    "name": v.name,
                    "version": v.version.number,
                    "model": v.version.registered_model.name,
                    "weight": v.weight,
                    "role": v.role,
                }
                for v in variants
            ],
            **(data or {}),
        },
    )
    transaction.on_commit(lambda: runtime.bump(locked.pk, revision.pk))
    return revision


def _check_variants(deployment: Deployment, variants: list[VariantSpec]) -> None:
    if not variants:
        raise ValidationFailed.field("variants", "at least one variant")
    names = [v.name for v in variants]
    if len(set(names)) != len(names):
        raise ValidationFailed.field("variants", "variant names must be unique")
    for index, variant in enumerate(variants):
        if variant.version.registered_model.project_id != deployment.project_id:
            raise NotFound("Model version not found.")
        if not 0 <= variant.weight <= 100:
            raise ValidationFailed.field(f"variants[{index}].weight", "between 0 and 100")
    live = [v for v in variants if v.role not in (VariantRole.SHADOW, VariantRole.STANDBY)]
    if not live or abs(sum(v.weight for v in live) - 100) > 1e-6:
        raise ValidationFailed.field("variants", "the weights of live variants must add up to 100")


def _variants_of(revision: Revision | None) -> list[VariantSpec]:
    if revision is None:
        return []
    return [
        VariantSpec(v.name, v.model_version, v.weight, v.role, v.alias)
        for v in revision.variants.select_related("model_version__registered_model")
    ]


def _current_variants(deployment: Deployment) -> list[VariantSpec]:
    return _variants_of(deployment.current_revision)


def primary_variant(deployment: Deployment) -> VariantSpec:
    """The live variant with the most traffic in the current revision; a Conflict when there is none."""
    live = [v for v in _current_variants(deployment) if v.role in (VariantRole.PRIMARY, VariantRole.CHALLENGER)]
    if not live:
        raise Conflict(f"Deployment {deployment.name!r} has no primary variant.")
    return max(live, key=lambda v: v.weight)


@transaction.atomic
def deployment_create(
    *,
    project: Project,
    user: User,
    name: str,
    version: ModelVersion,
    alias: str = "",
    description: str = "",
    policy: dict[str, Any] | None = None,
) -> Deployment:
    require_servable(version)
    deployment = Deployment(
        project=project, name=name, description=description, policy=clean_policy(policy), created_by=user
    )
    deployment.full_clean(exclude=["project", "created_by", "current_revision"], validate_unique=False)
    try:
        with transaction.atomic():
            deployment.save()
    except IntegrityError:
        raise Conflict.taken(f"A deployment named {name!r} already exists.") from None
    revision_create(
        deployment=deployment,
        user=user,
        strategy=Strategy.SINGLE,
        reason="created",
        variants=[VariantSpec("primary", version, 100.0, VariantRole.PRIMARY, alias)],
        action="deployment.create",
    )
    return deployment


@transaction.atomic
def deployment_update(
    *, deployment: Deployment, user: User, description: str | None = None, policy: dict[str, Any] | None = None
) -> Deployment:
    if description is not None:
        deployment.description = description
    if policy is not None:
        deployment.policy = clean_policy(policy, deployment.policy)
    deployment.save()
    audit_record(
        action="deployment.update",
        actor=user,
        project=deployment.project,
        obj=deployment,
        data={"policy": deployment.policy},
    )
    transaction.on_commit(lambda: runtime.routes.forget(deployment.pk))
    transaction.on_commit(lambda: runtime.bump(deployment.pk, 0))  # policy lives in the routing table
    return deployment


@transaction.atomic
def deployment_delete(*, deployment: Deployment, user: User) -> None:
    audit_record(action="deployment.delete", actor=user, project=deployment.project, obj=deployment)
    deployment_id = deployment.pk
    Deployment.objects.filter(pk=deployment_id).update(current_revision=None)
    deployment.delete()
    transaction.on_commit(lambda: runtime.bump(deployment_id, None))


# --- strategies -----------------------------------------------------------------------------------------------


@transaction.atomic
def deploy_single(
    *, deployment: Deployment, user: User, version: ModelVersion, alias: str = "", reason: str = ""
) -> Revision:
    require_servable(version)
    return revision_create(
        deployment=deployment,
        user=user,
        strategy=Strategy.SINGLE,
        reason=reason or "single",
        variants=[VariantSpec("primary", version, 100.0, VariantRole.PRIMARY, alias)],
    )


def deploy_blue_green(
    *, deployment: Deployment, user: User, version: ModelVersion, alias: str = "", reason: str = ""
) -> Revision:
    """Smoke-test the new version first; then switch all traffic at once, keeping the old one loaded (standby)."""
    require_servable(version)
    smoke = smoke_test(version)
    with transaction.atomic():
        old = primary_variant(deployment)
        variants = [VariantSpec("green", version, 100.0, VariantRole.PRIMARY, alias)]
        if old.version.pk != version.pk:
            variants.append(VariantSpec("blue", old.version, 0.0, VariantRole.STANDBY, old.alias))
            runtime.models.get(old.version)  # keep the old version loaded for an instant rollback
        return revision_create(
            deployment=deployment,
            user=user,
            strategy=Strategy.BLUE_GREEN,
            reason=reason or "blue-green switch",
            variants=variants,
            data={"smoke_test": smoke},
        )


def deploy_shadow(
    *, deployment: Deployment, user: User, version: ModelVersion, fraction: float, alias: str = "", reason: str = ""
) -> Revision:
    """Mirror ``fraction`` percent of requests to ``version`` off the response path."""
    require_servable(version)
    if not 0 <= fraction <= 100:
        raise ValidationFailed.field("fraction", "between 0 and 100")
    with transaction.atomic():
        live = [v for v in _current_variants(deployment) if v.role != VariantRole.SHADOW]
        variants = [*live, VariantSpec("shadow", version, fraction, VariantRole.SHADOW, alias)]
        return revision_create(
            deployment=deployment,
            user=user,
            strategy=Strategy.SHADOW,
            reason=reason or f"shadow {fraction:g}%",
            variants=variants,
        )


@transaction.atomic
def deploy_ab_test(*, deployment: Deployment, user: User, variants: list[VariantSpec], reason: str = "") -> Revision:
    for index, spec in enumerate(variants):
        require_servable(spec.version, f"variants[{index}].version")
    for spec in variants:
        spec.role = VariantRole.CHALLENGER
    return revision_create(
        deployment=deployment,
        user=user,
        strategy=Strategy.AB_TEST,
        reason=reason or "A/B test",
        variants=variants,
    )


def set_split(
    *,
    deployment: Deployment,
    user: User | None,
    new: VariantSpec,
    new_weight: float,
    strategy: str,
    reason: str,
    action: str = "deployment.rollout_step",
) -> Revision:
    """The primary keeps ``100 - new_weight``; ``new`` (canary) takes ``new_weight``."""
    old = primary_variant(deployment)
    variants = [VariantSpec("primary", old.version, 100.0 - new_weight, VariantRole.PRIMARY, old.alias)]
    if new_weight > 0:
        variants.append(VariantSpec("canary", new.version, new_weight, VariantRole.CANARY, new.alias))
    return revision_create(
        deployment=deployment, user=user, strategy=strategy, reason=reason, variants=variants, action=action
    )


@transaction.atomic
def deployment_traffic_set(
    *, deployment: Deployment, user: User, strategy: str, variants: list[VariantSpec], reason: str = ""
) -> Revision:
    """Set the whole traffic configuration at once (a declarative apply): a new revision with exactly ``variants``.

    Refused while a progressive rollout is in flight, since its controller owns the traffic until it ends.
    """
    if strategy not in Strategy.values:
        raise ValidationFailed.field("strategy", f"one of {', '.join(Strategy.values)}")
    if Deployment.objects.filter(pk=deployment.pk).exclude(rollout={}).exists():
        raise Conflict(f"Deployment {deployment.name!r} has a rollout in progress; wait for it or roll back.")
    for index, spec in enumerate(variants):
        if spec.role not in (VariantRole.SHADOW, VariantRole.STANDBY):
            require_servable(spec.version, f"variants[{index}].version")
    return revision_create(
        deployment=deployment,
        user=user,
        strategy=strategy,
        reason=reason or "traffic set",
        variants=variants,
    )


@transaction.atomic
def deployment_rollback(
    *, deployment: Deployment, user: User | None, to_revision: int | None = None, reason: str = ""
) -> Revision:
    """Return to the previous revision (or a named one) in one call: a new revision with its variants."""
    locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
    current = locked.current_revision
    target: Revision | None
    if to_revision is None:
        if current is None or current.parent is None:
            raise Conflict("There is no previous revision to roll back to.")
        target = current.parent
    else:
        target = locked.revisions.filter(number=to_revision).first()
        if target is None:
            raise ValidationFailed.field("revision", f"deployment has no revision {to_revision}")
    variants = _variants_of(target)
    for spec in variants:
        if spec.role not in (VariantRole.SHADOW, VariantRole.STANDBY):
            require_servable(spec.version)
    return revision_create(
        deployment=locked,
        user=user,
        strategy=target.strategy,
        reason=reason or f"rollback to r{target.number}",
        variants=variants,
        action="deployment.rollback",
        data={"to_revision": target.number},
        end_rollout=True,
    )


@transaction.atomic
def deployment_promote(*, deployment: Deployment, user: User | None, variant: str, reason: str = "") -> Revision:
    """Make one variant the single primary (the A/B winner, or a canary that finished)."""
    chosen = next((v for v in _current_variants(deployment) if v.name == variant), None)
    if chosen is None:
        raise ValidationFailed.field("variant", f"no variant {variant!r} in the current revision")
    require_servable(chosen.version)
    return revision_create(
        deployment=deployment,
        user=user,
        strategy=Strategy.SINGLE,
        reason=reason or f"promote {variant}",
        action="deployment.promote",
        variants=[VariantSpec("primary", chosen.version, 100.0, VariantRole.PRIMARY, chosen.alias)],
        end_rollout=True,
    )


# --- feedback -----------------------------------------------------------------------------------------------------


@dataclass
class FeedbackItem:
    prediction_id: str
    value: Any


def feedback_record(
    *, deployment: Deployment, items: list[FeedbackItem], overwrite: bool, caller: str
) -> list[Feedback]:
    """Ground truth by prediction id. A second value is a 409 unless ``overwrite`` (the old one is kept as history)."""
    ids = [item.prediction_id for item in items]
    if len(set(ids)) != len(ids):
        raise ValidationFailed.field("items", "each prediction id may appear once per request")
    if any(_uuid(p) is None for p in ids):
        index = next(i for i, p in enumerate(ids) if _uuid(p) is None)
        raise ValidationFailed.field(f"items[{index}].prediction_id", "not a prediction id (UUID)")
    known = set(
        PredictionLog.objects.filter(deployment_id=deployment.pk, prediction_id__in=ids, shadow=False).values_list(
            "prediction_id", flat=True
        )
    )
    unknown = [(i, p) for i, p in enumerate(ids) if _uuid(p) not in known]
    if unknown:
        raise ValidationFailed(
            f"unknown prediction id {unknown[0][1]}",
            errors=[
                {
                    "field": f"items[{i}].prediction_id",
                    "message": "no such prediction in this deployment",
                    "code": "unknown_prediction",
                }
                for i, _ in unknown[:50]
            ],
        )
    for _attempt in range(_FEEDBACK_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint when called inside a transaction
                return _feedback_write(deployment=deployment, items=items, overwrite=overwrite, caller=caller)
        except IntegrityError:
            # A concurrent request recorded a current value for one of these predictions after this one looked
            # (one_current_feedback_per_prediction): look again, now seeing it (a 409, or replace it).
            continue
    raise Conflict("Feedback for these predictions is being recorded concurrently by other requests; retry.")


_FEEDBACK_ATTEMPTS = 5


def _feedback_write(
    *, deployment: Deployment, items: list[FeedbackItem], overwrite: bool, caller: str
) -> list[Feedback]:
    ids = [item.prediction_id for item in items]
    existing = set(
        Feedback.objects.select_for_update()
        .filter(prediction_id__in=ids, is_current=True)
        .values_list("prediction_id", flat=True)
    )
    if existing and not overwrite:
        raise Conflict(
            f"{len(existing)} prediction(s) already have feedback; pass overwrite=true to replace it.",
            errors=[
                {"field": f"items[{i}].prediction_id", "message": "already has feedback", "code": "duplicate"}
                for i, p in enumerate(ids)
                if _uuid(p) in existing
            ][:50],
        )
    Feedback.objects.filter(prediction_id__in=existing, is_current=True).update(is_current=False)
    rows = [
        Feedback(
            prediction_id=item.prediction_id,
            project_id=deployment.project_id,
            deployment_id=deployment.pk,
            value=item.value,
            caller=caller[:200],
        )
        for item in items
    ]
    return Feedback.objects.bulk_create(rows)


def _uuid(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
