from django.core.management.base import BaseCommand
from django.utils import timezone

from pilote.campaigns.models import OpinionRequest
from pilote.campaigns.reminders import send_reminders
from pilote.campaigns.tasks import next_run, schedule_reminders


class Command(BaseCommand):
    help = (
        "Relance par e-mail les avis et les dépôts en retard ou attendus sous peu (une relance par jour au plus). "
        "Les relances partent d'elles-mêmes chaque matin (tâche de fond) : --schedule programme la première."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="relancer ce qui est attendu dans ce nombre de jours")
        parser.add_argument("--dry-run", action="store_true", help="lister sans envoyer")
        parser.add_argument(
            "--schedule", action="store_true", help="programmer la relance quotidienne (tâche de fond) et quitter"
        )

    def handle(self, *args, days, dry_run, schedule, **options):
        if schedule:
            result = schedule_reminders()
            when = timezone.localtime(next_run())
            self.stdout.write(
                f"Relances programmées le {when:%d/%m/%Y à %H:%M}." if result else "Relances déjà programmées."
            )
            return
        sent = send_reminders(today=timezone.localdate(), days=days, dry_run=dry_run)
        verb = "à faire" if dry_run else "faite(s)"
        for target, emails in sent:
            self.stdout.write(f"{_describe(target)} : {', '.join(emails)}")
        self.stdout.write(f"{len(sent)} relance(s) {verb}.")


def _describe(target) -> str:
    """An opinion request (« ti-8401 – avis Région (84) ») or a file to submit (« ti-8401 – dépôt »)."""
    if isinstance(target, OpinionRequest):
        return f"{target.file.territory.code} – avis {target.addressee}"
    return f"{target.territory.code} – dépôt"
