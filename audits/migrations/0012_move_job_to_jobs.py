# The Job model now lives in the jobs app (jobs/0001_initial): references follow it, the
# model leaves audits' state. Nothing changes in the database.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0011_component_most_overlays_index'),
        ('jobs', '0001_initial'),
        ('sbom', '0003_job_moved_to_jobs'),  # every reference to audits.Job moves before the model leaves
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='upstreamverification',
                    name='job',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job'),
                ),
                migrations.AlterField(
                    model_name='evidencebundle',
                    name='job',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job'),
                ),
                migrations.DeleteModel(name='Job'),
            ],
            database_operations=[],
        ),
    ]
