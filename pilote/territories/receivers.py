from django.dispatch import receiver

from pilote.geography.signals import edition_imported

from .models import Resolution


@receiver(edition_imported, dispatch_uid="territories-drop-stale-resolutions")
def drop_stale_resolutions(sender, year, **kwargs):
    # Figures computed on the old rows of this edition are wrong now; `resolve_perimeters` rebuilds them.
    Resolution.objects.filter(edition_id=year).delete()
