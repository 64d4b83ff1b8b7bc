"""Caps that keep the report small and readable whatever the input size."""

from __future__ import annotations

TEMPLATE = "report.html.j2"
SIZE_LIMIT = 6_000_000  # bytes; plotly.js alone is about 4.8 MB

MAX_TABLE_ROWS = 50  # queues / channels shown per table (largest first)
MAX_TOP_QUEUES = 10  # queues in "top queues by friction rate"
MIN_QUEUE_HANDOFFS = 5  # a queue needs this many handoffs to rank by friction rate
MAX_DAYS = 120  # the daily charts show the last MAX_DAYS days of the period
MAX_WEEKS = 260  # the weekly charts show the last MAX_WEEKS weeks of the period
MAX_FLAGS = 30  # distinct flags tabulated
MAX_CHART_FLAGS = 12  # flags drawn in the weekly flag chart (highest rate first)
MAX_LABEL = 80  # characters of a queue, channel or flag name shown
MAX_ID = 120  # characters of a conversation or message id shown
MAX_DRILLDOWN = 150  # flagged conversations listed
MAX_TURNS = 80  # turns shown per conversation
MAX_EVIDENCE_TURNS = 20  # of which evidence turns beyond the opening ones
MAX_TEXT = 600  # characters of a message or flag detail shown
MAX_NOTES = 20  # flags listed per conversation
DRILLDOWN_BUDGET = 800_000  # estimated bytes of drill-down HTML; conversations past it are left out
TURN_OVERHEAD = 160  # estimated markup bytes per turn

CHART_IDS = (
    "chart-week-rates",
    "chart-week-outcomes",
    "chart-day-rates",
    "chart-day-outcomes",
    "chart-flag-week",
)

MAX_CHANGED = 5  # rows in each "what changed" table
