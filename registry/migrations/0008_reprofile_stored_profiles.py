# Profiles stored before numeric columns carried a KLL sketch (dataset versions' profile blobs, training runs'
# data/training_profile.json artifacts, model versions' reference profiles) are profiled again from the data they
# were computed on: new blobs, rows repointed. A profile whose data is gone stays as it is (drift reads its sample,
# with a note) and is logged. One row per transaction, so an interrupted run keeps its progress; a row that fails is
# logged and the others go on. `manage.py reprofile` does the same work again at any time (after restoring an older
# backup, or to retry what failed), and `--dry-run` lists it.

import logging

from django.db import migrations

logger = logging.getLogger("registry.reprofile")


def reprofile(apps, schema_editor):
    from registry.services.reprofile import stored_profiles_reprofile

    counts = {}
    for outcome in stored_profiles_reprofile(apps=apps):
        counts[outcome.action] = counts.get(outcome.action, 0) + 1
        if outcome.action in ("kept", "failed"):
            logger.warning("%s", outcome.line())
        elif outcome.action == "reprofiled":
            logger.info("%s", outcome.line())
    if counts.get("kept") or counts.get("failed"):
        logger.warning(
            "profiles re-profiled: %s; kept (data gone): %s; failed: %s (run manage.py reprofile to see and retry)",
            counts.get("reprofiled", 0),
            counts.get("kept", 0),
            counts.get("failed", 0),
        )


class Migration(migrations.Migration):
    atomic = False  # one transaction per re-profiled row (registry.services.reprofile)

    dependencies = [
        ('registry', '0007_model_alias_plural_name'),
    ]

    operations = [
        migrations.RunPython(reprofile, migrations.RunPython.noop, elidable=True),
    ]
