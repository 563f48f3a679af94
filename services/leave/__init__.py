"""Leave requests routed by the approval graph of ``domain.leave`` (Art. 11).

The package, by job: ``filing`` (a request checked, joined to its continuous absence and
routed), ``stages`` (the route opened stage by stage), ``decisions`` (what holders and the
applicant do with a pending request) and ``summary`` (what its cards and notices say).
Everything is importable from ``services.leave`` as before.
"""

from services.leave.decisions import comment, decide, delegate, deputies, withdraw
from services.leave.filing import (
    MAX_REASON,
    RETROACTIVE_DAYS,
    Checked,
    check_request,
    check_start,
    submit,
)
from services.leave.summary import LeaveOutcome, decision_actions, history, marks, opinions

__all__ = [
    "MAX_REASON",
    "RETROACTIVE_DAYS",
    "Checked",
    "LeaveOutcome",
    "check_request",
    "check_start",
    "comment",
    "decide",
    "decision_actions",
    "delegate",
    "deputies",
    "history",
    "marks",
    "opinions",
    "submit",
    "withdraw",
]
