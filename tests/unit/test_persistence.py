"""The sessions database: records, numbering of turns, deletion, concurrency and storage failures."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from assistant.errors import InputError, MaturityError, NotFoundError, StorageError
from assistant.persistence import Base, Database, mask_url, open_database

FRAMEWORK = "mlops-maturity@1.0"


def file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state' / 'maturity.db'}"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "maturity.db"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(file_url(tmp_path))
    yield database
    database.close()


@pytest.fixture(params=["file", "memory"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The same behaviour on a SQLite file and on an in-memory database."""
    database = open_database(file_url(tmp_path) if request.param == "file" else "sqlite://")
    yield database
    database.close()


def new_session(db: Database, organisation: str = "Acme Analytics", **overrides: Any) -> str:
    engagement = db.create_engagement(organisation)
    fields: dict[str, Any] = {"stakeholder": "Ada", "role": "Head of ML", "engine": "rules", "framework": FRAMEWORK}
    fields.update(overrides)
    return db.create_session(engagement.id, **fields).id


def raw_rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Query the file directly, bypassing the Database class."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def assert_one_line(error: BaseException, *fragments: str) -> None:
    message = str(error)
    assert isinstance(error, MaturityError)
    assert "\n" not in message and "Traceback" not in message and "[SQL:" not in message, message
    for fragment in fragments:
        assert fragment.lower() in message.lower(), message


# -- records ---------------------------------------------------------------------------------


def test_engagements_are_created_read_back_and_listed_newest_first(any_db: Database) -> None:
    before = datetime.now(UTC)
    first = any_db.create_engagement("  Acme Analytics ")
    second = any_db.create_engagement("Globex")
    third = any_db.create_engagement("Initech")

    assert first.organisation == "Acme Analytics"
    assert first.created_at.tzinfo is not None and first.created_at.utcoffset() == UTC.utcoffset(None)
    assert before <= first.created_at <= datetime.now(UTC)
    assert any_db.get_engagement(second.id) == second
    assert [e.id for e in any_db.list_engagements()] == [third.id, second.id, first.id]
    assert len({first.id, second.id, third.id}) == 3


def test_sessions_are_created_listed_and_closed(any_db: Database) -> None:
    engagement = any_db.create_engagement("Acme")
    other = any_db.create_engagement("Other")
    first = any_db.create_session(engagement.id, stakeholder="Ada", role="CTO", engine="rules", framework=FRAMEWORK)
    second = any_db.create_session(engagement.id, stakeholder=None, role=None, engine="rules", framework=FRAMEWORK)
    any_db.create_session(other.id, stakeholder="Bob", role=None, engine="rules", framework=FRAMEWORK)

    assert first.status == "active" and first.engagement_id == engagement.id
    assert (first.stakeholder, first.role, first.engine, first.framework) == ("Ada", "CTO", "rules", FRAMEWORK)
    assert second.stakeholder is None and second.role is None
    assert any_db.get_session(first.id) == first
    assert [s.id for s in any_db.list_sessions(engagement.id)] == [second.id, first.id]

    any_db.set_status(first.id, "closed")
    closed = any_db.get_session(first.id)
    assert closed.status == "closed"
    assert closed.updated_at > first.updated_at
    any_db.set_status(first.id, "active")
    assert any_db.get_session(first.id).status == "active"


def test_session_ids_are_long_random_tokens(db: Database) -> None:
    engagement = db.create_engagement("Acme")
    ids = {
        db.create_session(engagement.id, stakeholder=None, role=None, engine="rules", framework=FRAMEWORK).id
        for _ in range(20)
    }
    assert len(ids) == 20
    assert all(len(session_id) >= 21 and session_id.replace("-", "").replace("_", "").isalnum() for session_id in ids)


