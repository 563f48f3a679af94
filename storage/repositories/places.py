"""Townships, villages and the units cadres are sent by."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from storage.repositories._base import Repository
from storage.tables import Township, Unit, Village


class PlacesRepository(Repository):
    def township(self, name: str) -> Township | None:
        return self.session.exec(select(Township).where(Township.name == name)).first()

    def township_by_id(self, township_id: int) -> Township | None:
        return self.session.get(Township, township_id)

    def townships(self) -> Sequence[Township]:
        return self.session.exec(select(Township).order_by(col(Township.name))).all()

    def village(self, township_id: int, name: str) -> Village | None:
        return self.session.exec(
            select(Village).where(Village.township_id == township_id, Village.name == name)
        ).first()

    def village_by_id(self, village_id: int) -> Village | None:
        return self.session.get(Village, village_id)

    def villages(self) -> Sequence[Village]:
        return self.session.exec(select(Village).order_by(col(Village.id))).all()

    def unit(self, name: str) -> Unit | None:
        return self.session.exec(select(Unit).where(Unit.name == name)).first()

    def unit_by_id(self, unit_id: int) -> Unit | None:
        return self.session.get(Unit, unit_id)

    def units(self) -> Sequence[Unit]:
        return self.session.exec(select(Unit).order_by(col(Unit.id))).all()
