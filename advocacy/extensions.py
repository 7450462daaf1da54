"""Flask extensions, created unbound and bound in create_app()."""

import sqlite3
import time

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from .security import client_key


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
limiter = Limiter(client_key)
migrate = Migrate()
login_manager = LoginManager()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite under several workers: readers don't block the writer, writers wait their turn.
    In WAL mode, synchronous=NORMAL syncs at checkpoints rather than at every commit: a commit
    survives the app being killed (only a power cut can lose the last ones), and a count costs
    a write, not a disk flush."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# After a failed connect, new connects fail at once for this long: while the database is down
# or hung, a request costs a thread no more than one connect timeout, and most cost nothing.
RETRY_CONNECT_AFTER_SECONDS = 2.0


@event.listens_for(Engine, "do_connect")
def _connect_or_fail_fast(dialect, _record, cargs, cparams):
    dbapi = dialect.loaded_dbapi
    if time.monotonic() < getattr(dialect, "advocacy_retry_at", 0.0):
        raise dbapi.OperationalError("the database was unreachable a moment ago")
    try:
        return dialect.connect(*cargs, **cparams)
    except dbapi.Error:
        dialect.advocacy_retry_at = time.monotonic() + RETRY_CONNECT_AFTER_SECONDS
        raise
