from django.db import migrations
from django.db.models import OuterRef, Subquery


def envelope_region(apps, schema_editor):
    """A commitment's région is its envelope's (empty on a national envelope): commitments on a national envelope
    saved with their territory's région get the envelope's."""
    Commitment = apps.get_model("budget", "Commitment")
    Envelope = apps.get_model("budget", "Envelope")
    region = Envelope.objects.filter(pk=OuterRef("envelope_id")).values("region_code")[:1]
    Commitment.objects.update(region_code=Subquery(region))


def territory_region(apps, schema_editor):
    Commitment = apps.get_model("budget", "Commitment")
    Territory = apps.get_model("territories", "Territory")
    region = Territory.objects.filter(pk=OuterRef("territory_id")).values("region_code")[:1]
    Commitment.objects.filter(region_code="").update(region_code=Subquery(region))


class Migration(migrations.Migration):
    dependencies = [("budget", "0004_revision")]

    operations = [migrations.RunPython(envelope_region, territory_region)]
