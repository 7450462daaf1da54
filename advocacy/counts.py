"""Anonymous counts of letters sent and calls made."""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .models import ActionCount, CountedOnce, DbSession
from .recipients import Recipient

# What a person can report: a letter sent, or a call and its outcome ("called" means they
# talked to a staffer).
ACTIONS = ("sent", "called", "voicemail", "busy")
CALLS = ("called", "voicemail", "busy")
RECORDED = ("generated", *ACTIONS)  # what the app records
KEY = ("action", "ask", "chamber", "state", "district", "day", "hour", "campaign_id", "ref")
OFFICES = "office"  # the chamber of a count for an office a campaign names
KEEP_DAYS = 8  # a visit lasts a week (calls.VISIT_DAYS): its keys are kept a day longer
PRUNE_CHANCE = 1 / 200  # now and then, a count also deletes the keys older than that
log = logging.getLogger(__name__)


class CountFailed(Exception):
    """The database could not record a count (busy or down); the person's page goes on."""


def record(
    session: DbSession,
    action: str,
    ask: str,
    recipient: Recipient,
    at: datetime,
    *,
    campaign_id: int = 0,
    ref: str = "",
    once: str | None = None,
) -> bool:
    """Add one to the count of `action` for this ask, seat, the UTC day and hour of `at`,
    campaign and ref, atomically. With `once`, a key counts one outcome: the same outcome
    again counts nothing (returns False); another one replaces it (a corrected tap)."""
    if action not in RECORDED:
        raise ValueError(action)
    at = at.astimezone(UTC)
    day = at.date()
    values = {
        "action": action,
        "ask": ask,
        "chamber": recipient.chamber or OFFICES,
        "state": recipient.state,
        "district": -1 if recipient.district is None else recipient.district,
        "day": day,
        "hour": at.hour,
        "campaign_id": campaign_id,
        "ref": ref,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    try:
        moved = None
        if once is not None:
            claim = insert(CountedOnce).values(key=once, day=day).on_conflict_do_nothing()
            if session.execute(claim.returning(CountedOnce.key)).first() is None:
                moved = _held(session, once, action)  # counted before
                if moved is None:
                    session.rollback()
                    return False
        # Rows are changed in the order of their keys, so two corrections at once can't each
        # hold the row the other one waits for.
        mine = tuple(values[c] for c in KEY)
        if moved is not None and moved[1] < mine:
            _take_off(session, moved[0])
        counted = session.execute(_upsert(dialect), values).scalar_one()
        if moved is not None and moved[1] > mine:
            _take_off(session, moved[0])
        if once is not None:
            session.execute(
                sa.update(CountedOnce)
                .where(CountedOnce.key == once)
                .values(action=action, count_id=counted)
            )
        session.commit()
    except sa.exc.SQLAlchemyError as exc:
        session.rollback()
        log.warning("Could not record a count: %s", exc.__class__.__name__)
        raise CountFailed() from None
    if once is not None and random.random() < PRUNE_CHANCE:
        _prune(session, day - timedelta(days=KEEP_DAYS))
    return True


@functools.cache
def _upsert(dialect: str) -> sa.Insert:
    """Add one to a count row, made once per dialect: SQLAlchemy then reuses its compiled
    form (the statement is the same for every count, only its values change)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(ActionCount)
        .values({**{c: sa.bindparam(c) for c in KEY}, "count": 1})
        .on_conflict_do_update(index_elements=KEY, set_={"count": ActionCount.count + 1})
        .returning(ActionCount.id)
    )


def _held(session: DbSession, once: str, action: str) -> tuple[int, tuple] | None:
    """The count row (id, key) a claimed key holds another outcome in (the key stays locked
    until the transaction ends); None when it holds `action` already, or can't say (an older
    key)."""
    held = session.execute(
        sa.select(CountedOnce.action, CountedOnce.count_id)
        .where(CountedOnce.key == once)
        .with_for_update()  # a correction at the same time waits for this one, then reads anew
    ).first()
    if held is None or held.action in (None, action):
        return None
    row = session.execute(
        sa.select(*(getattr(ActionCount, c) for c in KEY)).where(ActionCount.id == held.count_id)
    ).first()
    return None if row is None else (held.count_id, tuple(row))


def _take_off(session: DbSession, count_id: int) -> None:
    """One less in a count row; a row down to nothing is deleted."""
    row = ActionCount.id == count_id
    session.execute(
        sa.update(ActionCount).where(row, ActionCount.count > 0).values(count=ActionCount.count - 1)
    )
    session.execute(sa.delete(ActionCount).where(row, ActionCount.count == 0))


def counted(session: DbSession, keys: dict[str, str]) -> dict[str, str]:
    """The outcomes counted under once-keys: {keys[key]: action}; {} if the database can't say."""
    try:
        rows = session.execute(
            sa.select(CountedOnce.key, CountedOnce.action).where(CountedOnce.key.in_(keys))
        ).all()
    except sa.exc.SQLAlchemyError:
        session.rollback()
        return {}
    return {keys[key]: action for key, action in rows if action}


