# SigningPolicy, SignatureBundle and SignatureVerification now live in the signing app
# (signing/0001_initial): they leave sbom's state. Nothing changes in the database. No other
# app's model refers to them; within the three, the verifications go before the bundles they
# point at.
#
# Numbered 0005: sbom/0004 is the evidence app's move (SignatureBundle.evidence_bundle to
# evidence.evidencebundle), made concurrently; when both land, this migration follows it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('sbom', '0004_evidence_bundle_moved'),
        ('signing', '0001_initial'),  # the models exist in signing before they leave sbom
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='SignatureVerification'),
                migrations.DeleteModel(name='SignatureBundle'),
                migrations.DeleteModel(name='SigningPolicy'),
            ],
            database_operations=[],
        ),
    ]
