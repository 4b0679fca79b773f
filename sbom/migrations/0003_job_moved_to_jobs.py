# The Job model now lives in the jobs app: the job references of SBOM documents, signature bundles
# and verifications follow it. Nothing changes in the database (same table, same column).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sbom', '0002_signature_bundles'),
        ('jobs', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name='job',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job'),
                )
                for model in ('sbomdocument', 'signaturebundle', 'signatureverification')
            ],
            database_operations=[],
        ),
    ]