def test_records_are_frozen_and_outlive_the_database(tmp_path: Path) -> None:
    database = open_database(file_url(tmp_path))
    session_id = new_session(database)
    turn = database.append_turn(session_id, "agent", "How do you deploy models?", {"question": "dep-1"})
    record = database.get_session(session_id)
    database.close()

    assert record.stakeholder == "Ada" and turn.meta == {"question": "dep-1"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.status = "closed"  # type: ignore[misc]


def test_data_survives_closing_and_reopening(tmp_path: Path) -> None:
    database = open_database(file_url(tmp_path))
    session_id = new_session(database)
    database.append_turn(session_id, "agent", "first")
    database.save_assessment({"level": 2}, session_id=session_id)
    database.close()

    reopened = open_database(file_url(tmp_path))
    try:
        assert [t.text for t in reopened.turns(session_id)] == ["first"]
        assert reopened.append_turn(session_id, "stakeholder", "second").seq == 2
        assert reopened.get_assessment(session_id=session_id) == {"level": 2}
    finally:
        reopened.close()


# -- turns -----------------------------------------------------------------------------------


def test_turns_are_numbered_per_session_and_returned_in_order(any_db: Database) -> None:
    a = new_session(any_db)
    b = new_session(any_db, "Globex")
    for i in range(5):
        turn = any_db.append_turn(a, "agent" if i % 2 == 0 else "stakeholder", f"a{i}")
        assert (turn.seq, turn.session_id, turn.text) == (i + 1, a, f"a{i}")
        if i < 3:
            assert any_db.append_turn(b, "agent", f"b{i}").seq == i + 1

    turns_a = any_db.turns(a)
    assert [t.seq for t in turns_a] == [1, 2, 3, 4, 5]
    assert [t.text for t in turns_a] == [f"a{i}" for i in range(5)]
    assert [t.speaker for t in turns_a] == ["agent", "stakeholder", "agent", "stakeholder", "agent"]
    assert [t.text for t in any_db.turns(b)] == ["b0", "b1", "b2"]
    assert any_db.turns(new_session(any_db, "Empty")) == []


def test_appending_a_turn_touches_the_session(db: Database) -> None:
    session_id = new_session(db)
    created = db.get_session(session_id)
    turn = db.append_turn(session_id, "agent", "hello")
    assert db.get_session(session_id).updated_at == turn.created_at > created.updated_at


def test_meta_round_trips(any_db: Database) -> None:
    session_id = new_session(any_db)
    meta = {
        "question_id": "monitoring.drift",
        "kind": "follow_up",
        "suggestions": ["Prometheus", "Grafana", "Évidently ✓"],
        "scores": {"confidence": 0.75, "level": 3, "final": False, "note": None},
    }
    stored = any_db.append_turn(session_id, "agent", "Do you watch for drift?", meta)
    plain = any_db.append_turn(session_id, "stakeholder", "Not yet.")

    assert stored.meta == meta
    assert plain.meta == {}
    assert [t.meta for t in any_db.turns(session_id)] == [meta, {}]
    meta["kind"] = "changed after the call"
    assert any_db.turns(session_id)[0].meta["kind"] == "follow_up"


TEXTS = {
    "60 KB": ("Our pipeline retrains nightly. " * 2000)[:60_000] + "END",
    "emoji": "We ship 🚀 daily, monitor 📈 and roll back 🔙 when needed 👩‍💻👨🏽‍🔬",
    "non-latin": "Модели разворачиваются вручную. 模型每周部署一次。 النماذج تُنشر يدوياً. मॉडल",
    "combining and whitespace": "e\u0301 n\u0303\n\ttabs and\r\nnewlines  \u200b zero width\u00a0nbsp",
}


@pytest.mark.parametrize("name", list(TEXTS))
def test_large_and_non_latin_text_round_trips(any_db: Database, name: str) -> None:
    session_id = new_session(any_db)
    text = TEXTS[name]
    assert any_db.append_turn(session_id, "stakeholder", text).text == text
    (turn,) = any_db.turns(session_id)
    assert turn.text == text and len(turn.text) == len(text)


def test_large_text_is_stored_byte_exact_in_the_file(db: Database, db_path: Path) -> None:
    session_id = new_session(db)
    text = TEXTS["60 KB"] + TEXTS["emoji"] + TEXTS["non-latin"]
    db.append_turn(session_id, "stakeholder", text)
    ((stored,),) = raw_rows(db_path, "SELECT text FROM turns WHERE session_id = ?", session_id)
    assert stored == text and len(stored.encode()) > 60_000


# -- errors for the user ---------------------------------------------------------------------


def test_unknown_session_ids_raise_not_found_with_advice(db: Database) -> None:
    calls: list[Callable[[], object]] = [
        lambda: db.get_session("nope"),
        lambda: db.append_turn("nope", "agent", "hello"),
        lambda: db.turns("nope"),
        lambda: db.set_status("nope", "closed"),
        lambda: db.delete_session("nope"),
        lambda: db.save_assessment({"x": 1}, session_id="nope"),
        lambda: db.get_assessment(session_id="nope"),
    ]
    for call in calls:
        with pytest.raises(NotFoundError) as caught:
            call()
        assert isinstance(caught.value, InputError)
        assert_one_line(caught.value, "unknown session id 'nope'", "check the link or start a new interview")


def test_unknown_engagement_ids_raise_not_found_with_advice(db: Database) -> None:
    calls: list[Callable[[], object]] = [
        lambda: db.get_engagement("nope"),
        lambda: db.list_sessions("nope"),
        lambda: db.create_session("nope", stakeholder=None, role=None, engine="rules", framework=FRAMEWORK),
        lambda: db.save_assessment({"x": 1}, engagement_id="nope"),
        lambda: db.get_assessment(engagement_id="nope"),
    ]
    for call in calls:
        with pytest.raises(NotFoundError) as caught:
            call()
        assert_one_line(caught.value, "unknown engagement id 'nope'", "create a new engagement")


def test_an_overlong_unknown_id_is_shortened_in_the_message(db: Database) -> None:
    with pytest.raises(NotFoundError) as caught:
        db.get_session("x" * 5000)
    assert len(str(caught.value)) < 250


def test_invalid_input_is_rejected_before_anything_is_stored(db: Database, db_path: Path) -> None:
    session_id = new_session(db)
    engagement_id = db.get_session(session_id).engagement_id
    bad_calls: list[tuple[Callable[[], object], str]] = [
        (lambda: db.append_turn(session_id, "user", "hi"), "speaker must be 'agent' or 'stakeholder'"),
        (lambda: db.append_turn(session_id, "agent", "nul \x00 byte"), "NUL"),
        (lambda: db.append_turn(session_id, "agent", "bad \ud800 surrogate"), "Unicode"),
        (lambda: db.append_turn(session_id, "agent", "hi", {"score": float("nan")}), "JSON"),
        (lambda: db.append_turn(session_id, "agent", "hi", {"when": datetime.now(UTC)}), "JSON"),
        (lambda: db.set_status(session_id, "paused"), "'active' or 'closed'"),
        (lambda: db.create_engagement("   "), "organisation name is empty"),
        (
            lambda: db.create_session(engagement_id, stakeholder=None, role=None, engine="rules", framework="v1"),
            "name@version",
        ),
        (
            lambda: db.create_session(engagement_id, stakeholder=None, role=None, engine="", framework=FRAMEWORK),
            "engine",
        ),
        (lambda: db.save_assessment({"x": 1}), "exactly one of session_id or engagement_id"),
        (lambda: db.save_assessment({"x": 1}, session_id=session_id, engagement_id=engagement_id), "exactly one"),
        (lambda: db.get_assessment(), "exactly one"),
    ]
    for call, fragment in bad_calls:
        with pytest.raises(InputError) as caught:
            call()
        assert not isinstance(caught.value, NotFoundError)
        assert_one_line(caught.value, fragment)

    assert raw_rows(db_path, "SELECT COUNT(*) FROM turns") == [(0,)]
    assert raw_rows(db_path, "SELECT COUNT(*) FROM sessions") == [(1,)]
    assert raw_rows(db_path, "SELECT COUNT(*) FROM engagements") == [(1,)]
    assert raw_rows(db_path, "SELECT COUNT(*) FROM assessments") == [(0,)]
    assert db.get_session(session_id).status == "active"


# -- assessments -----------------------------------------------------------------------------


def test_assessments_are_replaced_per_session_and_per_engagement(any_db: Database) -> None:
    engagement = any_db.create_engagement("Acme")
    s1 = any_db.create_session(engagement.id, stakeholder="Ada", role=None, engine="rules", framework=FRAMEWORK).id
    s2 = any_db.create_session(engagement.id, stakeholder="Bob", role=None, engine="rules", framework=FRAMEWORK).id

    assert any_db.get_assessment(session_id=s1) is None
    assert any_db.get_assessment(engagement_id=engagement.id) is None

    any_db.save_assessment({"level": 1, "dimensions": {"monitoring": 1}}, session_id=s1)
    any_db.save_assessment({"level": 2}, session_id=s2)
    any_db.save_assessment({"level": 1.5, "sessions": [s1, s2]}, engagement_id=engagement.id)
    any_db.save_assessment({"level": 3, "dimensions": {"monitoring": 3}}, session_id=s1)
    any_db.save_assessment({"level": 2.5}, engagement_id=engagement.id)

    assert any_db.get_assessment(session_id=s1) == {"level": 3, "dimensions": {"monitoring": 3}}
    assert any_db.get_assessment(session_id=s2) == {"level": 2}
    assert any_db.get_assessment(engagement_id=engagement.id) == {"level": 2.5}


def test_replacing_an_assessment_leaves_one_row_per_scope(db: Database, db_path: Path) -> None:
    session_id = new_session(db)
    engagement_id = db.get_session(session_id).engagement_id
    for level in range(5):
        db.save_assessment({"level": level}, session_id=session_id)
        db.save_assessment({"overall": level}, engagement_id=engagement_id)
    rows = raw_rows(db_path, "SELECT session_id, engagement_id, data FROM assessments ORDER BY session_id IS NULL")
    assert rows == [(session_id, engagement_id, '{"level": 4}'), (None, engagement_id, '{"overall": 4}')]


# -- deletion --------------------------------------------------------------------------------


def test_delete_session_removes_its_turns_and_assessment_and_nothing_else(db: Database, db_path: Path) -> None:
    engagement = db.create_engagement("Acme")
    doomed = db.create_session(engagement.id, stakeholder="Ada", role=None, engine="rules", framework=FRAMEWORK).id
    kept = db.create_session(engagement.id, stakeholder="Bob", role=None, engine="rules", framework=FRAMEWORK).id
    for i in range(4):
        db.append_turn(doomed, "agent", f"doomed {i}", {"i": i})
        db.append_turn(kept, "agent", f"kept {i}")
    db.save_assessment({"level": 1}, session_id=doomed)
    db.save_assessment({"level": 2}, session_id=kept)
    db.save_assessment({"level": 1.5}, engagement_id=engagement.id)

    db.delete_session(doomed)

    assert raw_rows(db_path, "SELECT COUNT(*) FROM sessions WHERE id = ?", doomed) == [(0,)]
    assert raw_rows(db_path, "SELECT COUNT(*) FROM turns WHERE session_id = ?", doomed) == [(0,)]
    assert raw_rows(db_path, "SELECT COUNT(*) FROM assessments WHERE session_id = ?", doomed) == [(0,)]
    assert raw_rows(db_path, "SELECT COUNT(*) FROM turns WHERE text LIKE 'doomed%'") == [(0,)]
    with pytest.raises(NotFoundError):
        db.get_session(doomed)
    with pytest.raises(NotFoundError):
        db.append_turn(doomed, "agent", "too late")

    assert [t.text for t in db.turns(kept)] == [f"kept {i}" for i in range(4)]
    assert db.get_assessment(session_id=kept) == {"level": 2}
    assert db.get_assessment(engagement_id=engagement.id) == {"level": 1.5}
    assert [s.id for s in db.list_sessions(engagement.id)] == [kept]


def test_deleted_interview_text_is_not_left_in_the_database_files(db: Database, db_path: Path) -> None:
    marker = "CONFIDENTIAL-4f9a1c-"

    def files_containing(needle: str) -> list[str]:
        paths = [db_path, *db_path.parent.glob(db_path.name + "-*")]
        return [path.name for path in paths if needle.encode() in path.read_bytes()]

    doomed = new_session(db)
    kept = new_session(db, "Globex")
    for i in range(20):
        db.append_turn(doomed, "stakeholder", f"{marker}{i} " * 200)
        db.append_turn(kept, "stakeholder", f"ordinary answer {i}")
    assert files_containing(marker)  # the check below can see the text when it is there

    db.delete_session(doomed)
    assert files_containing(marker) == []  # neither in the file nor in the write-ahead log
    assert files_containing("ordinary answer 19")
    db.close()
    assert files_containing(marker) == []
    assert files_containing("ordinary answer 19") == [db_path.name]


# -- concurrency -----------------------------------------------------------------------------


def run_threads(count: int, work: Callable[[int], None]) -> None:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_concurrent_appends_to_separate_sessions_keep_every_turn_once(db: Database, db_path: Path) -> None:
    writers, per_writer = 8, 30
    sessions = [new_session(db, f"Org {i}") for i in range(writers)]

    def work(index: int) -> None:
        for i in range(per_writer):
            turn = db.append_turn(sessions[index], "agent" if i % 2 == 0 else "stakeholder", f"w{index}-t{i}")
            assert turn.seq == i + 1

    run_threads(writers, work)

    assert raw_rows(db_path, "SELECT COUNT(*) FROM turns") == [(writers * per_writer,)]
    for index, session_id in enumerate(sessions):
        turns = db.turns(session_id)
        assert [t.seq for t in turns] == list(range(1, per_writer + 1))
        assert [t.text for t in turns] == [f"w{index}-t{i}" for i in range(per_writer)]
        assert {t.session_id for t in turns} == {session_id}


def test_concurrent_appends_to_one_session_get_distinct_contiguous_numbers(db: Database) -> None:
    writers, per_writer = 8, 15
    session_id = new_session(db)

    def work(index: int) -> None:
        for i in range(per_writer):
            db.append_turn(session_id, "stakeholder", f"w{index}-t{i}", {"writer": index, "i": i})

    run_threads(writers, work)

    turns = db.turns(session_id)
    assert [t.seq for t in turns] == list(range(1, writers * per_writer + 1))
    assert sorted(t.text for t in turns) == sorted(f"w{w}-t{i}" for w in range(writers) for i in range(per_writer))
    for writer in range(writers):  # each writer's turns keep the order in which it wrote them
        assert [t.meta["i"] for t in turns if t.meta["writer"] == writer] == list(range(per_writer))


# -- storage failures ------------------------------------------------------------------------


def test_sqlite_is_configured_for_durability_and_integrity(db: Database) -> None:
    with db.engine.connect() as connection:

        def pragma(name: str) -> Any:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert pragma("synchronous") == 2  # FULL


def test_the_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "maturity.db"
    open_database(f"sqlite:///{path}").close()
    assert path.is_file()


@pytest.mark.parametrize("layout", ["parent is a file", "database is a directory"])
def test_an_unwritable_database_path_raises_storage_error(tmp_path: Path, layout: str) -> None:
    if layout == "parent is a file":
        (tmp_path / "blocker").write_text("not a directory")
        path = tmp_path / "blocker" / "maturity.db"
    else:
        path = tmp_path / "maturity.db"
        path.mkdir()
    with pytest.raises(StorageError) as caught:
        open_database(f"sqlite:///{path}")
    assert_one_line(caught.value, str(path), "writable", "MATURITY_DATABASE_URL")


def test_a_database_locked_beyond_the_timeout_raises_storage_error(tmp_path: Path, db_path: Path) -> None:
    database = Database(file_url(tmp_path), busy_timeout_s=0.2)
    session_id = new_session(database)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageError) as caught:
            database.append_turn(session_id, "stakeholder", "secret answer")
        assert_one_line(caught.value, "is busy", "database is locked", "retry", str(db_path))
        assert "secret answer" not in str(caught.value)
        assert [t.text for t in database.turns(session_id)] == []  # readers are not blocked (WAL)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert database.append_turn(session_id, "stakeholder", "secret answer").seq == 1
    database.close()


