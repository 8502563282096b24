"""Pages of the sites capability, one module per concern (pool, site, proposal, scoring method, selection, labelling,
public map)."""
