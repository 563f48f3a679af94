"""Application services: each use case of the regulation as one transaction.

Services take plain values (ids, dates, text), use the domain rules and the unit of work,
and return plain results (including the notices other people must get). They raise
``DomainError``s; the bot and the CLI turn those into words.
"""
