"""Catalogue: institutions, qualifications, blocks and runs (the carousel)."""
