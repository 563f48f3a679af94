"""/status: a cadre's figures against the regulation; an approver's waiting work."""

from __future__ import annotations

from bot.handlers import diary, posting_term, unit_duties, work_funds
from bot.handlers.context import Context, stored_id
from bot.handlers.help import role_tips
from bot.handlers.notify import decision_buttons, display
from bot.i18n import Markup
from domain.roles import CADRE_ROLES, DIARY_SIGNERS, DISTRICT_ROLES, Role
from services import diary as diaries
from services.checkin import claim_actions
from services.leave import decision_actions, marks, opinions
from services.notices import CardRef
from services.standing import standing
from services.worklist import recalls_pending, worklist

#: How many waiting leave steps, and how many claims, /status lists with their buttons.
SHOWN = 10


def status_command(ctx: Context, _args: str = "") -> None:
    if ctx.me.role in CADRE_ROLES:
        s = standing(ctx.uow, ctx.me, ctx.now.date())
        year = s.year
        shown = ctx.say(
            "status.cadre",
            today=ctx.now.date(),
            onsite=s.onsite_year.done,
            onsite_expected=s.onsite_year.expected,
            onsite_target=s.onsite_year.target,
            onsite_mark=ctx.t("status.behind" if s.onsite_year.behind else "status.on_pace"),
            diaries=s.diaries_month.done,
            diaries_expected=s.diaries_month.expected,
            diaries_target=s.diaries_month.target,
            diaries_mark=ctx.t("status.behind" if s.diaries_month.behind else "status.on_pace"),
            absent=s.absent_workdays_month,
            absent_year=year.absent if year else 0,
            leave=s.leave_days_year,
            pending=s.pending_requests,
            out_of_reach=""
            if year is None or year.reachable
            else ctx.t(
                "status.out_of_reach",
                days_left=year.days_left,
                best=year.best,
                target=year.onsite.target,
            ),
            provisional=ctx.t("status.provisional", year=ctx.now.year) if s.provisional else "",
        )
        posting_term.status_lines(ctx, shown)  # issue 15: the term's end, 五必访 this year
        if ctx.me.role == Role.FIRST_SECRETARY:  # work funds (Art. 20): the balance
            work_funds.status_line(ctx)
        return
    waiting_work(ctx)


def waiting_work(ctx: Context, *, at_binding: bool = False) -> None:
    """An approver's waiting work: the counts, then each leave step and claim with its
    buttons. ``at_binding`` (right after someone binds): nothing at all when nothing
    waits (a cadre never has any), and the diaries to sign listed too, since the
    requests that reached them before they bound were never shown to them."""
    if ctx.me.role in CADRE_ROLES:
        return
    work = worklist(ctx.uow, ctx.me, SHOWN)
    batches = (
        diaries.awaiting_signature(ctx.uow, ctx.me, ctx.now.date())
        if ctx.me.role in DIARY_SIGNERS
        else []
    )
    if at_binding and not (work.step_count or work.claim_count or batches):
        return
    heading = "onboarding.waiting" if at_binding else "status.approver"
    ctx.say(heading, work=_work_line(ctx, work.step_count, work.claim_count, len(batches)))
    if ctx.me.role in DISTRICT_ROLES:
        _recalls_pending(ctx)
        unit_duties.units_behind(ctx)  # the units behind on Art. 15
    for waiting in work.steps:
        step, request, applicant = waiting.step, waiting.request, waiting.applicant
        shown = {**marks(request), "opinions": opinions(ctx.uow, request)}
        card = ctx.say(
            "status.waiting_step",
            **display(ctx.catalog, ctx.lang, shown),
            id=request.id,
            name=applicant.name,
            start=request.start,
            end=request.end,
            days=request.days,
            reason=request.reason,
            buttons=decision_buttons(
                ctx.catalog, ctx.lang, decision_actions(stored_id(step), step.kind)
            ),
        )
        card.card = CardRef(
            stored_id(request), "step", stored_id(step)
        )  # edited once decided elsewhere
    for waiting_claim in work.claims:
        claim, cadre = waiting_claim.claim, waiting_claim.cadre
        ctx.say(
            "status.waiting_claim",
            name=cadre.name,
            day=claim.day,
            reason=claim.reason,
            buttons=decision_buttons(ctx.catalog, ctx.lang, claim_actions(stored_id(claim))),
        )
    if at_binding and batches:
        diary.signoff_command(ctx)


def _work_line(ctx: Context, steps: int, claims: int, batches: int) -> Markup:
    """The counts of the kinds of work this role does (leave steps, claims, diaries to
    sign), and of any other kind that reached them as a stand-in: never a count of work
    the role is never given, such as leave for a village secretary."""
    tips = role_tips(Role(ctx.me.role))
    holds_steps = any(t in tips for t in ("help.tip_comment", "help.tip_apply", "help.tip_approve"))
    parts = [
        ctx.t(key, count=count)
        for key, count, does in (
            ("status.work_steps", steps, holds_steps),
            ("status.work_claims", claims, "help.tip_claims" in tips),
            ("status.work_diaries", batches, ctx.me.role in DIARY_SIGNERS),
        )
        if does or count
    ]
    return Markup(ctx.t("status.work_sep").join(parts))


def _recalls_pending(ctx: Context) -> None:
    """The district's postings a confirmed recall marked, until the roster replaces them
    (Art. 11: 召回并重新选派)."""
    recalled = recalls_pending(ctx.uow)
    if not recalled:
        return
    lines = [
        ctx.t("status.recall_line", name=p.name, village=v.name, unit=u.name, start=a.start)
        for p, a, v, u in recalled
    ]
    ctx.say("status.recalls", count=len(recalled), lines=Markup("\n".join(lines)))
