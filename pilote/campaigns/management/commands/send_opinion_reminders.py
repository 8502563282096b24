from django.core.management.base import BaseCommand
from django.utils import timezone

from pilote.campaigns.reminders import send_reminders


class Command(BaseCommand):
    help = "Relance par e-mail les avis en retard ou attendus sous peu (une relance par jour au plus)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="relancer les avis attendus dans ce nombre de jours")
        parser.add_argument("--dry-run", action="store_true", help="lister sans envoyer")

    def handle(self, *args, days, dry_run, **options):
        sent = send_reminders(today=timezone.localdate(), days=days, dry_run=dry_run)
        verb = "à relancer" if dry_run else "relancé(s)"
        for request, emails in sent:
            self.stdout.write(f"{request.file.territory.code} – {request.addressee} : {', '.join(emails)}")
        self.stdout.write(f"{len(sent)} avis {verb}.")
