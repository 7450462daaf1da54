"""Anonymous counts of letters sent and calls made."""

from __future__ import annotations

import logging
import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .directory import Member
from .models import ActionCount, CountedOnce

# What a person can report: a letter sent, or a call and its outcome ("called" means they
# talked to a staffer).
ACTIONS = ("sent", "called", "voicemail", "busy")
CALLS = ("called", "voicemail", "busy")
RECORDED = ("generated", *ACTIONS)  # what the app records
KEY = ("action", "ask", "chamber", "state", "district", "day", "hour", "campaign_id", "ref")
KEEP_DAYS = 8  # a visit lasts a week (calls.VISIT_DAYS): its keys are kept a day longer
PRUNE_CHANCE = 1 / 200  # now and then, a count also deletes the keys older than that
log = logging.getLogger(__name__)


class CountFailed(Exception):
    """The database could not record a count (busy or down); the person's page goes on."""


def record(
    session: Session,
    action: str,
    ask: str,
    member: Member,
    day: date | None = None,
    *,
    campaign_id: int = 0,
    ref: str = "",
    hour: int | None = None,
    once: str | None = None,
) -> bool:
    """Add one to the count of `action` for this ask, seat, day and hour (UTC, now unless
    given), campaign and ref, atomically. With `once`, a key counts one outcome: the same
    outcome again counts nothing (returns False); another one replaces it (a corrected tap)."""
    if action not in RECORDED:
        raise ValueError(action)
    now = datetime.now(UTC)
    day = now.date() if day is None else day
    values = {
        "action": action,
        "ask": ask,
        "chamber": member.chamber,
        "state": member.state,
        "district": -1 if member.district is None else member.district,
        "day": day,
        "hour": now.hour if hour is None else hour,
        "campaign_id": campaign_id,
        "ref": ref,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(ActionCount)
        .values(**values, count=1)
        .on_conflict_do_update(index_elements=KEY, set_={"count": ActionCount.count + 1})
        .returning(ActionCount.id)
    )
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
        counted = session.execute(stmt).scalar_one()
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


def _held(session: Session, once: str, action: str) -> tuple[int, tuple] | None:
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


def _take_off(session: Session, count_id: int) -> None:
    """One less in a count row; a row down to nothing is deleted."""
    row = ActionCount.id == count_id
    session.execute(
        sa.update(ActionCount).where(row, ActionCount.count > 0).values(count=ActionCount.count - 1)
    )
    session.execute(sa.delete(ActionCount).where(row, ActionCount.count == 0))


def counted(session: Session, keys: dict[str, str]) -> dict[str, str]:
    """The outcomes counted under once-keys: {keys[key]: action}; {} if the database can't say."""
    try:
        rows = session.execute(
            sa.select(CountedOnce.key, CountedOnce.action).where(CountedOnce.key.in_(keys))
        ).all()
    except sa.exc.SQLAlchemyError:
        session.rollback()
        return {}
    return {keys[key]: action for key, action in rows if action}


def _prune(session: Session, before: date) -> None:
    """Delete the once-keys of days before `before`; a failure waits for the next try."""
    try:
        session.execute(sa.delete(CountedOnce).where(CountedOnce.day < before))
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()


def total(
    session: Session, action: str, ask: str | None = None, campaign_id: int | None = None
) -> int:
    query = sa.select(sa.func.coalesce(sa.func.sum(ActionCount.count), 0)).where(
        ActionCount.action == action
    )
    if ask:
        query = query.where(ActionCount.ask == ask)
    if campaign_id is not None:
        query = query.where(ActionCount.campaign_id == campaign_id)
    return int(session.scalar(query) or 0)


BREAKDOWNS = {"day": ActionCount.day, "ref": ActionCount.ref}


def breakdown(session: Session, campaign_id: int, by: str) -> list[tuple[str, dict[str, int]]]:
    """Counts of a campaign grouped by day, state, district or ref: [(key, {action: n})]."""
    office = (ActionCount.chamber == "office", sa.literal("offices the campaign names"))
    if by == "state":
        key = sa.case(office, else_=ActionCount.state)
    elif by == "district":
        key = sa.case(
            office,
            (ActionCount.district < 0, ActionCount.state + sa.literal(" (senate)")),
            else_=ActionCount.state + sa.literal("-") + sa.cast(ActionCount.district, sa.String),
        )
    else:
        key = BREAKDOWNS[by]  # day or ref
    rows = session.execute(
        sa.select(key.label("key"), ActionCount.action, sa.func.sum(ActionCount.count))
        .where(ActionCount.campaign_id == campaign_id)
        .group_by(key, ActionCount.action)
        .order_by(key)
    )
    grouped: dict[str, dict[str, int]] = {}
    for k, action, n in rows:
        label = k.isoformat() if isinstance(k, date) else (k or "(direct)")
        grouped.setdefault(label, dict.fromkeys(RECORDED, 0))[action] = int(n)
    return list(grouped.items())


def rows_for_export(session: Session, campaign_id: int) -> list[ActionCount]:
    return list(
        session.scalars(
            sa.select(ActionCount)
            .where(ActionCount.campaign_id == campaign_id)
            .order_by(ActionCount.day, ActionCount.state, ActionCount.district, ActionCount.action)
        )
    )


MAX_REFS = 50


def refs(session: Session, campaign_id: int) -> set[str]:
    """The sources a campaign has counted so far."""
    return set(
        session.scalars(
            sa.select(ActionCount.ref).where(ActionCount.campaign_id == campaign_id).distinct()
        )
    )


def calls_by_hour(session: Session, campaign_id: int) -> list[tuple[datetime, dict[str, int]]]:
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
