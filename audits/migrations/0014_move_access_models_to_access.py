# ApiKey and AccessLog now live in the access app (access/0001_initial); they leave audits' state.
# Nothing changes in the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0013_move_evidencebundle_to_evidence'),
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
