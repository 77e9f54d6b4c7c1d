"""Each commune's open data obligations and coverage (``/communes``).

- :mod:`obligations`: the legal obligation to open data (CRPA L312-1-1);
- :mod:`figures`: one row per commune, the métropole's totals
  (:func:`figures.figures` is what the committee's annual report reads);
- :mod:`views`: ``/communes`` (+ ``.csv``, ``.json``) and each commune's row
  on its organization page.
"""
