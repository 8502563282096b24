from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "pilote.campaigns"
    label = "campaigns"
    verbose_name = "Campagnes de mise à jour"
    # What the app contributes to the others, read through pilote.core.registry.
    demo_seeds = ("pilote.campaigns.demo.seed",)
    bench_sections = {"f": "pilote.campaigns.bench.CampaignBench"}
    history_vocabularies = ("pilote.campaigns.history.VOCABULARY",)
    editing_locks = ("pilote.campaigns.perms.review_lock",)
    inbox_counts = ("pilote.campaigns.inbox.todo_items",)
