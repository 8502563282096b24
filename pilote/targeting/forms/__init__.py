"""Forms of the targeting pages, one module per concern (declared industrial events). Writes happen in `save()`,
with their audit row."""
