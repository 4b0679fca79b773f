"""Texts stored once (Blob), step 1 of 3: the Blob table and the nullable foreign keys that will replace
the text columns of RenderedSpec, ConfigFile and UpstreamVerification (0023 moves the texts, 0024 drops
the columns). Three migrations so that PostgreSQL never alters a table in the transaction that filled it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0021_image_contents'),
    ]

    operations = [
        migrations.CreateModel(
            name='Blob',
            fields=[
                ('sha256', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('size', models.PositiveBigIntegerField()),
                ('text', models.TextField()),
            ],
        ),
        migrations.AddField(
            model_name='configfile',
            name='blob',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audits.blob'),
        ),
        migrations.AddField(
            model_name='renderedspec',
            name='blob',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audits.blob'),
        ),
        migrations.AddField(
            model_name='upstreamverification',
            name='upstream_spec_blob',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audits.blob'),
        ),
        migrations.AddIndex(
            model_name='configfile',
            index=models.Index(fields=['blob'], name='configfile_blob'),
        ),
        migrations.AddIndex(
            model_name='renderedspec',
            index=models.Index(fields=['blob'], name='renderedspec_blob'),
        ),
    ]
