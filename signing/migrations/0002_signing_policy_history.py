# Every change of a release's expected signer is kept (SigningPolicyChange, append-only). A policy set
# before the history was kept starts it with its last edit, as far as it is known: its editor and time,
# with no previous signer.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def seed_history(apps, schema_editor) -> None:
    SigningPolicy = apps.get_model("signing", "SigningPolicy")
    SigningPolicyChange = apps.get_model("signing", "SigningPolicyChange")
    for policy in SigningPolicy.objects.select_related("updated_by"):
        change = SigningPolicyChange.objects.create(
            release_id=policy.release_id, changed_by=policy.updated_by,
            changed_by_username=policy.updated_by.username if policy.updated_by else "",
            new_identity=policy.identity, new_issuer=policy.issuer)
        SigningPolicyChange.objects.filter(pk=change.pk).update(changed_at=policy.updated_at)


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0014_move_access_models_to_access'),
        ('signing', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SigningPolicyChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('changed_by_username', models.CharField(max_length=150)),
                ('changed_at', models.DateTimeField(auto_now_add=True)),
                ('old_identity', models.CharField(blank=True, max_length=500)),
                ('old_issuer', models.CharField(blank=True, max_length=500)),
                ('new_identity', models.CharField(max_length=500)),
                ('new_issuer', models.CharField(max_length=500)),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('release', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signing_policy_changes', to='audits.release')),
            ],
            options={
                'ordering': ['-changed_at', '-id'],
                'indexes': [models.Index(fields=['release', '-changed_at'], name='signing_policy_change_idx')],
            },
        ),
        migrations.RunPython(seed_history, migrations.RunPython.noop),
    ]
