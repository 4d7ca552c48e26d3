"""The workspace on PostgreSQL (optional: ``pip install 'mwtui[postgres]'``)."""
