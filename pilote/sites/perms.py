"""Who may see and do what with the sites.

--- spublic ---
The pool of candidate sites, a site's page with its facts and score, the labelled sites, their map, exports and API
are public: the facts come from open data (Cartofriches, Fonds friches, CNIG files) or were proposed to be public."""


def can_view_sites(user) -> bool:
    """The pool, the site pages and the labelled sites: everyone, visitors included."""
    return True