def _prune(session: DbSession, before: date) -> None:
    """Delete the once-keys of days before `before`; a failure waits for the next try."""
    try:
        session.execute(sa.delete(CountedOnce).where(CountedOnce.day < before))
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()


def total(
    session: DbSession, action: str, ask: str | None = None, campaign_id: int | None = None
) -> int:
    query = sa.select(sa.func.coalesce(sa.func.sum(ActionCount.count), 0)).where(
        ActionCount.action == action
    )
    if ask:
        query = query.where(ActionCount.ask == ask)
    if campaign_id is not None:
        query = query.where(ActionCount.campaign_id == campaign_id)
    return int(session.scalar(query) or 0)


class Seat(NamedTuple):
    """A row label of counts by district: a House seat, or a state's senators (district -1)."""

    state: str
    district: int


def _key(by: str, row: Any) -> date | str | Seat | None:
    """The label of a count row in a breakdown; None for the offices a campaign names."""
    if by in ("day", "ref"):
        return getattr(row, by)
    if row.chamber == OFFICES:
        return None
    return row.state if by == "state" else Seat(row.state, row.district)


def breakdown(
    session: DbSession, campaign_id: int, by: str
) -> list[tuple[date | str | Seat | None, dict[str, int]]]:
    """Counts of a campaign by day, state, district (a Seat) or ref: [(key, {action: n})],
    in order; the campaign's own offices (key None) come last."""
    columns = {"day": ("day",), "ref": ("ref",)}.get(by, ("chamber", "state", "district"))
    group = [getattr(ActionCount, c) for c in columns]
    rows = session.execute(
        sa.select(*group, ActionCount.action, sa.func.sum(ActionCount.count).label("n"))
        .where(ActionCount.campaign_id == campaign_id)
        .group_by(*group, ActionCount.action)
    )
    grouped: dict[Any, dict[str, int]] = {}
    for row in rows:
        counted = grouped.setdefault(_key(by, row), dict.fromkeys(RECORDED, 0))
        counted[row.action] += int(row.n)
    return sorted(grouped.items(), key=lambda item: (item[0] is None, item[0] or ""))


CSV_COLUMNS = ("day", "action", "ask", "chamber", "state", "district", "ref", "count")


def csv_rows(session: DbSession, campaign_id: int) -> Iterator[list[Any]]:
    """Every count of a campaign for a CSV file, its header first: anonymous rows, one per
    action, ask, seat, day and ref."""
    yield list(CSV_COLUMNS)
    for row in session.scalars(
        sa.select(ActionCount)
        .where(ActionCount.campaign_id == campaign_id)
        .order_by(ActionCount.day, ActionCount.state, ActionCount.district, ActionCount.action)
    ):
        district = "" if row.district < 0 else row.district
        yield [row.day.isoformat(), row.action, row.ask, row.chamber, row.state, district,
               row.ref, row.count]  # fmt: skip


MAX_REFS = 50
# How long a source stays in a campaign's table of known sources without a new count.
REFS_KEPT = timedelta(days=30)


def refs(session: DbSession, campaign_id: int, since: date) -> set[str]:
    """The sources a campaign has counted since that day: a source nobody has come from in a
    while leaves room for new ones (a flood of junk sources ages out too)."""
    query = sa.select(ActionCount.ref).where(
        ActionCount.campaign_id == campaign_id, ActionCount.day >= since
    )
    return set(session.scalars(query.distinct()))


def calls_by_hour(session: DbSession, campaign_id: int) -> list[tuple[datetime, dict[str, int]]]:
    """Call outcomes per hour (UTC) of a campaign, oldest first."""
    rows = session.execute(
        sa.select(
            ActionCount.day, ActionCount.hour, ActionCount.action, sa.func.sum(ActionCount.count)
        )
        .where(ActionCount.campaign_id == campaign_id, ActionCount.action.in_(CALLS))
        .group_by(ActionCount.day, ActionCount.hour, ActionCount.action)
        .order_by(ActionCount.day, ActionCount.hour)
    )
    grouped: dict[datetime, dict[str, int]] = {}
    for day, hour, action, n in rows:
        at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        grouped.setdefault(at, dict.fromkeys(CALLS, 0))[action] = int(n)
    return list(grouped.items())
