"""Scheming schemas of ckanext-metropole (top-level ``schemas/`` folder)."""
