"""/help in each role's words: a command's line, and what the role does when work
reaches it, from the regulation's tables (the leave routes, the claim approver, the
diary signers), so the help never names work the role is never given."""

from __future__ import annotations

from domain.leave import StepKind, step_kinds_of
from domain.roles import CADRE_ROLES, DIARY_SIGNERS, Role
from services.checkin import CLAIM_APPROVER


def help_key(command: str, role: Role) -> str:
    """A command's help line in this role's words (``help.cmd_status_approver`` for an
    approver's /status, which lists their waiting work, not a cadre's figures)."""
    if role not in CADRE_ROLES and command == "status":
        return "help.cmd_status_approver"
    if command == "funds" and role != Role.FIRST_SECRETARY:  # work funds (Art. 20)
        return "help.cmd_funds_others"
    return f"help.cmd_{command}"


def role_tips(role: Role) -> list[str]:
    """The catalog keys of what this role does when work reaches it: only the leave steps
    it holds on some route (``domain.leave.step_kinds_of``), claims if it approves them,
    diaries if it signs them."""
    if role in CADRE_ROLES:
        return []
    kinds = step_kinds_of(role)
    tips = [
        f"help.tip_{kind}"
        for kind in (StepKind.COMMENT, StepKind.APPLY, StepKind.APPROVE)
        if kind in kinds
    ]
    if tips:
        tips.append("help.tip_hand_over")
    elif StepKind.FILE in kinds:
        tips.append("help.tip_file")
    if role in (CLAIM_APPROVER, Role.ADMIN):
        tips.append("help.tip_claims")
    if role in DIARY_SIGNERS:
        tips.append(f"help.tip_signoff_{role}")
    return tips
