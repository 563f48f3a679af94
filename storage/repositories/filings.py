"""Written reports and plans cadres file (``Filing``): the live one of a kind and period,
a resubmission replacing it, and who has filed for a period (sweeps, lists, sheets)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import update
from sqlmodel import col, select

from storage.repositories._base import Repository, in_chunks
from storage.tables import Filing


class FilingRepository(Repository):
    def live(self, person_id: int, kind: str, period: str) -> Filing | None:
        """The cadre's filing of ``kind`` for ``period`` not yet replaced, if any."""
        return self.session.exec(
            select(Filing).where(
                Filing.person_id == person_id,
                Filing.kind == kind,
                Filing.period == period,
                col(Filing.replaced_at).is_(None),
            )
        ).first()

    def file(self, filing: Filing) -> Filing | None:
        """Store ``filing``; the live one it replaces (same cadre, kind and period) is
        marked replaced at the new one's ``filed_at`` and returned (None: the first)."""
        earlier = self.live(filing.person_id, filing.kind, filing.period)
        if earlier is not None:
            self.session.execute(
                update(Filing)
                .where(col(Filing.id) == earlier.id)
                .values(replaced_at=filing.filed_at)
            )
        self.add(filing)
        return earlier

    def filed(self, person_ids: Collection[int], kind: str, period: str) -> dict[int, Filing]:
        """The live filings of ``kind`` for ``period`` of these cadres, by cadre."""
        found: dict[int, Filing] = {}
        for chunk in in_chunks(person_ids):
            found.update(
                (f.person_id, f)
                for f in self.session.exec(
                    select(Filing).where(
                        col(Filing.person_id).in_(chunk),
                        Filing.kind == kind,
                        Filing.period == period,
                        col(Filing.replaced_at).is_(None),
                    )
                )
            )
        return found

    def history(self, person_id: int) -> Sequence[Filing]:
        """Every filing of the cadre, replaced ones included, oldest first."""
        return self.session.exec(
            select(Filing)
            .where(Filing.person_id == person_id)
            .order_by(col(Filing.filed_at), col(Filing.id))
        ).all()

    def replaced_count(self, person_id: int, kind: str, period: str) -> int:
        """How many earlier filings of this kind and period were replaced."""
        rows = self.session.exec(
            select(Filing.id).where(
                Filing.person_id == person_id,
                Filing.kind == kind,
                Filing.period == period,
                col(Filing.replaced_at).is_not(None),
            )
        ).all()
        return len(rows)


__all__ = ["FilingRepository"]
