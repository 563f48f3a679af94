"""The inbox's and the outbox's tables and hot statements, private to this package: each
statement built once (per dialect) with bind parameters and cached, as building them on
every call cost more than running them."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CursorResult,
    Executable,
    Integer,
    Result,
    Table,
    and_,
    bindparam,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.tables import InboxUpdate, ReplyOutbox


def _table(model: type) -> Table:
    # SQLModel sets ``__table__`` on every table class; its stubs do not declare it.
    return model.__table__  # type: ignore[attr-defined, no-any-return]


_I = _table(InboxUpdate)
_O = _table(ReplyOutbox)


def _dialect(session: Session) -> str:
    bind = session.get_bind()
    return bind.dialect.name


def rowcount(result: Result[Any]) -> int:
    """The rows an ``UPDATE`` or ``DELETE`` touched (the ``Result`` of one is a
    ``CursorResult``)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def touched(session: Session, statement: Executable) -> int:
    """Run an ``UPDATE`` or ``DELETE``; the rows it touched."""
    return rowcount(session.execute(statement))


def _unsent() -> ColumnElement[bool]:
    return and_(_O.c.sent_at.is_(None), _O.c.failed.is_(None))


@functools.cache
def _claim_statement(dialect: str) -> Any:
    """The claim (see ``InboxRepository.claim``), built once per dialect with bind
    parameters: building it (aliases, correlated ``EXISTS``, its cache key) on every call
    cost more than running it."""
    token: BindParameter[str] = bindparam("token")
    now: BindParameter[datetime] = bindparam("now")
    other = _I.alias("other")
    blocked = (
        exists()
        .where(
            other.c.chat_id == _I.c.chat_id,
            other.c.update_id != _I.c.update_id,
            or_(
                and_(other.c.update_id < _I.c.update_id, other.c.handled_at.is_(None)),
                and_(
                    other.c.claim_token.is_not(None),
                    other.c.claim_token != token,
                    other.c.claimed_until >= now,
                ),
            ),
        )
        .correlate(_I)
    )
    replies_waiting = exists().where(_O.c.chat_id == _I.c.chat_id, _unsent()).correlate(_I)
    claimable = and_(
        _I.c.handled_at.is_(None),
        or_(_I.c.claim_token.is_(None), _I.c.claim_token == token, _I.c.claimed_until < now),
    )
    candidates = (
        select(_I.c.update_id)
        .where(
            claimable,
            ~blocked,
            ~replies_waiting,
            _I.c.chat_id.not_in(bindparam("busy", expanding=True)),
        )
        .order_by(_I.c.update_id)
        .limit(bindparam("limit", type_=Integer))
    )
    claim = update(_I).values(
        claim_token=token, claimed_until=bindparam("until"), attempts=_I.c.attempts + 1
    )
    if dialect == "postgresql":
        chosen = candidates.with_for_update(skip_locked=True, of=_I).cte("chosen")
        claim = claim.where(_I.c.update_id == chosen.c.update_id, claimable)
    else:
        claim = claim.where(_I.c.update_id.in_(candidates.scalar_subquery()), claimable)
    return claim.returning(_I.c.update_id, _I.c.chat_id, _I.c.payload, _I.c.attempts)


@functools.cache
def _mark_handled_statement() -> Any:
    token: BindParameter[str] = bindparam("token")
    return (
        update(_I)
        .where(
            _I.c.update_id == bindparam("update"),
            _I.c.claim_token == token,
            _I.c.handled_at.is_(None),
        )
        .values(
            handled_at=bindparam("handled_at"),
            outcome=bindparam("outcome"),
            error=bindparam("error"),
            handled_by=token,
        )
    )


@functools.cache
def _store_statement(dialect: str) -> Any:
    """Built once and run with a list of rows: SQLAlchemy batches them into multi-row
    ``INSERT``s from one compiled form (a statement built with ``.values(rows)`` was
    compiled anew for every batch, which cost more than running it)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(_I).on_conflict_do_nothing(index_elements=["update_id"]).returning(_I.c.update_id)


@functools.cache
def _add_replies_statement() -> Any:
    return insert(_O).returning(_O.c.id, sort_by_parameter_order=True)


@functools.cache
def _release_statement() -> Any:
    return (
        update(_I)
        .where(_I.c.update_id == bindparam("update"), _I.c.claim_token == bindparam("token"))
        .values(claim_token=None, claimed_until=None)
    )
