"""Forms of the sites capability, one module per concern."""
