"""What a database failure means, for callers above storage (the runtime's loop) that
must tell an outage worth waiting for from a conflict worth retrying from a bug, without
importing SQLAlchemy themselves."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


def is_database_outage(exc: BaseException) -> bool:
    """A database that is down, restarting or busy (worth waiting for), as opposed to a
    bug or a constraint violation."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def is_database_error(exc: BaseException) -> bool:
    """An error the database raised (a conflict between two transactions, a constraint),
    as opposed to one in the code: a retry may succeed."""
    return isinstance(exc, DBAPIError)


def brief(exc: BaseException) -> str:
    """A one-line description without the SQL and its parameters (they can hold people's
    data)."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        first = str(exc.orig).strip().splitlines()
        return f"{type(exc.orig).__name__}: {first[0] if first else ''}"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
