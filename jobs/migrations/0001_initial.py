# The Job model moves here from audits. Its table (audits_job) and every row stay where they are:
# this migration only tells Django's state that the model now belongs to `jobs`, and moves its
# content type so that the start_job permission (and the groups holding it) follow.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, old: str = "audits", new: str = "jobs") -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model="job").update(app_label=new)


def restore_content_type(apps, schema_editor) -> None:
    move_content_type(apps, schema_editor, old="jobs", new="audits")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audits', '0011_component_most_overlays_index'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Job',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('ingest', 'Ingest'), ('sbom', 'SBOM generation'), ('sign', 'Signing'), ('verify', 'Verification'), ('upstream', 'Upstream verification'), ('evidence', 'Evidence bundle')], max_length=20)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='queued', max_length=20)),
                        ('params', models.JSONField(default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                        ('progress_done', models.PositiveIntegerField(default=0)),
                        ('progress_total', models.PositiveIntegerField(default=0)),
                        ('stage', models.CharField(blank=True, max_length=200)),
                        ('error', models.TextField(blank=True)),
                        ('result', models.JSONField(default=dict)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                        ('release', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='jobs', to='audits.release')),
                    ],
                    options={
                        'db_table': 'audits_job',
                        'ordering': ['-created_at', '-id'],
                        'permissions': [('start_job', 'Can start ingests, SBOM and signing jobs')],
                        'indexes': [models.Index(fields=['status', 'kind'], name='audits_job_status_58971f_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
