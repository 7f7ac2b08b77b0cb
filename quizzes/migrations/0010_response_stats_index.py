"""A covering index for the item analysis read, in place of the attempt foreign key's own index.

`response_stats` (attempt, question, mark, chosen) lets the statistics read a million responses
from a small index in attempt order instead of the table with its wide snapshots. Attempt
lookups are served by it and by `unique_response_position` (attempt, position), so the foreign
key's single-column index goes: the table keeps the same number of indexes. The index is dropped
by name (the one Django gave it on every backend) rather than by altering the field, which on
SQLite would copy the whole table.
"""

import django.db.models.deletion
from django.db import migrations, models

FK_INDEX = "quizzes_response_attempt_id_3504bb54"


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0009_selftest_abandoned_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="response",
                    name="attempt",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="responses",
                        to="quizzes.attempt",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f"DROP INDEX {FK_INDEX}",
                    reverse_sql=f"CREATE INDEX {FK_INDEX} ON quizzes_response (attempt_id)",
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["attempt", "question", "mark", "chosen"], name="response_stats"),
        ),
    ]
