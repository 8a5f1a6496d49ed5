from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_loadtest_to_console"),
        ("serving", "0005_rollups_from_monitoring"),
    ]

    # The rollup models now belong to serving, on the same tables: nothing changes in the database.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PredictionRollup"),
                migrations.DeleteModel(name="PredictionTotal"),
                migrations.DeleteModel(name="RollupWatermark"),
            ]
        ),
    ]
