"""Forms of the targeting pages, one module per concern (declared industrial events, alerts, method versions).
Writes happen in `save()`, with their audit row."""
