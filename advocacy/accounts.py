"""Organizer accounts: signing up, signing in, changing a password."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from . import text
from .models import DbSession, Organizer, OrganizerSession


def email_key(email: object) -> str:
    """An email as accounts know it: on one line, junk characters (zero-width, control) out,
    in lower case. Everything that keys on an account (its rate limit too) uses this."""
    return text.one_line(email).lower()


class EmailTaken(Exception):
    """There is already an account with this email."""


class WrongPassword(Exception):
    """The password given as the current one is not."""


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash to check against when the email is unknown, so both cases take the same time."""
    return generate_password_hash("not-a-real-password", method)


def create(
    session: DbSession, email: str, password: str, *, method: str, now: datetime
) -> Organizer:
    """A new account (its email as email_key makes it). Raises EmailTaken."""
    email = email_key(email)
    if exists(session, email):
        raise EmailTaken()
    organizer = Organizer(
        email=email, password_hash=generate_password_hash(password, method), created_at=now
    )
    session.add(organizer)
    try:
        session.commit()
    except sa.exc.IntegrityError:  # the same email, created a moment ago (a double click)
        session.rollback()
        raise EmailTaken() from None
    return organizer


def exists(session: DbSession, email: str) -> bool:
    """Whether an account has this email (as email_key reads it)."""
    return (
        session.scalar(sa.select(Organizer.id).where(Organizer.email == email_key(email)))
        is not None
    )


def authenticate(session: DbSession, email: str, password: str, *, method: str) -> Organizer | None:
    """The account these credentials open, or None; as slow for an unknown email as for a
    wrong password, so that timing tells nobody which emails have accounts."""
    organizer = session.scalar(sa.select(Organizer).where(Organizer.email == email_key(email)))
    hashed = organizer.password_hash if organizer else _dummy_hash(method)
    return organizer if check_password_hash(hashed, password) and organizer else None


def change_password(
    session: DbSession,
    organizer: Organizer,
    current: str,
    new: str,
    *,
    method: str,
    now: datetime,
    lifetime: timedelta,
) -> None:
    """A new password: every session of the account ends, and this one goes on under a new
    token (organizer.session_token). Raises WrongPassword."""
    if not check_password_hash(organizer.password_hash, current):
        raise WrongPassword()
    organizer.password_hash = generate_password_hash(new, method)
    session.execute(
        sa.delete(OrganizerSession).where(OrganizerSession.organizer_id == organizer.id)
    )
    start_session(session, organizer, now=now, lifetime=lifetime)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(
    session: DbSession, organizer: Organizer, *, now: datetime, lifetime: timedelta
) -> str:
    """A new signed-in session for the account: its token, which the session cookie carries
    (nothing else about the account leaves the server). The account's expired sessions go."""
    token = secrets.token_urlsafe(32)
    session.execute(
        sa.delete(OrganizerSession).where(
            OrganizerSession.organizer_id == organizer.id,
            OrganizerSession.created_at < now - lifetime,
        )
    )
    session.add(OrganizerSession(digest=_digest(token), organizer_id=organizer.id, created_at=now))
    session.commit()
    organizer.session_token = token
    return token


def load(session: DbSession, token: str, *, now: datetime, lifetime: timedelta) -> Organizer | None:
    """The organizer a session token stands for, while the session lasts."""
    found = session.scalar(
        sa.select(Organizer)
        .join(OrganizerSession, OrganizerSession.organizer_id == Organizer.id)
        .where(
            OrganizerSession.digest == _digest(token), OrganizerSession.created_at >= now - lifetime
        )
    )
    if found is not None:
        found.session_token = token
    return found


def end_session(session: DbSession, token: str) -> None:
    """Sign out: the session ends on the server, whoever still holds its cookie."""
    session.execute(sa.delete(OrganizerSession).where(OrganizerSession.digest == _digest(token)))
    session.commit()
