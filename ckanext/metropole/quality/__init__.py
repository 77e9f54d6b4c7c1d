"""Metadata quality score: data.europa.eu's MQA, computed by the portal.

Producers see the score data.europa.eu will give a dataset before they
publish it (README, "Metadata quality score"). The API other parts call:

- ``score(pkg_dict)``: a :class:`Score` (points out of 405, rating, each
  indicator with what to add), for a page;
- ``points(pkg_dict)``: the points alone, and ``many(pkgs)`` /
  ``summary(pkgs)`` for a report over many datasets (count, mean, datasets
  per rating);
- ``rating(points)``: ``excellent`` (351+), ``good`` (221+),
  ``sufficient`` (120+) or ``bad``;
- ``check_minimum(pkg_dict)``: the error that stops a proposal below the
  site's minimum (``ckanext.metropole.quality.min_score_to_propose``), asked
  by the committee (``committee/reviews.py``).
"""
from __future__ import annotations

from ckanext.metropole.quality.gate import check_minimum, minimum
from ckanext.metropole.quality.indicators import (
    DIMENSIONS,
    INDICATORS,
    MAXIMUM,
    RATINGS,
    Indicator,
    rating,
)
from ckanext.metropole.quality.score import Result, Score, many, points, score, summary

__all__ = ["DIMENSIONS", "INDICATORS", "MAXIMUM", "RATINGS", "Indicator", "Result", "Score",
           "check_minimum", "many", "minimum", "points", "rating", "score", "summary"]
