"""Command line: `flask --app wsgi directory sync`, `flask --app wsgi letters check`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import factcheck, services, sync
from .campaigns import target_recipient
from .letters import Constituent, allowed_names
from .models import Target
from .recipients import Recipient

directory_cli = AppGroup("directory", help="The directory of members of Congress.")


@directory_cli.command("sync")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date of the data, when the source gives none (a local folder): YYYY-MM-DD.",
)
def sync_command(as_of: datetime | None) -> None:
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
            as_of=as_of.date() if as_of else None,
            timeout=float(cfg["SYNC_TIMEOUT_SECONDS"]),
            deadline=float(cfg["SYNC_DEADLINE_SECONDS"]),
            progress=progress,
        )
    except sync.SyncFailed as exc:
        raise click.ClickException(f"Sync failed, the previous data is kept: {exc}") from None
    dated = {
        "published": "as published",
        "given": "as you gave it",
        "synced": "today's: the source gave no date; give one with --as-of YYYY-MM-DD",
    }[report.as_of_source]
    click.echo(
        f"Synced: {report.senators} senators, {report.representatives} House members, "
        f"{report.zip_codes} ZIP codes; data as of {report.as_of.isoformat()} ({dated})."
    )


letters_cli = AppGroup("letters", help="The letters and the sources they cite.")


@letters_cli.command("check")
@click.option(
    "--seed",
    "seed_path",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="The source document, e.g. ../shared/seed/artsakh-genocide.md.",
)
def check_command(seed_path: str) -> None:
    """Prove every ask against the source: for one member of Congress of each kind and
    committee seat, and an office a campaign names, today, in six months and in two years."""
    book, seed = services.letters(), factcheck.Seed(Path(seed_path).read_text(encoding="utf-8"))
    problems = factcheck.check_sources(book.sources, seed)
    kinds: dict[tuple[object, ...], Recipient] = {}
    for member in services.lookup().directory().members:
        kinds.setdefault((member.kind, tuple(sorted((r.committee, r.subcommittee, r.title)
                                                    for r in member.roles))), member)  # fmt: skip
    office = target_recipient(Target(id=0, title="Secretary of State", name="", phone="",
                                     url="", email=""))  # fmt: skip
    person = Constituent(name="Ana Petrosyan", city="Austin", zip="78701", state="TX")
    today = services.today()
    for when in (today, today + timedelta(days=182), today + timedelta(days=730)):
        for ask in book.asks:
            for member in [*kinds.values(), office]:
                letter = book.render(ask, member, person, when)
                allowed = allowed_names(member, person)
                where = f"{ask.slug} for {member.id} on {when}"
                for cited in (letter.cited, letter.cited_script):
                    problems += factcheck.check_letter(cited, seed, allowed, where=where)
    for problem in dict.fromkeys(problems):
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(set(problems))} problems in the letters")
    click.echo(f"{len(book.asks)} asks, {len(kinds) + 1} kinds of recipient, 3 dates: no problems.")


def init_app(app: Flask) -> None:
    app.cli.add_command(directory_cli)
    app.cli.add_command(letters_cli)
