"""/status: a cadre's figures against the regulation; an approver's waiting work."""

from __future__ import annotations

from bot.handlers.context import Context
from bot.handlers.notify import decision_buttons, params_for_display
from domain.roles import CADRE_ROLES, Role
from services import diary as diaries
from services.checkin import claim_actions
from services.leave import decision_actions, marks
from services.notices import CardRef
from services.standing import standing


def status_command(ctx: Context, _args: str = "") -> None:
    if ctx.me.role in CADRE_ROLES:
        s = standing(ctx.uow, ctx.me, ctx.now.date())
        ctx.say(
            "status.cadre",
            onsite=s.onsite_year.done,
            onsite_expected=s.onsite_year.expected,
            onsite_target=s.onsite_year.target,
            onsite_mark=ctx.t("status.behind" if s.onsite_year.behind else "status.on_pace"),
            diaries=s.diaries_month.done,
            diaries_expected=s.diaries_month.expected,
            diaries_target=s.diaries_month.target,
            diaries_mark=ctx.t("status.behind" if s.diaries_month.behind else "status.on_pace"),
            absent=s.absent_workdays_month,
            leave=s.leave_days_year,
            pending=s.pending_requests,
            provisional=ctx.t("status.provisional", year=ctx.now.year) if s.provisional else "",
        )
        return
    steps = ctx.uow.leaves.open_steps_for(ctx.me.id)
    claims = ctx.uow.claims.pending_for(ctx.me.id)
    batches = (
        diaries.awaiting_signature(ctx.uow, ctx.me, ctx.now.date())
        if ctx.me.role in (Role.VILLAGE_SECRETARY, Role.TOWNSHIP_SECRETARY)
        else []
    )
    ctx.say("status.approver", steps=len(steps), claims=len(claims), diaries=len(batches))
    for step in steps[:10]:
        request = ctx.uow.leaves.get(step.request_id)
        applicant = ctx.uow.people.get(request.applicant_id)
        card = ctx.say(
            "status.waiting_step",
            **params_for_display(marks(request)),
            id=request.id,
            name=applicant.name,
            start=request.start,
            end=request.end,
            days=request.days,
            reason=request.reason,
            buttons=decision_buttons(ctx.catalog, ctx.lang, decision_actions(step.id)),
        )
        card.card = CardRef(request.id, "step", step.id)  # edited once decided elsewhere
    for claim in claims[:10]:
        cadre = ctx.uow.people.get(claim.person_id)
        ctx.say(
            "status.waiting_claim",
            name=cadre.name,
            day=claim.day,
            reason=claim.reason,
            buttons=decision_buttons(ctx.catalog, ctx.lang, claim_actions(claim.id)),
        )
