"""Command line: `flask --app wsgi directory sync`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import services, sync

directory_cli = AppGroup("directory", help="The directory of members of Congress.")


@directory_cli.command("sync")
def sync_command() -> None:
    """Download the members directory and the ZIP table, check them, and swap them in."""
    cfg = current_app.config
    shown: dict[str, int] = {}

    def progress(name: str, done: int, total: int | None) -> None:
        step = done // (256 * 1024)
        if shown.get(name) == step and done != total:
            return
        shown[name] = step
        size = f"{done / 1e6:.1f} MB" + (f" of {total / 1e6:.1f} MB" if total else "")
        click.echo(f"\r  {name}: {size}", nl=done == total, err=True)

    click.echo(f"Downloading the directory from {cfg['DIRECTORY_SOURCE']}", err=True)
    click.echo(f"and the ZIP table from {cfg['ZIP_SOURCE']}", err=True)
    try:
        report = sync.sync(
            services.data_dir(current_app),
            str(cfg["DIRECTORY_SOURCE"]),
            str(cfg["ZIP_SOURCE"]),
            now=services.now(),
            timeout=float(cfg["SYNC_TIMEOUT_SECONDS"]),
            progress=progress,
        )
    except sync.SyncFailed as exc:
        raise click.ClickException(f"Sync failed, the previous data is kept: {exc}") from None
    click.echo(
        f"Synced: {report.senators} senators, {report.representatives} House members, "
        f"{report.zip_codes} ZIP codes; data as of {report.as_of.isoformat()}."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(directory_cli)
