"""``cadrebot demo``: the bot in a browser chat simulator, no token, no network (Telegram
emulator for aiogram/PTB, the DingTalk emulator for ``--framework dingtalk``).

Everything runs in this one process (see ``sandbox.demo``); the command prints the page's
address and runs until Ctrl-C. It lives apart from ``bot.cli`` so the demo's imports (the
emulator, aiohttp's server) load only when the command is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli import fails_cleanly
from bot.settings import Framework, SettingsError, load_settings


def _configured_framework() -> Framework:
    """``CADREBOT_FRAMEWORK`` when set (the framework ``cadrebot run`` would use)."""
    try:
        return load_settings().framework
    except SettingsError:
        return Framework.AIOGRAM


@fails_cleanly
def demo(
    host: Annotated[str, typer.Option(help="Address the page is served on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port of the page.")] = 8000,
    framework: Annotated[
        Framework | None,
        typer.Option(help="Bot framework to run (default: CADREBOT_FRAMEWORK, else aiogram)."),
    ] = None,
    data: Annotated[
        Path,
        typer.Option(file_okay=False, help="Folder for the fresh demo-<timestamp>.db file."),
    ] = Path("data"),
) -> None:
    """Try the bot in your browser: a chat simulator with the sample district."""
    import asyncio
    import logging

    from sandbox.demo import serve_demo

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    chosen = framework or _configured_framework()
    try:
        asyncio.run(
            serve_demo(
                host=host,
                port=port,
                framework=chosen.value,
                data_dir=data,
                announce=typer.echo,
            )
        )
    except KeyboardInterrupt:
        typer.echo("cadrebot demo: stopped")
    except OSError as exc:  # the port is taken, the data folder is not writable, ...
        typer.echo(f"cadrebot demo: {exc}", err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to the main app (a second call changes nothing)."""
    if any(command.name == "demo" for command in app.registered_commands):
        return
    app.command("demo")(demo)
