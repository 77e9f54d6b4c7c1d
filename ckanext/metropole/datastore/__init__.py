"""The ``metropole_datastore`` plugin: CKAN's DataStore and ckanext-xloader on the portal."""
