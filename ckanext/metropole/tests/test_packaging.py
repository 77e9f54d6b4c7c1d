"""The schemas resolve from a wheel, not only from this checkout."""
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

RESOLVE = """
import inspect, os, sys
module_path, file_name = sys.argv[1].split(":")
module = __import__(module_path, fromlist=[""])
path = os.path.join(os.path.dirname(inspect.getfile(module)), file_name)
assert os.path.isfile(path), path
assert "site-packages" in path, path
print(path)
"""


def test_schemas_resolve_after_a_plain_wheel_install(tmp_path):
    # built from a copy: setuptools writes build/ into the source tree, and the
    # CKAN series' suites run side by side
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", ".local", "build", "*.egg-info", "node_modules", "__pycache__"))
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(dist), str(source)],
        check=True, cwd=tmp_path,
    )
    wheel = next(dist.glob("ckanext_metropole-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("ckanext/metropole/schemas/dataset.yaml",
                     "ckanext/metropole/schemas/organization.yaml",
                     "ckanext/metropole/config_declaration.yaml",
                     "ckanext/metropole/migration/metropole_search/alembic.ini",
                     "ckanext/metropole/data/scdl-schemas/scdl__budget/0.8.3/schema.json",
                     "ckanext/metropole/data/scdl-schemas/_refs/FeatureCollection.json"):
        assert expected in names, expected

    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    python = target / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True)
    for spec in ("ckanext.metropole.schemas:dataset.yaml",
                 "ckanext.metropole.schemas:organization.yaml"):
        out = subprocess.run([str(python), "-c", RESOLVE, spec], cwd=tmp_path,
                             check=True, capture_output=True, text=True).stdout
        assert str(target) in out
