"""Pages of the Comité Métropolitain de la Donnée (blueprint ``metropole_committee``)."""
from __future__ import annotations

from flask import Blueprint

committee = Blueprint("metropole_committee", __name__)
