"""Monitoring: drift reports, alert rules and alerts, notification channels, retraining policies and runs."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.models import ProjectScoped, name_validator, user_ref
from monitoring.drift.status import summary_text


class DriftConfig(models.Model):
    """Per-deployment drift schedule and options (methods/thresholds per feature, corrections, weighting)."""

    deployment = models.OneToOneField("serving.Deployment", on_delete=models.CASCADE, related_name="drift_config")
    enabled = models.BooleanField(default=True)
    window_minutes = models.PositiveIntegerField(default=60)
    cadence_minutes = models.PositiveIntegerField(default=60)
    # monitoring.drift.DriftOptions as JSON: columns {name: {method, threshold}}, share_threshold, correction, ...
    options = models.JSONField(default=dict, blank=True)
    per_variant = models.BooleanField(default=False, help_text="Also report each live variant separately.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"drift config of {self.deployment}"


class ReportStatus(models.TextChoices):
    """A computed report is ``ok``, ``warning`` or ``drift`` by the one rule of ``monitoring.drift.status``."""

    OK = "ok"
    WARNING = "warning"
    DRIFT = "drift"
    INSUFFICIENT_DATA = "insufficient_data"
    FAILED = "failed"


COMPUTED_STATUSES = (ReportStatus.OK, ReportStatus.WARNING, ReportStatus.DRIFT)


class DriftReport(models.Model):
    """One report per (deployment, variant, window); the unique constraint makes scheduled runs exactly-once."""

    deployment = models.ForeignKey("serving.Deployment", on_delete=models.CASCADE, related_name="drift_reports")
    variant = models.CharField(max_length=64, blank=True, help_text="Empty: all live traffic.")
    model_version = models.ForeignKey(
        "registry.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    status = models.CharField(max_length=20, choices=ReportStatus.choices)
    trigger = models.CharField(max_length=20, default="schedule")  # schedule | manual
    n_rows = models.PositiveIntegerField(default=0)
    dataset_drift = models.BooleanField(null=True)
    share_drifted = models.FloatField(null=True)
    n_features = models.PositiveIntegerField(null=True, help_text="Evaluated feature columns.")
    n_drifted = models.PositiveIntegerField(null=True, help_text="Feature columns that drifted.")
    prediction_drift = models.BooleanField(null=True)
    result = models.JSONField(default=dict)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-window_end", "variant"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "variant", "window_start", "window_end"], name="one_drift_report_per_window"
            )
        ]
        indexes = [models.Index(fields=["deployment", "-window_end"], name="drift_recent")]

    def __str__(self) -> str:
        return f"drift {self.deployment} {self.window_start:%Y-%m-%d %H:%M}-{self.window_end:%H:%M}"

    @property
    def summary(self) -> str:
        """ "10 of 30 features drifted" for a computed report, else its detail."""
        if self.n_features is None or self.n_drifted is None:
            return self.detail or self.status
        return summary_text(self.n_drifted, self.n_features, self.prediction_drift)


class Severity(models.TextChoices):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class ChannelKind(models.TextChoices):
    WEBHOOK = "webhook"
    EMAIL = "email"
    SLACK = "slack"


class NotificationChannel(ProjectScoped):
    project_reverse_name = "notification_channels"

    name = models.CharField(max_length=128, validators=[name_validator])
    kind = models.CharField(max_length=10, choices=ChannelKind.choices)
    # webhook: {"url", "secret"}; email: {"to": [...]}; slack: {"url"}
    config = models.JSONField(default=dict)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="uniq_channel_name")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


class AlertRule(ProjectScoped):
    """A condition on a monitored figure. Metrics: drift_status (the latest report's status: 0 ok, 1 warning,
    2 drift; "drift_status >= 1" fires when any feature drifted), drift_share, feature_drift, quality, latency_p95,
    error_rate, traffic (requests in the window; "traffic < 1" catches a drop to zero)."""

    project_reverse_name = "alert_rules"

    class Metric(models.TextChoices):
        DRIFT_STATUS = "drift_status"
        DRIFT_SHARE = "drift_share"
        FEATURE_DRIFT = "feature_drift"
        QUALITY = "quality"
        LATENCY_P95 = "latency_p95"
        ERROR_RATE = "error_rate"
        TRAFFIC = "traffic"

    deployment = models.ForeignKey("serving.Deployment", on_delete=models.CASCADE, related_name="alert_rules")
    name = models.CharField(max_length=128, validators=[name_validator])
    metric = models.CharField(max_length=20, choices=Metric.choices)
    feature = models.CharField(max_length=255, blank=True, help_text="For feature_drift: the feature.")
    op = models.CharField(max_length=2, choices=[(o, o) for o in (">", ">=", "<", "<=")], default=">")
    threshold = models.FloatField()
    window_minutes = models.PositiveIntegerField(default=60)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    cooldown_minutes = models.PositiveIntegerField(default=60, help_text="Minimum time between two firings.")
    enabled = models.BooleanField(default=True)
    channels = models.ManyToManyField(NotificationChannel, blank=True, related_name="rules")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="uniq_alert_rule_name")]

    def __str__(self) -> str:
        return f"{self.name}: {self.metric} {self.op} {self.threshold}"


class AlertStatus(models.TextChoices):
    FIRING = "firing"
    RESOLVED = "resolved"


class Alert(models.Model):
    """One firing episode of a rule: firing -> resolved (automatic when the condition clears); at most one firing
    alert per rule (deduplication), acknowledgeable while firing."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.FIRING)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    value = models.FloatField(null=True)
    last_value = models.FloatField(null=True)
    message = models.CharField(max_length=500)
    started_at = models.DateTimeField(default=timezone.now)
    last_evaluated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = user_ref()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    evaluations = models.PositiveIntegerField(default=1)
    notifications = models.JSONField(default=list, blank=True)  # [{"channel", "kind", "status", "at", "detail"}]

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule"], condition=models.Q(status="firing"), name="one_firing_alert_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule.name} {self.status} since {self.started_at:%c}"


