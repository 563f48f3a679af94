"""Spot checks nobody answered: after 30 minutes a remote check is closed as no_answer
(Art. 26.3 asks for the result to be recorded) and the official, the cadre and the
township secretary are told. The service writes those messages to the outbox itself.

The sweep does not wait for a grace period: an answer the bot handles late (it was down,
its inbox was behind) but that was sent inside the window still answers the check and
replaces the no_answer recorded after it was sent (``services.spot_checks.answer``), so
no outage, however long, can turn an answer into a missing one."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduler.common import DEFAULT_ZONE, UowFactory
from services.outbox import Draft
from services.spot_checks import expire_spot_checks


def sweep_spot_check_expiry(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    """Close the checks whose window has passed by ``as_of``. Only a moment can close a
    30-minute window, so a bare date (``remind --as-of DAY``) and a dry run close nothing."""
    if dry_run or not isinstance(as_of, datetime):
        return []
    expire_spot_checks(uow_factory, as_of if as_of.tzinfo else as_of.replace(tzinfo=zone))
    return []
