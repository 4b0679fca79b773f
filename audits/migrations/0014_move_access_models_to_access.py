# ApiKey and AccessLog now live in the access app (access/0001_initial); they leave audits' state.
# Nothing changes in the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0012_move_job_to_jobs'),
        ('access', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ApiKey'),
                migrations.DeleteModel(name='AccessLog'),
            ],
            database_operations=[],
        ),
    ]
