"""Batch evaluation against reference cases (shared/docs/CASE-FORMAT.md)."""
