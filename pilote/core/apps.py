import atexit

from django.apps import AppConfig
from django.conf import settings
from django.core.management import call_command
from django.core.signals import request_finished
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def create_cache_table(sender, using, **kwargs):
    """The database cache's table comes with `migrate`, so no deployment can forget it; created even when this
    process caches elsewhere (the tests), since the site may be served on the same database (idempotent)."""
    call_command("createcachetable", settings.CACHE_TABLE, database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "pilote.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        from . import pagecache  # imports the cache and the ORM's connection: only once the apps are loaded

        connection_created.connect(pagecache.install, dispatch_uid="pilote.pagecache")
        request_finished.connect(pagecache.flush_at_end, dispatch_uid="pilote.pagecache.flush")
        atexit.register(pagecache.flush)
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="pilote.cache_table")
