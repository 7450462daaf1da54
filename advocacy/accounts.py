"""Organizer accounts: signing up, signing in, changing a password."""

from __future__ import annotations

import functools
from datetime import datetime

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from .models import DbSession, Organizer


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
    """A new account (emails are kept in lower case). Raises EmailTaken."""
    email = email.lower()
    if session.scalar(sa.select(Organizer.id).where(Organizer.email == email)):
        raise EmailTaken()
    organizer = Organizer(
        email=email, password_hash=generate_password_hash(password, method), created_at=now
    )
    session.add(organizer)
    session.commit()
    return organizer


def authenticate(session: DbSession, email: str, password: str, *, method: str) -> Organizer | None:
    """The account these credentials open, or None; as slow for an unknown email as for a
    wrong password, so that timing tells nobody which emails have accounts."""
    organizer = session.scalar(sa.select(Organizer).where(Organizer.email == email.lower()))
    hashed = organizer.password_hash if organizer else _dummy_hash(method)
    return organizer if check_password_hash(hashed, password) and organizer else None


def change_password(
    session: DbSession, organizer: Organizer, current: str, new: str, *, method: str
) -> None:
    """A new password; the session id changes with it, so every other session ends. Raises
    WrongPassword."""
    if not check_password_hash(organizer.password_hash, current):
        raise WrongPassword()
    organizer.password_hash = generate_password_hash(new, method)
    session.commit()


def load(session: DbSession, session_id: str) -> Organizer | None:
    """The organizer a login session stands for, if it is still valid (see get_id)."""
    number, _, _stamp = session_id.partition(":")
    found = session.get(Organizer, int(number)) if number.isdigit() else None
    return found if found is not None and found.get_id() == session_id else None
