"""明查暗访 (Art. 26.3): unannounced spot checks by org_dept and poverty_bureau.

A check is either made in person (the official records what they found) or remotely: the
cadre is asked to share their location and the first location they send within
``SPOT_CHECK_ANSWER_MINUTES`` decides — inside the village geofence is present; elsewhere
with leave approved for that day is on leave; elsewhere without it is an unexcused
absence (无故未到岗). A remote check nobody answers in time is closed as ``no_answer`` by
``expire_spot_checks``, which the scheduler runs.

Only a check on a working day (the official calendar, ``services.calendar``) can find an
absence: a visit on a Sunday or a national holiday is recorded as ``not_counted`` and the
official told why; it never escalates. A remote check is refused on a non-working day
(the official is told why before the cadre is asked anything): a cadre at rest owes no
location, and the 2026 rules on government apps forbid needless forced uploads.

A visit in person is recorded for the moment it happened: in the chat up to
``SPOT_CHECK_BACKDATE_DAYS`` back, by ``services.imports.spot_checks`` (rounds done on
paper) any past moment of this year or the last. The working-day rule, the leave excuse
and the posting are judged for that day, and the escalation's ordinal follows the dates
of the checks, not the order they were recorded in.

An answer counts at the moment the cadre sent it (Telegram's date), not when the bot
handled it: a location sent inside the window answers the check even when the bot was
down until after the window, and even when the expiry sweep closed the check as
``no_answer`` in the meantime (that ``no_answer``, recorded after the answer was sent,
was wrong, and the answer replaces it; the official and the township secretary, who
were told "no answer", hear the result).

Unexcused absences found in one calendar year escalate (``domain.assessment.sanction_for``):
the 1st is criticism, the 2nd a district-wide notice, the 3rd a notice and the year's grade
不称职, recorded here by itself. The cadre, their township party secretary, their
dispatching unit, org_dept and poverty_bureau are told. ``no_answer`` does not escalate: it
proves no absence; the official and the township secretary are told so they can follow it
up in person.

The package, by job: ``choosing`` (whom an inspector may check), ``remote`` (a check by
shared location), ``visits`` (a check in person), ``results`` (judging and closing a check,
the sanctions) and ``expiry`` (the sweep closing unanswered remote checks, which owns its
transaction). Everything is importable from ``services.spot_checks`` as before.
"""

from domain.roles import INSPECTORS
from services.spot_checks.choosing import cadres_in, choice_of, townships
from services.spot_checks.expiry import expire_spot_checks
from services.spot_checks.remote import (
    ANSWER_WINDOW,
    REMOTE,
    SENT_AT_RESOLUTION,
    RemoteStarted,
    answer,
    has_open_check,
    start_remote,
)
from services.spot_checks.results import OUTBOX_KIND, SpotCheckOutcome, on_approved_leave
from services.spot_checks.visits import (
    IN_PERSON,
    is_duplicate_visit,
    record_in_person,
    record_visit,
)

__all__ = [
    "ANSWER_WINDOW",
    "INSPECTORS",
    "IN_PERSON",
    "OUTBOX_KIND",
    "REMOTE",
    "SENT_AT_RESOLUTION",
    "RemoteStarted",
    "SpotCheckOutcome",
    "answer",
    "cadres_in",
    "choice_of",
    "expire_spot_checks",
    "has_open_check",
    "is_duplicate_visit",
    "on_approved_leave",
    "record_in_person",
    "record_visit",
    "start_remote",
    "townships",
]
