"""The platform importers, one module per export format.

Each module exports its `Format` (`FORMAT`, or several for one family) and imports nothing from
`analyzer.ingest.registry`, which lists them in the order the loader tries them. Their SQL lives
in `queries/ingest/importers/<format>.sql`.
"""