def test_a_full_disk_raises_storage_error(tmp_path: Path) -> None:
    database = open_database(file_url(tmp_path))
    session_id = new_session(database)

    def limit_pages(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA max_page_count = 40")  # about 160 KB with 4 KB pages

    event.listen(database.engine, "connect", limit_pages)
    database.engine.dispose()
    stored = 0
    with pytest.raises(StorageError) as caught:
        for _ in range(100):
            database.append_turn(session_id, "stakeholder", "x" * 20_000)
            stored += 1
    assert_one_line(caught.value, "full", "free disk space")
    assert 0 < stored < 100
    assert len(database.turns(session_id)) == stored  # the failed turn left nothing behind
    database.close()


def test_an_unreachable_server_raises_storage_error_with_the_password_masked() -> None:
    with pytest.raises(StorageError) as caught:
        open_database("postgresql://maturity:s3cret-pw@127.0.0.1:1/maturity")
    assert_one_line(caught.value, "postgresql://maturity:***@127.0.0.1:1/maturity")
    assert "s3cret-pw" not in str(caught.value)


def test_an_invalid_url_raises_storage_error() -> None:
    with pytest.raises(StorageError) as caught:
        open_database("not a url at all")
    assert_one_line(caught.value, "MATURITY_DATABASE_URL")


def test_mask_url_hides_passwords() -> None:
    assert mask_url("postgresql+psycopg://u:pa:ss@db.example:5432/m") == "postgresql+psycopg://u:***@db.example:5432/m"
    assert mask_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert "hunter2" not in mask_url("weird://u:hunter2@host/%%%")


def test_the_schema_compiles_for_postgresql() -> None:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    ddl = [str(CreateTable(table).compile(dialect=dialect)) for table in Base.metadata.sorted_tables]
    ddl += [
        str(CreateIndex(index).compile(dialect=dialect))
        for table in Base.metadata.sorted_tables
        for index in table.indexes
    ]
    joined = "\n".join(ddl)
    assert "TIMESTAMP WITH TIME ZONE" in joined
    assert "ON DELETE CASCADE" in joined
    assert "WHERE session_id IS NULL" in joined
    assert "UNIQUE (session_id, seq)" in joined


def test_new_ids_never_start_with_a_dash_which_the_cli_would_read_as_an_option(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assistant import persistence

    drawn = iter(["-Nq2abc", "--x", "Nq2abc"])
    monkeypatch.setattr(persistence.secrets, "token_urlsafe", lambda nbytes: next(drawn))
    assert persistence.new_id(12) == "Nq2abc"
