from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_retraining_schedule_and_new_dataset_triggers"),
        ("console", "0001_initial"),
    ]

    # LoadTest now belongs to console, on the same table (monitoring_loadtest): nothing changes in the database.
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="LoadTest")]),
    ]
