"""The staff console: an institution's staff run their part of the app (catalogue,
set-up, audit)."""
