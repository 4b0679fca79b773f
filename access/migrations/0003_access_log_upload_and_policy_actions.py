# Two more access-log actions: signature bundle uploads and changes of a release's expected signer.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0002_access_log_repeats'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accesslog',
            name='action',
            field=models.CharField(choices=[('view', 'Viewed'), ('export', 'Exported'), ('start-job', 'Started a job'), ('upload', 'Uploaded'), ('change-policy', 'Changed a signing policy'), ('refused', 'Refused')], max_length=20),
        ),
    ]
