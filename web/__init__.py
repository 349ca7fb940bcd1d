"""Templates and static files of the gxsearch web front end (installed as ``gxsearch_web``)."""
