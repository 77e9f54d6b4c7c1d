"""DCAT feeds of the portal: the ``metropole_dcat_ap`` RDF profile and its endpoints."""
