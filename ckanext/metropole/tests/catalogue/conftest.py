from ckanext.metropole.tests.dcat.conftest import seeded  # noqa: F401  (the seeded portal)
