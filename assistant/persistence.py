"""Persistence of engagements, interview sessions, their turns and assessments, and the LLM call log.

One SQLAlchemy URL selects the database: SQLite (the default, a file in the state directory)
or PostgreSQL; the same code runs on both. Every public method opens its own short ORM session
and returns frozen records, so a ``Database`` can be shared between threads.

Guarantees the interview relies on:

* ``append_turn`` has committed (and, on SQLite, synced the write-ahead log) before it
  returns, so an acknowledged turn survives a crash of the process.
* Turn numbers (``seq``) are 1, 2, 3 ... per session without gaps or duplicates, also with
  several threads or processes writing to the same database: the session row is updated first,
  which takes the write lock (SQLite) or the row lock (PostgreSQL) before the next number is read.
* ``delete_session`` removes the session, its turns and its assessment (``forget_session`` also
  the engagement-level assessment that combined it); on SQLite deleted content is overwritten
  (``secure_delete``) and the write-ahead log is truncated.

Database failures (locked beyond the busy timeout, unwritable directory, full disk, unreachable
server) surface as one-line ``StorageError`` messages naming the database with its password
masked. Stakeholder text never appears in messages or logs (``hide_parameters``).
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from assistant.errors import InputError, NotFoundError, StorageError

__all__ = [
    "LLM_OUTCOMES",
    "SESSION_STATUSES",
    "SPEAKERS",
    "Database",
    "EngagementRecord",
    "LLMCallRecord",
    "SessionRecord",
    "TurnRecord",
    "mask_url",
    "open_database",
]

SPEAKERS: Final = frozenset({"agent", "stakeholder"})
SESSION_STATUSES: Final = frozenset({"active", "closed"})
#: How one LLM call ended: valid output, invalid output that was asked again, invalid output that
#: made the caller use the embedded engine's result, or a request that failed.
LLM_OUTCOMES: Final = frozenset({"ok", "re-asked", "fallback", "error"})
DEFAULT_BUSY_TIMEOUT_S: Final = 5.0
_SEQ_RETRIES: Final = 20
_NAME_MAX: Final = 100
_ID_MAX: Final = 64


def _utcnow() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class EngagementRow(Base):
    __tablename__ = "engagements"

    id: Mapped[str] = mapped_column(String(_ID_MAX), primary_key=True)
    organisation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(_ID_MAX), primary_key=True)
    engagement_id: Mapped[str] = mapped_column(
        String(_ID_MAX), ForeignKey("engagements.id", ondelete="CASCADE"), index=True
    )
    stakeholder: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(_NAME_MAX))
    framework: Mapped[str] = mapped_column(String(_NAME_MAX))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_turns_session_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(_ID_MAX), ForeignKey("sessions.id", ondelete="CASCADE"))
    seq: Mapped[int]
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class AssessmentRow(Base):
    """The latest assessment of one session (session_id set) or of a whole engagement (session_id NULL)."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str | None] = mapped_column(
        String(_ID_MAX), ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    engagement_id: Mapped[str] = mapped_column(
        String(_ID_MAX), ForeignKey("engagements.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


# One engagement-level row per engagement: a partial unique index (SQLite and PostgreSQL both have them).
Index(
    "uq_assessments_engagement_level",
    AssessmentRow.engagement_id,
    unique=True,
    sqlite_where=AssessmentRow.session_id.is_(None),
    postgresql_where=AssessmentRow.session_id.is_(None),
)


class LLMCallRow(Base):
    """One request to an LLM (each re-ask and each retry is a row of its own)."""

    __tablename__ = "llm_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    prompt: Mapped[str] = mapped_column(String(_NAME_MAX))
    prompt_version: Mapped[int]
    model: Mapped[str] = mapped_column(String(200))
    latency_ms: Mapped[int]
    prompt_tokens: Mapped[int | None]
    completion_tokens: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)


# --------------------------------------------------------------------------------------------
# Records returned to callers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EngagementRecord:
    id: str
    organisation: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: str
    engagement_id: str
    stakeholder: str | None
    role: str | None
    engine: str
    framework: str
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TurnRecord:
    id: int
    session_id: str
    seq: int
    speaker: str
    text: str
    meta: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LLMCallRecord:
    id: int
    created_at: datetime
    prompt: str
    prompt_version: int
    model: str
    latency_ms: int
    prompt_tokens: int | None
    completion_tokens: int | None
    outcome: str
    error: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "prompt": self.prompt,
            "prompt_version": self.prompt_version,
            "model": self.model,
            "latency_ms": self.latency_ms,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "outcome": self.outcome,
            "error": self.error,
        }


