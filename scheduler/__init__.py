"""Scheduled sweeps: reminders, escalations and the monthly attendance cycle.

- ``nudge``, ``weekly``, ``monthly`` (review prompt, quarterly sheets), ``overdue`` (leave
  steps), ``removal`` (Art. 29 triggers), ``assessment``: one sweep each, a plain function
  ``sweep_x(uow_factory, as_of, *, zone, dry_run, keep)`` that stores what is due in the
  outbox (``storage.tables.Reminder``) under a (recipient, kind, period) key, so running it
  again stores nothing; ``jobs`` lists them all. Sweeps go through the roster a batch of
  cadres at a time and store their drafts a chunk at a time (``common``), so memory stays
  flat however large the roster.
- ``dispatch`` drains the outbox through the bot's shared ``Delivery``, claiming each row
  first and marking it sent right after sending; ``render`` turns a payload into the
  recipient's language.
- ``timetable`` and ``service``: APScheduler on the bot's loop, generous misfire windows,
  and a catch-up at start-up that runs what fell due while the process was down.
"""
