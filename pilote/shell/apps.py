from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The outer shell, on top of every app: sign-in, « Mon espace », navigation, demo, bootstrap, bench. It reads
    what the apps contribute through the kernel's registry (`pilote.core.registry`)."""

    name = "pilote.shell"
    label = "shell"
    verbose_name = "Coquille"
    # The shell's own bench sections, beside the apps' ones ((a), the import, runs before the database is chosen).
    bench_sections = {
        "e": "pilote.shell.bench_pages.PagesBench",
        "i": "pilote.shell.bench_load.LoadBench",
        "j": "pilote.shell.bench_transfer.TransferBench",
    }
