"""The fiche's lock counter is called `revision` (pilote.core.versioning), apart from perimeter versions."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.RenameField("ficheaction", "version", "revision"),
        migrations.AlterField(
            "ficheaction",
            "revision",
            models.PositiveIntegerField(default=1, editable=False, verbose_name="révision"),
        ),
    ]
