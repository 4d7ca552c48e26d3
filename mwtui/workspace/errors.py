"""Errors an operator sees. Each message says what happened and what to do."""

from __future__ import annotations


class MwtuiError(Exception):
    """Base class: ``str(err)`` is one clear sentence for the operator."""


class UsageError(MwtuiError):
    """The command line or an input value is wrong (exit code 2)."""


class ConfigError(MwtuiError):
    """The config file is unreadable, invalid or unsafe."""


class StoreError(MwtuiError):
    """The workspace file cannot be read or written."""


class WorkspaceCorrupt(StoreError):
    """The workspace file exists but is not a valid workspace."""


class WorkspaceLocked(StoreError):
    """Another process held the workspace lock for too long."""


class ApiError(MwtuiError):
    """A request to an accounting tool failed. Subclasses: ``importers.accounting.errors``."""


class ImportCancelled(MwtuiError):
    """The operator cancelled a running import; committed work is kept."""
