"""One base error for everything the tool reports to a user, each saying what to do."""

from __future__ import annotations


class HandoffError(Exception):
    """Base class: a problem the user can fix. The CLI prints it as `Error: <what> — <hint>`."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class InputFileError(HandoffError):
    """A whole input file cannot be read as the format it was taken for."""


class ConfigError(HandoffError):
    """handoff.toml is missing, unreadable or holds a value of the wrong kind."""


class QueryError(HandoffError):
    """An ad-hoc or saved query failed, or tried to change the database."""


class DatabaseError(HandoffError):
    """The database file cannot be opened or is not a handoff-analyzer database."""


class LockBusyError(HandoffError):
    """Another `handoff run`, or another process writing to it, holds the database."""

    exit_code = 4
