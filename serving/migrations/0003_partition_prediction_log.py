"""Postgres: turn the prediction log into a table range-partitioned by ``created_at`` (rows moved, tables swapped),
with a DEFAULT partition so inserts never fail, a BRIN index on time, and an append-only trigger. SQLite: nothing.

The primary key of a partitioned table must include the partition key: it becomes (id, created_at) in the
database, while Django keeps addressing rows by ``id`` (still unique: one sequence feeds every partition).
Later partitions are created ahead of time by ``serving.ensure_partitions``.
"""

from django.db import migrations

TABLE = "serving_predictionlog"
OLD = "serving_predictionlog_unpartitioned"

FORWARD = [
    f"ALTER TABLE {TABLE} RENAME TO {OLD}",
    f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (created_at)",
    f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT",
    f"INSERT INTO {TABLE} SELECT * FROM {OLD}",
    f"DROP TABLE {OLD}",
    f"CREATE SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id",
    f"SELECT setval('{TABLE}_id_seq', COALESCE((SELECT MAX(id) FROM {TABLE}), 0) + 1, false)",
    f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')",
    f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, created_at)",
    f"CREATE INDEX predlog_deployment_time ON {TABLE} (deployment_id, created_at)",
    f"CREATE INDEX predlog_prediction_id ON {TABLE} (prediction_id)",
    f"CREATE INDEX predlog_routing_key ON {TABLE} (deployment_id, routing_key)",
    f"CREATE INDEX predlog_project_routing_key ON {TABLE} (project_id, routing_key)",
    f"CREATE INDEX predlog_subject ON {TABLE} (project_id, subject_id)",
    f"CREATE INDEX predlog_time_brin ON {TABLE} USING brin (created_at)",
    """
    CREATE OR REPLACE FUNCTION keel_predictionlog_append_only() RETURNS trigger AS $$
    BEGIN
        IF COALESCE(current_setting('keel.erasure', true), '') = 'on'
           OR COALESCE(current_setting('keel.partition_maintenance', true), '') = 'on' THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        RAISE EXCEPTION 'the prediction log is append-only: % refused (only an erasure may delete rows)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$ LANGUAGE plpgsql
    """,
    f"""CREATE TRIGGER predictionlog_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION keel_predictionlog_append_only()""",
]

BACKWARD = [
    f"DROP TRIGGER IF EXISTS predictionlog_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS keel_predictionlog_append_only()",
    f"CREATE TABLE {OLD} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
    f"INSERT INTO {OLD} SELECT * FROM {TABLE}",
    f"ALTER SEQUENCE {TABLE}_id_seq OWNED BY {OLD}.id",
    f"DROP TABLE {TABLE}",
    f"ALTER TABLE {OLD} RENAME TO {TABLE}",
    f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)",
    f"CREATE INDEX predlog_deployment_time ON {TABLE} (deployment_id, created_at)",
    f"CREATE INDEX predlog_prediction_id ON {TABLE} (prediction_id)",
    f"CREATE INDEX predlog_routing_key ON {TABLE} (deployment_id, routing_key)",
    f"CREATE INDEX predlog_project_routing_key ON {TABLE} (project_id, routing_key)",
    f"CREATE INDEX predlog_subject ON {TABLE} (project_id, subject_id)",
]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, None)

    return run


class Migration(migrations.Migration):
    atomic = True

    dependencies = [("serving", "0002_prediction_log_subject_policy_exports")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
