"""The regulation as code: plain functions and value objects.

Nothing here touches a database, Telegram or the clock; every rule that depends on the
date takes ``today`` (or an as-of date) as an argument so tests can pick any day.
"""
