"""The ``cadrebot`` command line (also ``python -m bot``).

Each command builds what it needs through ``bot.composition`` and turns a missing
setting or an unmigrated database into one clear line and a non-zero exit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import typer

from bot.settings import SettingsError, load_settings
from storage.migrations import NotMigrated

app = typer.Typer(
    help="cadrebot: daily management of cadres posted to villages.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def fails_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print configuration and migration problems as one line instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (SettingsError, NotMigrated) as exc:
            typer.echo(f"cadrebot: {exc}", err=True)
            raise typer.Exit(2) from None

    return wrapper


@db_app.command("upgrade")
@fails_cleanly
def db_upgrade() -> None:
    """Create or migrate the database to the current schema."""
    from storage.engine import make_engine
    from storage.migrations import head_revision, upgrade

    settings = load_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    typer.echo(f"database at revision {head_revision()}")


@app.command("run")
@fails_cleanly
def run_command(
    webhook: str = typer.Option(
        None, help="Serve webhooks for this public URL instead of polling."
    ),
    listen: str = typer.Option("127.0.0.1:8080", help="HOST:PORT the webhook server listens on."),
) -> None:
    """Start the bot (long polling, or webhooks with --webhook)."""
    import asyncio
    import logging

    from bot.app import run
    from bot.log_redaction import configure_logging

    settings = load_settings()
    secrets = settings.require_secrets()
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    configure_logging(secrets, logging.getLevelName(settings.log_level))
    try:
        asyncio.run(run(settings, webhook, listen))
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C, SIGTERM
        typer.echo("stopped")


def _register_subcommands() -> None:
    from bot import admin_cli, demo_cli, report_cli, scheduler_cli

    admin_cli.register(app)
    demo_cli.register(app)
    scheduler_cli.register(app)
    report_cli.register(app)
    from bot import funds_cli  # work funds (Art. 20)

    funds_cli.register(app)


def main() -> None:
    _register_subcommands()
    app(prog_name="cadrebot")


if __name__ == "__main__":  # pragma: no cover
    main()
