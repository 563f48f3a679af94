"""How much one statement carries, named once for every query and sweep that depends on it."""

from __future__ import annotations

#: The most person ids one query's ``IN`` list carries (well under SQLite's 32,766 and
#: PostgreSQL's 65,535 bound parameters). A roster-wide sweep plans this many cadres at a
#: time (``storage.sweeps.BATCH_SIZE``), and a sheet of up to this many cadres asks for
#: their rows by id (``services.figures.SMALL_SCOPE``), so each batch is one such query.
IDS_PER_QUERY = 5_000
