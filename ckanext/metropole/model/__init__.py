"""Tables of the portal outside the committee: the schema validation reports
(``validation.py``). The committee's tables are in ``committee/model.py``.

Plain SQLAlchemy ``Table`` objects on a metadata of their own: CKAN's
``create_all`` never sees them; the alembic migrations under
``migration/metropole/versions/`` create them.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
