"""Input files of any supported format -> canonical rows in `events`.

Each format has a *stager* that writes the file's records into the temporary table `staged` as
canonical JSON objects (one per record); `queries/ingest/canonical_records.sql` reads them into
fields and `queries/ingest/canonical_columns.sql` (shared with the Spark path) then
validates every record and maps it to an event row or a reject with its reason.
"""

# The platform importers register their formats with analyzer.ingest.formats when imported;
# the package imports them (formats itself does not, so neither imports the other), in this order,
# which is also the order they are sniffed in.
from analyzer.ingest import (  # noqa: F401  (imported to register their formats)
    botframework,
    connect,
    copilot_dataverse,
    dialogflow_cx,
    human_dialogues,
    lex_v2,
    openai_messages,
    rasa,
    salesforce,
)
from analyzer.ingest.discover import discover
from analyzer.ingest.formats import FORMATS, detect_format
from analyzer.ingest.loader import FileSummary, LoadSummary, load_files

__all__ = ["FORMATS", "FileSummary", "LoadSummary", "detect_format", "discover", "load_files"]
