from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilote.shell import demo


class Command(BaseCommand):
    help = (
        "Seed the clearly labelled demo: organisations, one account per role (password « demo »), then the demo "
        "plans and campaign. Only with PILOTE_DEMO=1. Idempotent: a second run writes nothing."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Le mode démonstration n'est pas activé : définissez PILOTE_DEMO=1.")
        try:
            demo.seed(log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
