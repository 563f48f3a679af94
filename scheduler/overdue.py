"""Leave steps left pending (design card: approvers who leave a step pending).

A step that reached its holder (``LeaveStep.notified_at``) over 24 hours ago and is still
undecided reminds the holder, with the decision buttons; over 72 hours it also tells the
township party secretary of the cadre's township, or, for a district step (org_dept,
poverty_bureau, or the admin standing in for them), both district departments. Each once
per step: the period key is the step. The dispatcher sends neither once the step is
decided, its request withdrawn, or (the reminder) the step handed to someone else.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.roles import DISTRICT_DEPARTMENTS, DISTRICT_ROLES, Role
from scheduler.common import (
    DEFAULT_ZONE,
    UowFactory,
    by_place,
    day_of,
    moment_of,
    run_sweep,
)
from scheduler.payload import ActionRef, Card, OpenStep, Payload
from services.leave import decision_actions, opinions
from services.outbox import Draft
from storage.unit_of_work import UnitOfWork

REMIND_KIND = "leave_pending"
ESCALATE_KIND = "leave_overdue"
REMIND_AFTER = timedelta(hours=24)
ESCALATE_AFTER = timedelta(hours=72)
#: Far enough back to find any cadre's latest posting.
_EVER = date(1900, 1, 1)


def sweep_leave_overdue(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    """``as_of`` is a moment (a bare date means the end of that day)."""
    now = moment_of(as_of, zone)
    today = day_of(now, zone)

    def plan(uow: UnitOfWork) -> list[Draft]:
        steps = uow.approvals.open_steps(now - REMIND_AFTER)
        if not steps:
            return []
        applicants = {s.applicant_id for s in steps}
        postings = {
            p.person_id: p for p in uow.roster.postings(_EVER, today, person_ids=applicants)
        }
        holders = uow.roster.holders([Role.TOWNSHIP_SECRETARY, *DISTRICT_DEPARTMENTS])
        secretaries = by_place(holders, Role.TOWNSHIP_SECRETARY, "township_id")
        district = [h.person_id for h in holders if h.role in DISTRICT_DEPARTMENTS]
        people = uow.people.by_ids([s.assignee_id for s in steps] + [s.applicant_id for s in steps])
        drafts = []
        for step in steps:
            waited = now - step.notified_at
            applicant = people.get(step.applicant_id)
            posting = postings.get(step.applicant_id)
            holder = people.get(step.assignee_id)
            request = uow.leaves.get(step.request_id)
            assert request is not None  # open_steps found the step joined to its request
            params = {
                "id": step.request_id,
                "name": applicant.name if applicant else "",
                "village": posting.village if posting else "",
                "start": step.start.isoformat(),
                "end": step.end.isoformat(),
                "days": step.days,
                "mark": "retroactive" if step.retroactive else "",
                "role": step.role,
                "kind": step.kind,
                "hours": int(waited.total_seconds() // 3600),
                "holder": holder.name if holder else "",
                # the earlier holders' opinions travel on every card of the request
                "opinions": opinions(uow, request),
            }
            period = f"step:{step.step_id}"
            drafts.append(
                Draft(
                    step.assignee_id,
                    REMIND_KIND,
                    period,
                    Payload(
                        "reminder.leave_pending",
                        params,
                        actions=[
                            ActionRef(a.verb, a.ref)
                            for a in decision_actions(step.step_id, step.kind)
                        ],
                        # Sent only while the step waits for this person (scheduler.dispatch)
                        open_step=OpenStep(step.step_id, holder=True),
                        # Edited once its buttons no longer apply (services.leave_cards)
                        card=Card(step.request_id, step.step_id),
                    ).to_json(),
                )
            )
            if waited < ESCALATE_AFTER:
                continue
            if step.role in DISTRICT_ROLES:
                overseers = district
            else:
                overseers = secretaries.get(posting.township_id, []) if posting else []
            drafts += [
                Draft(
                    overseer,
                    ESCALATE_KIND,
                    period,
                    Payload(
                        "reminder.leave_overdue",
                        params,
                        open_step=OpenStep(step.step_id, holder=False),
                    ).to_json(),
                )
                for overseer in overseers
            ]
        return drafts

    return run_sweep(uow_factory, "leave_overdue", plan, dry_run=dry_run, keep=keep)
