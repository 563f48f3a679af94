"""Assessment records and the recalls 不称职 opens (Art. 26-28, 30)."""

from __future__ import annotations

from sqlmodel import col, select

from storage.repositories._base import Repository
from storage.tables import AssessmentRecord, GradeRecall


class AssessmentRepository(Repository):
    """The records of the 日常/半年考核, 民主测评 and 个别谈话, and the grade recalls."""

    def for_cadre(self, cadre_id: int, year: int) -> list[AssessmentRecord]:
        """A cadre's records of ``year``, oldest first."""
        return list(
            self.session.exec(
                select(AssessmentRecord)
                .where(AssessmentRecord.cadre_id == cadre_id, AssessmentRecord.year == year)
                .order_by(col(AssessmentRecord.recorded_at), col(AssessmentRecord.id))
            )
        )

    def recall(self, cadre_id: int, year: int) -> GradeRecall | None:
        return self.session.exec(
            select(GradeRecall).where(GradeRecall.cadre_id == cadre_id, GradeRecall.year == year)
        ).first()

    def recalled_ids(self, year: int) -> set[int]:
        """The cadres a 不称职 of ``year`` recalled."""
        rows = self.session.exec(select(GradeRecall.cadre_id).where(GradeRecall.year == year))
        return set(rows)
