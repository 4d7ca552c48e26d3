"""WEBFAKT imports: the service list ("Import Dienstleistungen") and the catalogue files.

The service import is three steps, each in its own module:

- ``check.py``: ``check_file`` / ``check_bytes`` read a file (``read.py``), check every row
  (``rules.py``, customer look-up in ``customers.py``) and return a ``CheckResult``
  (``result.py``); nothing is written;
- ``commit.py``: ``commit`` writes the accepted rows of a result as one batch;
- ``rejects_export.py``: ``export_rejects`` writes the rejected rows to fix and re-import.

``formats.py`` holds the four layouts, ``reasons.py`` the reject reasons, ``lookups.py``
what a check takes from the workspace, ``catalogue.py`` the article and customer imports.
Pure core: no Textual, no Rich. The names below are the package's API.
"""

from mwtui.importers.webfakt.check import Progress, check_bytes, check_file
from mwtui.importers.webfakt.commit import CommitResult, commit
from mwtui.importers.webfakt.formats import (
    FORMAT_COLUMNS,
    FORMAT_FIELDS,
    FORMAT_HEADERS,
    NORMALISED_COLUMNS,
    OUTCOME_COLUMNS,
    REASON_COLUMN,
)
from mwtui.importers.webfakt.lookups import ArticleInfo, CatalogueLookups
from mwtui.importers.webfakt.read import FileError
from mwtui.importers.webfakt.reasons import REASONS, Reject, RowWarning
from mwtui.importers.webfakt.rejects_export import export_rejects
from mwtui.importers.webfakt.result import CheckResult

__all__ = [
    "FORMAT_COLUMNS", "FORMAT_FIELDS", "FORMAT_HEADERS", "NORMALISED_COLUMNS",
    "OUTCOME_COLUMNS", "REASONS", "REASON_COLUMN", "ArticleInfo", "CatalogueLookups",
    "CheckResult", "CommitResult", "FileError", "Progress", "Reject", "RowWarning",
    "check_bytes", "check_file", "commit", "export_rejects",
]
