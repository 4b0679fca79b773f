# The EvidenceBundle model moves here from audits. Its table (audits_evidencebundle), its index and
# every row stay where they are: this migration only tells Django's state that the model now belongs
# to `evidence`, and moves its content type so that its permissions (and the groups holding them) follow.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, old: str = "audits", new: str = "evidence") -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model="evidencebundle").update(app_label=new)


def restore_content_type(apps, schema_editor) -> None:
    move_content_type(apps, schema_editor, old="evidence", new="audits")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audits', '0012_move_job_to_jobs'),
        ('jobs', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='EvidenceBundle',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('component_name', models.CharField(blank=True, max_length=300)),
                        ('content', models.BinaryField()),
                        ('size', models.PositiveBigIntegerField()),
                        ('sha256', models.CharField(max_length=64)),
                        ('sha512', models.CharField(max_length=128)),
                        ('manifest', models.JSONField(default=dict)),
                        ('generator_version', models.CharField(max_length=50)),
                        ('requested_at', models.DateTimeField()),
                        ('generation_seconds', models.FloatField(default=0)),
                        ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job')),
                        ('release', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence_bundles', to='audits.release')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audits_evidencebundle',
                        'ordering': ['-requested_at', '-id'],
                        'indexes': [models.Index(fields=['release', 'component_name', '-requested_at'], name='audits_evid_release_ac0408_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
