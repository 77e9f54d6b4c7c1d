from ckanext.metropole.migration.runner import run

run(__file__)
