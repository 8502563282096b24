from django.dispatch import Signal

# Sent after an edition's rows were replaced (argument: year). Apps holding figures derived from the geography
# listen to it; geography itself knows nothing of them.
edition_imported = Signal()
