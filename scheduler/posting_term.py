"""Term notices (Art. 6 定期选派轮换): 60 and 30 days before a posting's last day, and on
it, the cadre, their dispatching unit's leaders, the township party secretary and org_dept
are told; the notice on the last day says the 期满考核 and the 期满书面总结 are due.

The last day is ``domain.posting_term.term_last_day``: the roster's end, else two years
from the start for a First Secretary (a work-team member without a roster end has none).
A posting followed by a later one of the same person (a transfer) is no term ending: the
later posting carries the term on. A change of unit in the same village continues the
term (counted from the first of those postings); a move to another village begins one
(``domain.posting_term.term_start``).

Run daily. The period key names the posting and the notice, so each goes once; a notice
whose day the sweep missed (the process down) goes on the next run up to
``CATCH_UP_DAYS`` late, saying the days actually left. The notices are 30 days apart, so
the window never holds two of one posting: a catch-up tells once, never twice. A notice
held for someone who has not bound yet goes at their binding until the last day (the
notice of the end, until 30 days after it), then is closed as expired.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from domain.posting_term import TermNotice, term_notices_due
from domain.roles import Role
from scheduler.common import DEFAULT_ZONE, UowFactory, by_place, day_of, end_of_day, run_sweep
from scheduler.payload import TermNoticeParams
from services.outbox import Draft
from services.posting_term import posting_term
from storage.unit_of_work import UnitOfWork

KIND = "posting_term"
#: How many days late a notice still goes (less than the 30 between two notices + 1).
CATCH_UP_DAYS = 30
#: How long the notice of the end still goes to someone who binds late (a notice before
#: the end is worth sending only until the last day).
ENDS_KEPT = timedelta(days=30)


def sweep_posting_terms(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    today = day_of(as_of, zone)
    since = today - timedelta(days=CATCH_UP_DAYS)

    def plan(uow: UnitOfWork) -> Iterator[Draft]:
        holders = uow.roster.holders([Role.UNIT_LEADER, Role.TOWNSHIP_SECRETARY, Role.ORG_DEPT])
        units = by_place(holders, Role.UNIT_LEADER, "unit_id")
        secretaries = by_place(holders, Role.TOWNSHIP_SECRETARY, "township_id")
        org_dept = [h.person_id for h in holders if h.role == Role.ORG_DEPT]
        for page in uow.terms.postings_in_force(since + timedelta(days=1), today):
            history = uow.assignments.for_people({p.person_id for p in page if not p.followed})
            for p in page:
                if p.followed:
                    continue
                postings = history.get(p.person_id, [])
                current = next(a for a in postings if a.id == p.assignment_id)
                try:
                    _, last_day = posting_term(Role(p.role), postings, current)
                except DomainError:  # an end before the start: the import refuses those
                    continue
                for notice in term_notices_due(last_day, since, today):
                    assert last_day is not None  # a notice is due only before a last day
                    params = TermNoticeParams(
                        notice.value,
                        p.name,
                        p.role,
                        p.village,
                        p.township,
                        p.unit,
                        last_day.isoformat(),
                        (last_day - today).days,
                    )
                    period = f"a{p.assignment_id}:{notice.value}"
                    until = end_of_day(
                        last_day + (ENDS_KEPT if notice is TermNotice.ENDS else timedelta()), zone
                    )
                    own = params.payload("cadre").to_json()
                    yield Draft(p.person_id, KIND, period, own, not_after=until)
                    others = params.payload("others").to_json()
                    told = [
                        *units.get(p.unit_id, []),
                        *secretaries.get(p.township_id, []),
                        *org_dept,
                    ]
                    for recipient in dict.fromkeys(told):
                        yield Draft(recipient, KIND, period, others, not_after=until)

    return run_sweep(uow_factory, KIND, plan, dry_run=dry_run, keep=keep)
