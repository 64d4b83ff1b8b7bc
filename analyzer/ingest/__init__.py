"""Input files of any supported format -> canonical rows in `events`.

Each format has a *stager* that writes the file's records into the temporary table `staged` as
canonical JSON objects (one per record); `queries/ingest/canonical_records.sql` reads them into
fields and `queries/ingest/canonical_columns.sql` (shared with the Spark path) then
validates every record and maps it to an event row or a reject with its reason.
"""

from analyzer.ingest.discover import discover
from analyzer.ingest.formats import FORMATS, detect_format
from analyzer.ingest.loader import FileSummary, LoadSummary, load_files

__all__ = ["FORMATS", "FileSummary", "LoadSummary", "detect_format", "discover", "load_files"]