def _engagement_record(row: EngagementRow) -> EngagementRecord:
    return EngagementRecord(id=row.id, organisation=row.organisation, created_at=row.created_at)


def _session_record(row: SessionRow) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        engagement_id=row.engagement_id,
        stakeholder=row.stakeholder,
        role=row.role,
        engine=row.engine,
        framework=row.framework,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _turn_record(row: TurnRow) -> TurnRecord:
    return TurnRecord(
        id=row.id,
        session_id=row.session_id,
        seq=row.seq,
        speaker=row.speaker,
        text=row.text,
        meta=dict(row.meta or {}),
        created_at=row.created_at,
    )


# --------------------------------------------------------------------------------------------
# Error handling
# --------------------------------------------------------------------------------------------

_PASSWORD_IN_URL = re.compile(r"(?P<head>://[^:/@\s]*:)[^@\s]*@")


def mask_url(url: str | URL) -> str:
    """The URL with any password replaced by ``***`` (also for strings SQLAlchemy cannot parse)."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: mask by pattern
        return _PASSWORD_IN_URL.sub(r"\g<head>***@", url)


def _reason(exc: BaseException, password: str | None) -> str:
    """The driver's own message, on one line, without the password or SQLAlchemy's SQL dump."""
    original = getattr(exc, "orig", None)
    source = original if isinstance(original, BaseException) else exc
    reason = str(source).split("\n[SQL:", 1)[0].split("\n(Background on this error", 1)[0]
    reason = " ".join(reason.split()) or type(source).__name__
    if password:
        reason = reason.replace(password, "***")
    return reason[:200]


def _storage_error(exc: BaseException, display_url: str, password: str | None, busy_timeout_s: float) -> StorageError:
    reason = _reason(exc, password)
    lowered = reason.lower()
    where = f"the database {display_url}"
    if isinstance(exc, ImportError):
        advice = "install the database driver for this URL or set MATURITY_DATABASE_URL to a sqlite:/// URL"
        return StorageError(f"cannot use {where}: driver missing ({reason}); {advice}")
    if isinstance(exc, sa_exc.ArgumentError):
        advice = "set MATURITY_DATABASE_URL to e.g. sqlite:////path/to/maturity.db or postgresql://user@host/db"
        return StorageError(f"{where} is not a valid database URL ({reason}); {advice}")
    if "locked" in lowered or "busy" in lowered:
        return StorageError(
            f"{where} is busy ({reason}): another process held it locked for over {busy_timeout_s:g} s; "
            "retry, or stop the other process that is using it"
        )
    if "full" in lowered or "no space" in lowered or "disk i/o" in lowered:
        return StorageError(
            f"cannot write {where} ({reason}); free disk space or set MATURITY_DATABASE_URL to another location"
        )
    if "not a database" in lowered or "malformed" in lowered:
        return StorageError(
            f"{where} is not a usable database ({reason}); move the file aside or set MATURITY_DATABASE_URL "
            "to another location"
        )
    if isinstance(exc, OSError) or any(
        word in lowered for word in ("unable to open", "readonly", "read-only", "permission", "directory")
    ):
        return StorageError(
            f"cannot open or write {where} ({reason}); make sure its directory exists and is writable, "
            "or set MATURITY_DATABASE_URL to another location"
        )
    if display_url.startswith("sqlite"):
        return StorageError(
            f"database error on {where} ({reason}); check that the file is writable and the disk is healthy"
        )
    return StorageError(
        f"cannot use {where} ({reason}); check that the server is running and reachable and that "
        "MATURITY_DATABASE_URL (user, password, database name) is right"
    )


def _check_json(value: dict[str, Any], what: str) -> None:
    if not isinstance(value, dict):
        raise InputError(f"{what} must be a JSON object (a dict), not {type(value).__name__}")
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{what} cannot be stored as JSON ({exc}); use only str, numbers, bool, None, lists, dicts"
        ) from None


def _check_text(value: str, what: str) -> None:
    if not isinstance(value, str):
        raise InputError(f"{what} must be text, not {type(value).__name__}")
    if "\x00" in value:
        raise InputError(f"{what} contains a NUL character; remove it and try again")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{what} is not valid Unicode (lone surrogate); re-enter it") from None


def _check_name(value: str, what: str, *, example: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{what} is empty; give one, e.g. {example}")
    value = value.strip()
    if len(value) > _NAME_MAX:
        raise InputError(f"{what} is longer than {_NAME_MAX} characters; shorten it")
    _check_text(value, what)
    return value


def _optional(value: str | None) -> str | None:
    """Stripped text, or None for None or blank text."""
    return (value.strip() or None) if value is not None else None


def new_id(nbytes: int) -> str:
    """A random URL-safe id of ``nbytes`` bytes that never starts with "-".

    Ids are typed as command-line arguments (`maturity engagement ID`, `maturity forget ID`);
    one starting with "-" is read as an option. Redrawing those keeps the ids uniform over the rest.
    """
    while True:
        identifier = secrets.token_urlsafe(nbytes)
        if not identifier.startswith("-"):
            return identifier


def _short(identifier: str) -> str:
    return repr(identifier if len(identifier) <= 80 else identifier[:80] + "...")


def _unknown_session(session_id: str) -> NotFoundError:
    return NotFoundError(f"unknown session id {_short(session_id)}; check the link or start a new interview")


def _unknown_engagement(engagement_id: str) -> NotFoundError:
    return NotFoundError(
        f"unknown engagement id {_short(engagement_id)}; check the id against the list of engagements "
        "or create a new engagement"
    )


# --------------------------------------------------------------------------------------------
# Database
# --------------------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory or URI-style database."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return Path(database)


class Database:
    """Engagements, sessions, turns and assessments in one SQL database."""

    def __init__(self, url: str, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> None:
        self._display_url = mask_url(url)
        self._password: str | None = None
        self._busy_timeout_s = busy_timeout_s
        self._lock: threading.RLock | None = None
        with self._guard():
            parsed = make_url(url)
            self._password = parsed.password
            self._engine = self._create_engine(parsed)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        try:
            with self._guard():
                self._create_schema()
        except BaseException:
            self._engine.dispose()
            raise

    def _create_engine(self, url: URL) -> Engine:
        if url.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True, hide_parameters=True)
        path = _sqlite_file(url)
        if path is None:
            # In-memory: one connection shared by all threads, serialised by a lock.
            self._lock = threading.RLock()
            engine = create_engine(
                url,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
                hide_parameters=True,
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": self._busy_timeout_s}, hide_parameters=True)
        busy_ms = round(self._busy_timeout_s * 1000)

        def configure(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout = {busy_ms:d}")
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = FULL")  # an acknowledged commit is on disk
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.execute("PRAGMA secure_delete = ON")  # deleted interview text is overwritten
            finally:
                cursor.close()

        event.listen(engine, "connect", configure)
        return engine

    def _create_schema(self) -> None:
        for attempt in range(3):
            try:
                Base.metadata.create_all(self._engine)
                return
            except sa_exc.OperationalError as exc:  # another process created the tables at the same moment
                if "already exists" not in str(exc.orig) or attempt == 2:
                    raise

    # -- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Translate database failures into one-line StorageErrors."""
        lock: AbstractContextManager[Any] = self._lock if self._lock is not None else nullcontext()
        with lock:
            try:
                yield
            except sa_exc.IntegrityError:  # a constraint the code did not expect: a bug, not the database's fault
                raise
            except sa_exc.DBAPIError as exc:
                raise self._storage_error(exc) from exc
            except sa_exc.StatementError:  # a value SQLAlchemy could not bind: a bug in the caller of the ORM
                raise
            except (sa_exc.SQLAlchemyError, sqlite3.Error, OSError, ImportError) as exc:
                raise self._storage_error(exc) from exc

    def _storage_error(self, exc: BaseException) -> StorageError:
        return _storage_error(exc, self._display_url, self._password, self._busy_timeout_s)

    @property
    def url(self) -> str:
        """The database URL with any password masked."""
        return self._display_url

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        """Close all connections (on SQLite the last close checkpoints and removes the WAL file)."""
        self._engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- engagements -----------------------------------------------------------------------

    def create_engagement(self, organisation: str) -> EngagementRecord:
        if not isinstance(organisation, str) or not organisation.strip():
            raise InputError("organisation name is empty; give the name of the organisation being assessed")
        _check_text(organisation, "organisation name")
        row = EngagementRow(id=new_id(12), organisation=organisation.strip(), created_at=_utcnow())
        with self._guard(), self._sessions() as db:
            db.add(row)
            db.commit()
            return _engagement_record(row)

    def get_engagement(self, engagement_id: str) -> EngagementRecord:
        with self._guard(), self._sessions() as db:
            row = db.get(EngagementRow, engagement_id)
            if row is None:
                raise _unknown_engagement(engagement_id)
            return _engagement_record(row)

    def list_engagements(self) -> list[EngagementRecord]:
        """All engagements, newest first."""
        with self._guard(), self._sessions() as db:
            rows = db.scalars(select(EngagementRow).order_by(EngagementRow.created_at.desc(), EngagementRow.id))
            return [_engagement_record(row) for row in rows]

    # -- sessions --------------------------------------------------------------------------

    def create_session(
        self, engagement_id: str, *, stakeholder: str | None, role: str | None, engine: str, framework: str
    ) -> SessionRecord:
        for value, what in ((stakeholder, "stakeholder name"), (role, "stakeholder role")):
            if value is not None:
                _check_text(value, what)
        engine = _check_name(engine, "engine", example="'rules'")
        framework = _check_name(framework, "framework", example="'mlops-maturity@1.0'")
        name, _, version = framework.rpartition("@")
        if not name or not version:
            raise InputError(f"framework {framework!r} must be written name@version, e.g. 'mlops-maturity@1.0'")
        now = _utcnow()
        row = SessionRow(
            id=new_id(16),
            engagement_id=engagement_id,
            stakeholder=_optional(stakeholder),
            role=_optional(role),
            engine=engine,
            framework=framework,
            status="active",
            created_at=now,
            updated_at=now,
        )
        with self._guard(), self._sessions() as db:
            if db.get(EngagementRow, engagement_id) is None:
                raise _unknown_engagement(engagement_id)
            db.add(row)
            try:
                db.commit()
            except sa_exc.IntegrityError:  # the engagement was deleted meanwhile
                raise _unknown_engagement(engagement_id) from None
            return _session_record(row)

    def get_session(self, session_id: str) -> SessionRecord:
        with self._guard(), self._sessions() as db:
            row = db.get(SessionRow, session_id)
            if row is None:
                raise _unknown_session(session_id)
            return _session_record(row)

    def list_sessions(self, engagement_id: str) -> list[SessionRecord]:
        """The sessions of an engagement, newest first."""
        with self._guard(), self._sessions() as db:
            if db.get(EngagementRow, engagement_id) is None:
                raise _unknown_engagement(engagement_id)
            rows = db.scalars(
                select(SessionRow)
                .where(SessionRow.engagement_id == engagement_id)
                .order_by(SessionRow.created_at.desc(), SessionRow.id)
            )
            return [_session_record(row) for row in rows]

    def set_status(self, session_id: str, status: str) -> None:
        if status not in SESSION_STATUSES:
            raise InputError(f"session status must be 'active' or 'closed', not {_short(str(status))}")
        with self._guard(), self._sessions() as db:
            result = db.execute(
                update(SessionRow).where(SessionRow.id == session_id).values(status=status, updated_at=_utcnow())
            )
            if _rowcount(result) == 0:
                raise _unknown_session(session_id)
            db.commit()

    def delete_session(self, session_id: str) -> None:
        """Remove the session, its turns and its assessment."""
        with self._guard():
            with self._sessions() as db:
                # Explicit deletes: nothing is left even where the ON DELETE CASCADE is not enforced.
                db.execute(delete(AssessmentRow).where(AssessmentRow.session_id == session_id))
                db.execute(delete(TurnRow).where(TurnRow.session_id == session_id))
                result = db.execute(delete(SessionRow).where(SessionRow.id == session_id))
                if _rowcount(result) == 0:
                    db.rollback()
                    raise _unknown_session(session_id)
                db.commit()
            self._truncate_wal()

    def forget_session(self, session_id: str) -> SessionRecord:
        """Remove a session and everything derived from it; returns the record it had.

        Beyond ``delete_session``: the engagement-level assessment is dropped too, because it
        combined this session's answers (its evidence quotes them); it is recomputed from the
        remaining sessions on demand. The engagement itself stays, so invitation links keep working.
        One transaction: either all of it is gone or nothing is.
        """
        with self._guard():
            with self._sessions() as db:
                row = db.get(SessionRow, session_id)
                if row is None:
                    raise _unknown_session(session_id)
                record = _session_record(row)
                db.execute(delete(AssessmentRow).where(AssessmentRow.session_id == session_id))
                db.execute(
                    delete(AssessmentRow).where(
                        (AssessmentRow.engagement_id == record.engagement_id) & AssessmentRow.session_id.is_(None)
                    )
                )
                db.execute(delete(TurnRow).where(TurnRow.session_id == session_id))
                result = db.execute(delete(SessionRow).where(SessionRow.id == session_id))
                if _rowcount(result) == 0:  # deleted by another process meanwhile
                    db.rollback()
                    raise _unknown_session(session_id)
                db.commit()
            self._truncate_wal()
        return record

    def _truncate_wal(self) -> None:
        """SQLite: move committed pages into the file and empty the log (best effort; skipped while read)."""
        if self._engine.dialect.name != "sqlite":
            return
        try:
            with self._engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sa_exc.DBAPIError:  # the deletion is committed; the log is emptied at a later checkpoint
            pass

    # -- turns -----------------------------------------------------------------------------

    def append_turn(self, session_id: str, speaker: str, text: str, meta: dict[str, Any] | None = None) -> TurnRecord:
        """Store the next turn of a session; it is committed when this returns."""
        if speaker not in SPEAKERS:
            raise InputError(f"speaker must be 'agent' or 'stakeholder', not {_short(str(speaker))}")
        _check_text(text, "turn text")
        meta = {} if meta is None else meta
        _check_json(meta, "turn meta")
        with self._guard():
            for _attempt in range(_SEQ_RETRIES):
                with self._sessions() as db:
                    now = _utcnow()
                    # Touching the session row first takes the write lock (SQLite) or the row lock
                    # (PostgreSQL), so the number read next cannot be taken by another writer.
                    result = db.execute(update(SessionRow).where(SessionRow.id == session_id).values(updated_at=now))
                    if _rowcount(result) == 0:
                        db.rollback()
                        raise _unknown_session(session_id)
                    last = db.scalar(select(func.max(TurnRow.seq)).where(TurnRow.session_id == session_id))
                    row = TurnRow(
                        session_id=session_id,
                        seq=(last or 0) + 1,
                        speaker=speaker,
                        text=text,
                        meta=meta,
                        created_at=now,
                    )
                    db.add(row)
                    try:
                        db.commit()
                    except sa_exc.IntegrityError:  # another writer took this seq (weaker isolation): retry
                        db.rollback()
                        continue
                    return _turn_record(row)
        raise StorageError(
            f"could not number a new turn in the database {self._display_url} after {_SEQ_RETRIES} attempts "
            "(too many concurrent writers to one session); retry"
        )

    def turns(self, session_id: str) -> list[TurnRecord]:
        """The turns of a session in order (seq 1, 2, ...)."""
        with self._guard(), self._sessions() as db:
            if db.get(SessionRow, session_id) is None:
                raise _unknown_session(session_id)
            rows = db.scalars(select(TurnRow).where(TurnRow.session_id == session_id).order_by(TurnRow.seq))
            return [_turn_record(row) for row in rows]

    # -- assessments -----------------------------------------------------------------------

    def save_assessment(
        self, data: dict[str, Any], *, session_id: str | None = None, engagement_id: str | None = None
    ) -> None:
        """Store the assessment of a session or (session_id None) of an engagement, replacing any earlier one."""
        _check_scope(session_id, engagement_id)
        _check_json(data, "assessment")
        with self._guard():
            for _attempt in range(_SEQ_RETRIES):
                with self._sessions() as db:
                    owner = self._assessment_owner(db, session_id, engagement_id)
                    db.execute(delete(AssessmentRow).where(_assessment_filter(session_id, owner)))
                    db.add(AssessmentRow(session_id=session_id, engagement_id=owner, data=data, created_at=_utcnow()))
                    try:
                        db.commit()
                    except sa_exc.IntegrityError:  # a concurrent save of the same scope: retry, last one wins
                        db.rollback()
                        continue
                    return
        raise StorageError(f"could not save the assessment in the database {self._display_url}; retry")

    def get_assessment(
        self, *, session_id: str | None = None, engagement_id: str | None = None
    ) -> dict[str, Any] | None:
        """The latest assessment of a session or engagement, or None if none was saved."""
        _check_scope(session_id, engagement_id)
        with self._guard(), self._sessions() as db:
            owner = self._assessment_owner(db, session_id, engagement_id)
            data = db.scalar(select(AssessmentRow.data).where(_assessment_filter(session_id, owner)))
            return None if data is None else dict(data)

    @staticmethod
    def _assessment_owner(db: Session, session_id: str | None, engagement_id: str | None) -> str:
        """The engagement an assessment belongs to; NotFoundError for unknown ids."""
        if session_id is not None:
            owner = db.scalar(select(SessionRow.engagement_id).where(SessionRow.id == session_id))
            if owner is None:
                raise _unknown_session(session_id)
            return owner
        assert engagement_id is not None
        if db.get(EngagementRow, engagement_id) is None:
            raise _unknown_engagement(engagement_id)
        return engagement_id

    # -- LLM call log ----------------------------------------------------------------------

    def log_llm_call(
        self,
        *,
        prompt: str,
        prompt_version: int,
        model: str,
        latency_ms: int,
        outcome: str,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        error: str | None = None,
    ) -> None:
        """Record one LLM request. The error message is kept to one line of at most 500 characters."""
        if outcome not in LLM_OUTCOMES:
            raise InputError(f"LLM call outcome must be one of {', '.join(sorted(LLM_OUTCOMES))}, not {outcome!r}")
        message = " ".join(error.split())[:500] if error else None
        row = LLMCallRow(
            created_at=_utcnow(),
            prompt=prompt[:_NAME_MAX],
            prompt_version=int(prompt_version),
            model=model[:200],
            latency_ms=max(0, int(latency_ms)),
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            outcome=outcome,
            error=message,
        )
        with self._guard(), self._sessions() as db:
            db.add(row)
            db.commit()

    def llm_calls(self, limit: int = 50) -> list[LLMCallRecord]:
        """The most recent LLM calls, newest first."""
        with self._guard(), self._sessions() as db:
            rows = db.scalars(
                select(LLMCallRow).order_by(LLMCallRow.created_at.desc(), LLMCallRow.id.desc()).limit(max(0, limit))
            )
            return [
                LLMCallRecord(
                    id=row.id,
                    created_at=row.created_at,
                    prompt=row.prompt,
                    prompt_version=row.prompt_version,
                    model=row.model,
                    latency_ms=row.latency_ms,
                    prompt_tokens=row.prompt_tokens,
                    completion_tokens=row.completion_tokens,
                    outcome=row.outcome,
                    error=row.error,
                )
                for row in rows
            ]


def _check_scope(session_id: str | None, engagement_id: str | None) -> None:
    if (session_id is None) == (engagement_id is None):
        raise InputError("give exactly one of session_id or engagement_id for an assessment")


def _assessment_filter(session_id: str | None, engagement_id: str) -> Any:
    if session_id is not None:
        return AssessmentRow.session_id == session_id
    return (AssessmentRow.engagement_id == engagement_id) & AssessmentRow.session_id.is_(None)


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


def open_database(url: str) -> Database:
    """Open (creating tables as needed) the database at a SQLAlchemy URL."""
    return Database(url)
