"""The scheduled job, `handoff run`: load what is new, archive the period's report, check alerts.

- `run`: the job itself and its settings;
- `lock`: one run or writer at a time;
- `archive`: dated reports, the manifest and index.html;
- `alerts`: the `[alerts]` rules.
"""
