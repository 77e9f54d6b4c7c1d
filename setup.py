"""Packaging for ckanext-metropole.

The dataset/organization schemas live in the top-level ``schemas/`` folder (as
the customer asked) and are mapped onto the ``ckanext.metropole.schemas``
package, so ``ckanext.metropole.schemas:dataset.yaml`` resolves both from a
checkout installed with ``pip install -e .`` and from a wheel.
"""
from setuptools import find_namespace_packages, setup

packages = [
    p
    for p in find_namespace_packages(include=["ckanext", "ckanext.*"])
    if ".tests" not in p and "__pycache__" not in p
] + ["ckanext.metropole.schemas"]

setup(
    packages=packages + [
        p for p in find_namespace_packages(include=["ckanext.metropole.tests*"])
    ],
    package_dir={"ckanext.metropole.schemas": "schemas"},
    namespace_packages=["ckanext"],
    include_package_data=True,
    package_data={
        "ckanext.metropole": [
            "config_declaration.yaml",
            "templates/**/*",
            "public/**/*",
            "assets/**/*",
            "data/**/*",
            "i18n/**/*",
            "migration/**/*",
            "datastore/config_declaration.yaml",
            "datastore/templates/**/*",
            "harvest/config_declaration.yaml",
            "harvest/sources.yaml",
            "harvest/templates/**/*",
            "harvest/demo/*",
        ],
        "ckanext.metropole.schemas": ["*.yaml", "*.json"],
    },
)
