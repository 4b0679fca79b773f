# The EvidenceBundle model now lives in the evidence app (evidence/0001_initial): it leaves audits'
# state once every reference to it has moved. Nothing changes in the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0012_move_job_to_jobs'),
        ('evidence', '0001_initial'),
        ('sbom', '0004_evidence_bundle_moved'),  # every reference to audits.EvidenceBundle moves before the model leaves
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='EvidenceBundle'),
            ],
            database_operations=[],
        ),
    ]
