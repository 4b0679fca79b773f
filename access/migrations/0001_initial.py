# ApiKey and AccessLog move here from audits. Their tables (audits_apikey, audits_accesslog) and every
# row stay where they are: only Django's state changes, and the content types move so that the
# permissions (view_accesslog, add_apikey, ...) and the groups holding them follow.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("apikey", "accesslog")


def move_content_types(apps, schema_editor, *, old: str = "audits", new: str = "access") -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def restore_content_types(apps, schema_editor) -> None:
    move_content_types(apps, schema_editor, old="access", new="audits")


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
                    name='AccessLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('username', models.CharField(max_length=150)),
                        ('action', models.CharField(choices=[('view', 'Viewed'), ('export', 'Exported'), ('start-job', 'Started a job'), ('refused', 'Refused')], max_length=20)),
                        ('target', models.CharField(max_length=500)),
                        ('path', models.CharField(max_length=2000)),
                        ('api_key_name', models.CharField(blank=True, max_length=100)),
                        ('release', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='audits.release')),
                        ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audits_accesslog',
                        'ordering': ['-at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ApiKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True)),
                        ('prefix', models.CharField(max_length=8, unique=True)),
                        ('digest', models.CharField(max_length=64)),
                        ('scopes', models.JSONField(default=list)),
                        ('allowed_networks', models.JSONField(default=list)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('last_used_at', models.DateTimeField(blank=True, null=True)),
                        ('last_used_from', models.CharField(blank=True, max_length=45)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audits_apikey',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
