"""Application services: each use case of the regulation as one transaction.

Services take plain values (ids, dates, text), use the domain rules and the unit of work,
and return plain results (including the notices other people must get). They raise
``DomainError``s; the bot and the CLI turn those into words.

Who commits is said by the first parameter, and there are two kinds of service:

- A *step* takes ``uow: UnitOfWork``. It reads and writes inside the transaction its
  caller opened (``uow.flush()`` when it needs the new ids) and never commits: the
  handler of the update, the CLI command or the sweep that called it commits once, or
  leaves the block and everything rolls back. Nearly every service is a step, so one
  update may run several steps and still be one transaction.
- A *use case that owns its transactions* takes ``uow_factory: UnitOfWorkFactory``
  (``storage.unit_of_work``). It is called with no transaction open, opens its own units
  of work and commits what it wrote itself: an import commits its file only when every row
  is good, the export reads one snapshot, the expiry sweep closes the checks and queues
  their messages together. Only these call ``commit``.

An owner lives in the module of its job and nothing else in ``services`` imports that
module (a package's ``__init__`` may re-export it): ``services.imports.*`` (the
``import_*``), ``services.exports`` (``export_records``) and ``services.spot_checks.expiry``
(``expire_spot_checks``). So no step ends up calling an owner from inside its caller's
transaction. ``tests/test_who_commits.py`` checks all three rules.
"""
