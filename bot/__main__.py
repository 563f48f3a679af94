"""``python -m bot`` is the same as the ``cadrebot`` console script."""

from bot.cli import main

main()
