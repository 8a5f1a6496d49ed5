"""The prediction log's key indexes leave out rows without a key: most predictions carry no routing key or subject,
and each index costs every insert on the hottest table. The (deployment, routing key) index goes: the prediction
list filters by project too, so (project, routing key) serves it. On a partitioned log (Postgres) the indexes are
dropped and created on the parent, which cascades to every partition."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('serving', '0003_partition_prediction_log'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='predictionlog',
            name='predlog_routing_key',
        ),
        migrations.RemoveIndex(
            model_name='predictionlog',
            name='predlog_project_routing_key',
        ),
        migrations.RemoveIndex(
            model_name='predictionlog',
            name='predlog_subject',
        ),
        migrations.AddIndex(
            model_name='predictionlog',
            index=models.Index(condition=models.Q(('routing_key', ''), _negated=True), fields=['project_id', 'routing_key'], name='predlog_project_routing_key'),
        ),
        migrations.AddIndex(
            model_name='predictionlog',
            index=models.Index(condition=models.Q(('subject_id__isnull', False)), fields=['project_id', 'subject_id'], name='predlog_subject'),
        ),
    ]
