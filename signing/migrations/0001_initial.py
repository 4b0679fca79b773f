# SigningPolicy, SignatureBundle and SignatureVerification move here from sbom. Their tables
# (sbom_signingpolicy, sbom_signaturebundle, sbom_signatureverification), constraints, index and
# every row stay where they are: this migration only tells Django's state that the models now
# belong to `signing`, and moves their content types so that their permissions (and the groups
# holding them) follow. sbom/0005 then removes them from sbom's state.
# evidence_bundle points at evidence.EvidenceBundle, which moved from audits just before (evidence/0001).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("signingpolicy", "signaturebundle", "signatureverification")


def move_content_types(apps, schema_editor, *, old: str = "sbom", new: str = "signing") -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def restore_content_types(apps, schema_editor) -> None:
    move_content_types(apps, schema_editor, old="signing", new="sbom")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audits', '0012_move_job_to_jobs'),
        ('jobs', '0001_initial'),
        ('sbom', '0004_evidence_bundle_moved'),
        ('evidence', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SigningPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('identity', models.CharField(max_length=500)),
                        ('issuer', models.CharField(max_length=500)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('release', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='signing_policy', to='audits.release')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'sbom_signingpolicy',
                    },
                ),
                migrations.CreateModel(
                    name='SignatureBundle',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('origin', models.CharField(choices=[('portal', 'Signed by the portal'), ('uploaded', 'Uploaded')], max_length=20)),
                        ('artifact_name', models.CharField(max_length=300)),
                        ('artifact_content', models.BinaryField(blank=True, null=True)),
                        ('artifact_sha256', models.CharField(max_length=64)),
                        ('content', models.BinaryField()),
                        ('sha256', models.CharField(max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('evidence_bundle', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='signature_bundles', to='evidence.evidencebundle')),
                        ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job')),
                        ('release', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signature_bundles', to='audits.release')),
                        ('sbom_document', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='signature_bundles', to='sbom.sbomdocument')),
                    ],
                    options={
                        'db_table': 'sbom_signaturebundle',
                        'ordering': ['release_id', 'artifact_name', 'id'],
                        'constraints': [
                            models.CheckConstraint(condition=models.Q(models.Q(('evidence_bundle__isnull', True), ('origin', 'portal'), ('sbom_document__isnull', False)), models.Q(('evidence_bundle__isnull', False), ('origin', 'portal'), ('sbom_document__isnull', True)), models.Q(('evidence_bundle__isnull', True), ('origin', 'uploaded'), ('sbom_document__isnull', True)), _connector='OR'), name='signature_bundle_signs_one_thing'),
                            models.UniqueConstraint(condition=models.Q(('sbom_document__isnull', False)), fields=('sbom_document',), name='one_bundle_per_sbom_document'),
                            models.UniqueConstraint(condition=models.Q(('evidence_bundle__isnull', False)), fields=('evidence_bundle',), name='one_bundle_per_evidence_bundle'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='SignatureVerification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('verified', models.BooleanField()),
                        ('reason', models.TextField()),
                        ('expected_identity', models.CharField(blank=True, max_length=500)),
                        ('expected_issuer', models.CharField(blank=True, max_length=500)),
                        ('signer_identity', models.CharField(blank=True, max_length=500)),
                        ('signer_issuer', models.CharField(blank=True, max_length=500)),
                        ('log_index', models.BigIntegerField(blank=True, null=True)),
                        ('integrated_time', models.DateTimeField(blank=True, null=True)),
                        ('tsa_times', models.JSONField(default=list)),
                        ('trusted_root_sha256', models.CharField(max_length=64)),
                        ('artifact_sha256', models.CharField(max_length=64)),
                        ('verified_at', models.DateTimeField()),
                        ('bundle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='verifications', to='signing.signaturebundle')),
                        ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job')),
                    ],
                    options={
                        'db_table': 'sbom_signatureverification',
                        'ordering': ['-verified_at', '-id'],
                        'indexes': [models.Index(fields=['bundle', '-verified_at'], name='sbom_signat_bundle__6c93c2_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
