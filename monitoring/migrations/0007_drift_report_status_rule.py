"""Drift reports get one status by one rule (ok / warning / drift) and their feature counts; stored computed
reports are re-judged from their stored result."""

from django.db import migrations, models

from monitoring.drift.status import report_status


def rejudge(apps, schema_editor):
    DriftReport = apps.get_model("monitoring", "DriftReport")
    for report in DriftReport.objects.filter(status="ok").iterator():
        if not report.result:
            continue
        verdict = report_status(report.result)
        report.status = verdict.status
        report.dataset_drift = verdict.dataset_drift
        report.prediction_drift = verdict.prediction_drift
        report.n_features, report.n_drifted = verdict.n_features, verdict.n_drifted
        report.save(update_fields=["status", "dataset_drift", "prediction_drift", "n_features", "n_drifted"])


def back(apps, schema_editor):
    DriftReport = apps.get_model("monitoring", "DriftReport")
    DriftReport.objects.filter(status__in=["warning", "drift"]).update(status="ok")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0006_rollups_to_serving")]

    operations = [
        migrations.AddField(
            model_name="driftreport",
            name="n_features",
            field=models.PositiveIntegerField(help_text="Evaluated feature columns.", null=True),
        ),
        migrations.AddField(
            model_name="driftreport",
            name="n_drifted",
            field=models.PositiveIntegerField(help_text="Feature columns that drifted.", null=True),
        ),
        migrations.AlterField(
            model_name="driftreport",
            name="status",
            field=models.CharField(
                choices=[
                    ("ok", "Ok"),
                    ("warning", "Warning"),
                    ("drift", "Drift"),
                    ("insufficient_data", "Insufficient Data"),
                    ("failed", "Failed"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="alertrule",
            name="metric",
            field=models.CharField(
                choices=[
                    ("drift_status", "Drift Status"),
                    ("drift_share", "Drift Share"),
                    ("feature_drift", "Feature Drift"),
                    ("quality", "Quality"),
                    ("latency_p95", "Latency P95"),
                    ("error_rate", "Error Rate"),
                    ("traffic", "Traffic"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(rejudge, back),
    ]
