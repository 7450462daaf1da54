"""Database models: organizers, their campaigns, and anonymous counts. Nothing about citizens."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, scoped_session

from .extensions import Base, db

if TYPE_CHECKING:  # mypy can't see db.Model as a class: it is Base with Flask's mixins
    Model = Base
else:
    Model = db.Model

# A database session: a plain one, or Flask-SQLAlchemy's scoped one that views hold.
DbSession = Session | scoped_session[Any]


class ActionCount(Model):
    """How many letters were written or sent and calls made, per ask, seat, day, campaign and
    referring source. No person in it."""

    __tablename__ = "action_count"
    __table_args__ = (
        sa.UniqueConstraint(
            "action", "ask", "chamber", "state", "district", "day", "hour", "campaign_id", "ref",
            name="uq_count",
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(16))  # generated, sent, called, voicemail, busy
    ask: Mapped[str] = mapped_column(sa.String(64))
    chamber: Mapped[str] = mapped_column(sa.String(8))
    state: Mapped[str] = mapped_column(sa.String(2))
    district: Mapped[int] = mapped_column(sa.Integer)  # -1 for senators (the whole state)
    day: Mapped[date] = mapped_column(sa.Date)
    hour: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")  # UTC
    # 0 outside any campaign: NULLs would never match in the upsert's unique key.
    campaign_id: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0", index=True)
    ref: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    count: Mapped[int] = mapped_column(sa.Integer, default=0)


class CountedOnce(Model):
    """An outcome already counted, as a keyed hash of a visit and an office, so that the same
    outcome sent twice (a lost answer, then the offline queue) counts once, and another one
    (a corrected tap) moves the count. Pruned after a week."""

    __tablename__ = "counted_once"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    action: Mapped[str | None] = mapped_column(sa.String(16))  # what was counted
    count_id: Mapped[int | None] = mapped_column(sa.Integer)  # the action_count row it went to


class Organizer(UserMixin, Model):
    """An organizer's account: an email and a password hash."""

    __tablename__ = "organizer"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))  # by accounts.py

    campaigns: Mapped[list[Campaign]] = relationship(back_populates="organizer")

    # The signed-in session this account was loaded for (accounts.start_session, load): a
    # random token, the only thing the session cookie holds.
    session_token = ""

    def get_id(self) -> str:
        return self.session_token


class OrganizerSession(Model):
    """A signed-in session, kept on the server so that signing out ends it for good. Only a
    hash of its token is kept: a copy of the database opens no session."""

    __tablename__ = "organizer_session"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    organizer_id: Mapped[int] = mapped_column(sa.ForeignKey("organizer.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Campaign(Model):
    """What an organizer creates and shares: asks, texts, offices, a call-in window."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(sa.ForeignKey("organizer.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    asks: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(8), default="draft")  # draft, live, closed
    ends_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    goal: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    show_progress: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    opening: Mapped[str] = mapped_column(sa.Text, default="")  # sandboxed templates
    closing: Mapped[str] = mapped_column(sa.Text, default="")
    call_script: Mapped[str] = mapped_column(sa.Text, default="")
    # Legislation members are asked to co-sponsor: "H.R. 1234 (119th Congress)".
    bill: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    # A call-in window, in the organizer's time zone (naive local times plus the zone's name).
    call_starts: Mapped[datetime | None] = mapped_column(sa.DateTime, nullable=True)
    call_ends: Mapped[datetime | None] = mapped_column(sa.DateTime, nullable=True)
    call_zone: Mapped[str] = mapped_column(
        sa.String(40), default="America/New_York", server_default="America/New_York"
    )
    # Set by campaigns.save, from the app's clock.
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    organizer: Mapped[Organizer] = relationship(back_populates="campaigns")
    targets: Mapped[list[Target]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Target.position"
    )


class CampaignLink(Model):
    """A link name a campaign has been shared under: it stays with that campaign for good
    (printed QR codes and flyers point to it), and leads to its current link if renamed."""

    __tablename__ = "campaign_link"

    slug: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Target(Model):
    """An office the organizer names besides the citizen's own members."""

    __tablename__ = "target"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    title: Mapped[str] = mapped_column(sa.String(120))  # e.g. "Administrator, USAID"
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    # After "Dear" in its letters: "Secretary Rubio"; by default its name or its title.
    greeting: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")

    campaign: Mapped[Campaign] = relationship(back_populates="targets")
