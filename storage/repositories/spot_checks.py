"""Spot checks (抽查) and annual assessment grades."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_
from sqlmodel import col, select

from storage.repositories._base import Repository
from storage.tables import AssessmentGrade, SpotCheck

#: A remote check a location sent at ``now`` answers: its window was open then, and either
#: nothing closed it yet or the expiry sweep closed it as no_answer only after ``now``
#: (the bot handled the answer late). ``started_by`` allows for Telegram's whole seconds.
_ANSWERABLE = (
    col(SpotCheck.cadre_id) == bindparam("cadre_id"),
    col(SpotCheck.deadline).is_not(None),
    col(SpotCheck.deadline) > bindparam("now"),
    col(SpotCheck.started_at) <= bindparam("started_by"),
    or_(
        col(SpotCheck.result).is_(None),
        and_(
            col(SpotCheck.result) == "no_answer",
            col(SpotCheck.recorded_at) >= bindparam("now"),
        ),
    ),
)
_OPEN_SPOT_CHECK = select(SpotCheck.id).where(*_ANSWERABLE).limit(1)
#: Locked: an answer and the expiry sweep (``expired``, which skips locked rows) never both
#: write the same check; whichever comes second sees the other's result.
_ANSWERABLE_SPOT_CHECK = (
    select(SpotCheck).where(*_ANSWERABLE).order_by(col(SpotCheck.id).desc()).with_for_update()
)


class SpotCheckRepository(Repository):
    """明查暗访 (Art. 26.3): open checks by cadre, expired ones, and the year's results."""

    def has_open(self, cadre_id: int, now: datetime, *, started_by: datetime | None = None) -> bool:
        """Whether ``answerable`` would find a check: every location a cadre shares asks."""
        params = {"cadre_id": cadre_id, "now": now, "started_by": started_by or now}
        return self.session.exec(_OPEN_SPOT_CHECK, params=params).first() is not None

    def answerable(
        self, cadre_id: int, now: datetime, *, started_by: datetime | None = None
    ) -> SpotCheck | None:
        """The cadre's remote check that a location sent at ``now`` answers (see
        ``_ANSWERABLE``), the latest if several."""
        params = {"cadre_id": cadre_id, "now": now, "started_by": started_by or now}
        return self.session.exec(_ANSWERABLE_SPOT_CHECK, params=params).first()

    def get(self, check_id: int) -> SpotCheck | None:
        return self.session.get(SpotCheck, check_id)

    def open_for(self, cadre_id: int, now: datetime) -> SpotCheck | None:
        """The cadre's remote check still waiting for their location at ``now``."""
        return self.session.exec(
            select(SpotCheck)
            .where(
                SpotCheck.cadre_id == cadre_id,
                col(SpotCheck.result).is_(None),
                col(SpotCheck.deadline).is_not(None),
                col(SpotCheck.deadline) > now,
            )
            .order_by(col(SpotCheck.id).desc())
        ).first()

    def expired(self, now: datetime) -> Sequence[SpotCheck]:
        """Remote checks whose window closed without an answer."""
        return self.session.exec(
            select(SpotCheck)
            .where(
                col(SpotCheck.result).is_(None),
                col(SpotCheck.deadline).is_not(None),
                col(SpotCheck.deadline) <= now,
            )
            .order_by(col(SpotCheck.id))
            .with_for_update(skip_locked=True)
        ).all()

    def between(self, first: datetime, last: datetime) -> Sequence[SpotCheck]:
        """Checks with a result, started from ``first`` (included) to ``last`` (excluded)."""
        return self.session.exec(
            select(SpotCheck)
            .where(
                col(SpotCheck.result).is_not(None),
                SpotCheck.started_at >= first,
                SpotCheck.started_at < last,
            )
            .order_by(col(SpotCheck.id))
        ).all()

    def exists_between(self, cadre_id: int, first: datetime, last: datetime) -> bool:
        """Whether a check of the cadre started from ``first`` (included) to ``last``."""
        return (
            self.session.exec(
                select(SpotCheck.id).where(
                    SpotCheck.cadre_id == cadre_id,
                    SpotCheck.started_at >= first,
                    SpotCheck.started_at < last,
                )
            ).first()
            is not None
        )

    def ordinal(self, check: SpotCheck, result: str, first: datetime) -> int:
        """How many of the cadre's checks with ``result`` started from ``first`` up to
        ``check`` itself, by moment then id: its place among them by date."""
        same = and_(col(SpotCheck.started_at) == check.started_at, col(SpotCheck.id) <= check.id)
        return self.session.exec(
            select(func.count())
            .select_from(SpotCheck)
            .where(
                SpotCheck.cadre_id == check.cadre_id,
                SpotCheck.result == result,
                SpotCheck.started_at >= first,
                or_(col(SpotCheck.started_at) < check.started_at, same),
            )
        ).one()

    def count_result(self, cadre_id: int, result: str, first: datetime, last: datetime) -> int:
        return self.session.exec(
            select(func.count())
            .select_from(SpotCheck)
            .where(
                SpotCheck.cadre_id == cadre_id,
                SpotCheck.result == result,
                SpotCheck.started_at >= first,
                SpotCheck.started_at < last,
            )
        ).one()


class GradeRepository(Repository):
    """Annual grades (Art. 26, 30), one per cadre and year."""

    def get(self, cadre_id: int, year: int) -> AssessmentGrade | None:
        return self.session.exec(
            select(AssessmentGrade).where(
                AssessmentGrade.cadre_id == cadre_id, AssessmentGrade.year == year
            )
        ).first()

    def for_year(self, year: int) -> dict[int, AssessmentGrade]:
        rows = self.session.exec(select(AssessmentGrade).where(AssessmentGrade.year == year))
        return {row.cadre_id: row for row in rows}

    def count(self, year: int, grade: str) -> int:
        return self.session.exec(
            select(func.count())
            .select_from(AssessmentGrade)
            .where(AssessmentGrade.year == year, AssessmentGrade.grade == grade)
        ).one()