class RetrainingPolicy(ProjectScoped):
    """What starts a retraining: a firing alert of one of ``alert_rules``, every ``schedule_minutes`` (windows aligned
    to the epoch, checked by the 30 s retraining task), or a new valid version of ``dataset``; and a manual trigger."""

    project_reverse_name = "retraining_policies"

    class Trigger(models.TextChoices):
        ALERT = "alert"
        SCHEDULE = "schedule"
        NEW_DATASET = "new_dataset"

    deployment = models.ForeignKey("serving.Deployment", on_delete=models.CASCADE, related_name="retraining_policies")
    name = models.CharField(max_length=128, validators=[name_validator])
    enabled = models.BooleanField(default=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.ALERT)
    alert_rules = models.ManyToManyField(AlertRule, blank=True, related_name="retraining_policies")
    schedule_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="For the schedule trigger: retrain every this many minutes."
    )
    dataset = models.CharField(max_length=128, help_text="Train on the latest valid version of this dataset.")
    include_feedback = models.BooleanField(default=False, help_text="Append labelled feedback rows to the data.")
    spec = models.JSONField(help_text="The training spec (as for training jobs).")
    model_name = models.CharField(max_length=128, help_text="Register candidates as versions of this model.")
    # {"kind": "canary", "steps": [...], "interval_seconds": n, "guardrails": {...}} or {"kind": "shadow", ...}
    rollout = models.JSONField(default=dict, blank=True)
    min_interval_minutes = models.PositiveIntegerField(default=60)
    last_triggered_at = models.DateTimeField(null=True, blank=True)
    created_by = user_ref()

    class Meta:
        verbose_name_plural = "retraining policies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="uniq_retraining_policy_name"),
            models.CheckConstraint(
                condition=~models.Q(trigger="schedule") | models.Q(schedule_minutes__gte=1),
                name="retraining_schedule_has_cadence",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RetrainingRun(models.Model):
    """The whole chain of one retraining, with links to everything it created."""

    class Status(models.TextChoices):
        TRAINING = "training"
        GATING = "gating"
        AWAITING_APPROVAL = "awaiting_approval"
        ROLLING_OUT = "rolling_out"
        PROMOTED = "promoted"
        REJECTED = "rejected"
        ROLLED_BACK = "rolled_back"
        FAILED = "failed"

    ACTIVE = ("training", "gating", "awaiting_approval", "rolling_out")

    policy = models.ForeignKey(RetrainingPolicy, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TRAINING)
    trigger = models.JSONField(default=dict)  # {"kind": "alert", "alert_id": ...}
    # What started the run, when one event must start at most one run: "schedule:<slot start>",
    # "dataset_version:<id>"; empty for alerts and manual triggers (guarded by the active-run constraint).
    trigger_key = models.CharField(max_length=100, blank=True, default="")
    dataset_version = models.ForeignKey(
        "registry.DatasetVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    training_job = models.ForeignKey(
        "training.TrainingJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model_version = models.ForeignKey(
        "registry.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    champion_version = models.ForeignKey(
        "registry.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checks = models.JSONField(default=list, blank=True)
    steps = models.JSONField(default=list, blank=True)  # [{"at", "step", "detail"}]
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy"],
                condition=models.Q(status__in=["training", "gating", "awaiting_approval", "rolling_out"]),
                name="one_active_retraining_run_per_policy",
            ),
            models.UniqueConstraint(
                fields=["policy", "trigger_key"],
                condition=~models.Q(trigger_key=""),
                name="one_retraining_run_per_trigger",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} run {self.pk} ({self.status})"
