"""Database models: anonymous counts, and nothing about people."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class ActionCount(db.Model):
    """How many letters were sent or calls made, per ask, seat and day. No person in it."""

    __tablename__ = "action_count"
    __table_args__ = (
        sa.UniqueConstraint(
            "action", "ask", "chamber", "state", "district", "day", name="uq_count"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(16))  # sent or called
    ask: Mapped[str] = mapped_column(sa.String(64))
    chamber: Mapped[str] = mapped_column(sa.String(8))
    state: Mapped[str] = mapped_column(sa.String(2))
    district: Mapped[int] = mapped_column(sa.Integer)  # -1 for senators (the whole state)
    day: Mapped[date] = mapped_column(sa.Date)
    count: Mapped[int] = mapped_column(sa.Integer, default=0)
