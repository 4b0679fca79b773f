# The EvidenceBundle model now lives in the evidence app: the evidence bundle reference of signature
# bundles follows it. Nothing changes in the database (same table, same column, same constraints).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sbom', '0003_job_moved_to_jobs'),
        ('evidence', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='signaturebundle',
                    name='evidence_bundle',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='signature_bundles', to='evidence.evidencebundle'),
                ),
            ],
            database_operations=[],
        ),
    ]
