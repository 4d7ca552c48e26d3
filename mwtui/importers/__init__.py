"""Importers: pure core code (no Textual). Files and APIs in, normalised records out."""
