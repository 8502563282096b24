"""The lock counters of envelopes, commitments, parameters and scenarios are called `revision`
(pilote.core.versioning), apart from perimeter versions."""

from django.db import migrations, models

MODELS = ["envelope", "commitment", "parameters", "scenario"]


class Migration(migrations.Migration):
    dependencies = [("budget", "0003_commitment_cofinancing_sums")]

    operations = [
        operation
        for model in MODELS
        for operation in (
            migrations.RenameField(model, "version", "revision"),
            migrations.AlterField(
                model, "revision", models.PositiveIntegerField(default=1, editable=False, verbose_name="révision")
            ),
        )
    ]
