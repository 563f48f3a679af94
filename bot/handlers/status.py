"""/status: a cadre's figures against the regulation; an approver's waiting work."""

from __future__ import annotations

from bot.handlers import diary
from bot.handlers.context import Context
from bot.handlers.notify import decision_buttons, params_for_display
from domain.roles import CADRE_ROLES, Role
from services import diary as diaries
from services.checkin import claim_actions
from services.leave import decision_actions, marks
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
    waiting_work(ctx)


def waiting_work(ctx: Context, *, at_binding: bool = False) -> None:
    """An approver's waiting work: the counts, then each leave step and claim with its
    buttons. ``at_binding`` (right after someone binds): nothing at all when nothing
    waits (a cadre never has any), and the diaries to sign listed too, since the
    requests that reached them before they bound were never shown to them."""
    if ctx.me.role in CADRE_ROLES:
        return
    steps = ctx.uow.leaves.open_steps_for(ctx.me.id)
    claims = ctx.uow.claims.pending_for(ctx.me.id)
    batches = (
        diaries.awaiting_signature(ctx.uow, ctx.me, ctx.now.date())
        if ctx.me.role in (Role.VILLAGE_SECRETARY, Role.TOWNSHIP_SECRETARY)
        else []
    )
    if at_binding and not (steps or claims or batches):
        return
    heading = "onboarding.waiting" if at_binding else "status.approver"
    ctx.say(heading, steps=len(steps), claims=len(claims), diaries=len(batches))
    for step in steps[:10]:
        request = ctx.uow.leaves.get(step.request_id)
        applicant = ctx.uow.people.get(request.applicant_id)
        ctx.say(
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
    for claim in claims[:10]:
        cadre = ctx.uow.people.get(claim.person_id)
        ctx.say(
            "status.waiting_claim",
            name=cadre.name,
            day=claim.day,
            reason=claim.reason,
            buttons=decision_buttons(ctx.catalog, ctx.lang, claim_actions(claim.id)),
        )
    if at_binding and batches:
        diary.signoff_command(ctx)
