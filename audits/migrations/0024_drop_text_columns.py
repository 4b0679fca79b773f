"""Texts stored once (Blob), step 3 of 3: every rendered spec and configuration file has its blob (0023),
the text columns go. Reversing adds them back empty, and 0023's reverse fills them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0023_texts_into_blobs'),
    ]

    operations = [
        migrations.AlterField(
            model_name='configfile',
            name='blob',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audits.blob'),
        ),
        migrations.AlterField(
            model_name='renderedspec',
            name='blob',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audits.blob'),
        ),
        # a default first, so that the reverse can add the columns back to tables that hold rows
        migrations.AlterField(model_name='configfile', name='text', field=models.TextField(default='')),
        migrations.AlterField(model_name='renderedspec', name='text', field=models.TextField(default='')),
        migrations.RemoveField(
            model_name='configfile',
            name='text',
        ),
        migrations.RemoveField(
            model_name='renderedspec',
            name='text',
        ),
        migrations.RemoveField(
            model_name='upstreamverification',
            name='upstream_spec',
        ),
    ]
