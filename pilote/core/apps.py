import atexit

from django.apps import AppConfig
from django.core.management import call_command
from django.core.signals import request_finished
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def create_cache_table(sender, using, **kwargs):
    """The database cache's table comes with `migrate`, so no deployment can forget it (idempotent)."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "pilote.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        from . import pagecache

        connection_created.connect(pagecache.install, dispatch_uid="pilote.pagecache")
        request_finished.connect(pagecache.flush_at_end, dispatch_uid="pilote.pagecache.flush")
        atexit.register(pagecache.flush)
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="pilote.cache_table")
