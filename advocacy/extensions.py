"""Flask extensions, created unbound and bound in create_app()."""

import contextlib
import os
import socket
import sqlite3
import threading
import time
from typing import Any

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
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
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
def _connect_or_fail_fast(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    dbapi = dialect.loaded_dbapi
    if time.monotonic() < getattr(dialect, "advocacy_retry_at", 0.0):
        raise dbapi.OperationalError("the database was unreachable a moment ago")
    try:
        return dialect.connect(*cargs, **cparams)
    except dbapi.Error:
        dialect.advocacy_retry_at = time.monotonic() + RETRY_CONNECT_AFTER_SECONDS
        raise


class StatementWatchdog:
    """Shuts the connection of a PostgreSQL statement still running past its deadline. The
    server's statement_timeout ends a slow statement; it can't end one on a server that has
    frozen, and then the request would wait for good. One thread watches every statement."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.running: dict[int, tuple[float, Any]] = {}
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def watch(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._started)
        event.listen(engine, "after_cursor_execute", self._ended)
        event.listen(engine, "handle_error", lambda ctx: self._forget(getattr(ctx, "cursor", None)))

    def _started(self, conn: Any, cursor: Any, *_: Any) -> None:
        with self.lock:
            self.running[id(cursor)] = (
                time.monotonic() + self.seconds,
                conn.connection.dbapi_connection,
            )
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="sql-watchdog", daemon=True)
                self.thread.start()

    def _ended(self, conn: Any, cursor: Any, *_: Any) -> None:
        self._forget(cursor)

    def _forget(self, cursor: Any) -> None:
        with self.lock:
            self.running.pop(id(cursor), None)

    def _run(self) -> None:
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self.lock:
                late = [key for key, (deadline, _) in self.running.items() if deadline < now]
                stuck = [self.running.pop(key)[1] for key in late]
            for dbapi_connection in stuck:
                _shut(dbapi_connection)


def _shut(dbapi_connection: Any) -> None:
    """End a psycopg connection's socket under the thread blocked on it, which then fails
    (and SQLAlchemy throws the connection away)."""
    with contextlib.suppress(Exception):
        fd = os.dup(dbapi_connection.pgconn.socket)
        with socket.socket(fileno=fd) as sock:
            sock.shutdown(socket.SHUT_RDWR)
