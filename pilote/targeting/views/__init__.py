"""Pages of the targeting capability, one module per concern (ranking and map, diagnosis, method, alerts, events)."""
