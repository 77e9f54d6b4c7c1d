from ckanext.metropole.tests.validation.conftest import clean_validation  # noqa: F401
