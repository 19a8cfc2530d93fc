"""Store mode: the history in PostgreSQL and MySQL/MariaDB gives the in-memory Engine's answers.

The database tests run against the servers named by CODGUARD_PG_DSN and CODGUARD_MYSQL_DSN
(scripts/start_databases.sh starts both). A database whose DSN is unset is skipped, unless
CODGUARD_REQUIRE_DB is set: then a missing DSN fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import codguard
import codguard.sql
from codguard import StoreCore
from conftest import REPO, T0, order, past, read_jsonl

SECRET = b"test secret of the shop"
EXAMPLES = REPO / "examples" / "data"
DSN_VARS = {"postgres": "CODGUARD_PG_DSN", "mysql": "CODGUARD_MYSQL_DSN"}


def dsn_of(dialect: str) -> str:
    dsn = os.environ.get(DSN_VARS[dialect])
    if not dsn:
        if os.environ.get("CODGUARD_REQUIRE_DB"):
            pytest.fail(f"{DSN_VARS[dialect]} is not set and CODGUARD_REQUIRE_DB is")
        pytest.skip(f"{DSN_VARS[dialect]} is not set")
    return dsn


def drop_tables(conn: Any) -> None:
    cur = conn.cursor()
    for table in ("cg_keys", "cg_orders", "cg_meta"):
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    conn.commit()
    cur.close()


@pytest.fixture(params=["postgres", "mysql"])
def dsn(request: pytest.FixtureRequest) -> str:
    return dsn_of(request.param)


@pytest.fixture
def conn(dsn: str) -> Iterator[Any]:
    c = codguard.sql.connect(dsn)
    drop_tables(c)
    yield c
    c.close()


@pytest.fixture
def store(conn: Any) -> codguard.sql.Store:
    s = codguard.sql.Store(conn, secret=SECRET)
    s.migrate()
    return s


def scalar(conn: Any, sql: str, params: tuple = ()) -> Any:
    cur = conn.cursor()
    cur.execute(sql, params)
    row = cur.fetchone()
    cur.close()
    conn.commit()
    return row[0]


def key_col(store: codguard.sql.Store) -> str:
    return "`key`" if store.dialect == "mysql" else "key"


def engine_and_store(store: codguard.sql.Store, history: list[dict]) -> codguard.Engine:
    engine = codguard.Engine()
    engine.add_history(history)
    assert store.add_history(history) == len(history)
    return engine


def matched(a: codguard.Assessment) -> list[str]:
    return [m["order_id"] for m in a.matches]


# -- without a database: the schema files and the binding -----------------------------------


def test_the_compiled_schema_is_the_sql_folder() -> None:
    for dialect in ("postgres", "mysql"):
        folder = sorted((REPO / "sql" / dialect).glob("*.sql"))
        compiled = StoreCore.migrations(dialect)
        assert [name for name, _ in compiled] == [p.name for p in folder]
        for (_, text), path in zip(compiled, folder):
            assert text == path.read_text(encoding="utf-8")
    with pytest.raises(codguard.InvalidConfig):
        StoreCore.migrations("sqlite")


def test_rekeys_history_file_may_start_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    lines = [json.dumps(past("h-1", "delivered")), "", json.dumps(past("h-2", "refused"))]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())
    assert [r["order_id"] for r in codguard.sql._read_jsonl(str(path))] == ["h-1", "h-2"]


def test_key_format_is_the_one_the_schema_records() -> None:
    for dialect in ("postgres", "mysql"):
        (_, text), *_ = StoreCore.migrations(dialect)
        assert f"('key_format', '{StoreCore.KEY_FORMAT}')" in text


def test_core_rows_as_tuples_and_dicts_give_the_engines_answer() -> None:
    """A dict "database" fed through the binding: tuples (cursor rows) and dicts alike."""
    history = read_jsonl(EXAMPLES / "history.jsonl")
    queries = read_jsonl(EXAMPLES / "queries.jsonl")
    engine = codguard.Engine()
    engine.add_history(history)
    core = StoreCore(secret=SECRET)
    db: dict[int, list[dict]] = {}
    for rec in history:
        row, keys = core.write(rec)
        assert set(row) == {"order_id", "placed_at", "total", "outcome", "negotiated", "signature"}
        assert row["outcome"] == rec["outcome"]
        assert "661472983" not in row["signature"] and "gmail" not in row["signature"]
        tuple_row, tuple_keys = core.write_tuple(rec)
        assert tuple_keys == keys
        assert tuple_row == tuple(row.values())
        for k in keys:
            db.setdefault(k, []).append(row)
    for i, q in enumerate(queries):
        lookup = core.assess(q)
        while wanted := lookup.wanted():
            for k in wanted:
                rows = db.get(k, [])
                as_tuples = [tuple(r.values()) for r in rows]
                lookup.supply(k, as_tuples if i % 2 else rows)
        assert lookup.assessment().to_dict() == engine.assess(q).to_dict()
        assert lookup.erase_ids() == []


def test_core_rejects_bad_rows_and_records() -> None:
    core = StoreCore(secret="a str secret works too")
    lookup = core.assess(order("n-1"))
    key = lookup.wanted()[0]
    with pytest.raises(TypeError):
        lookup.supply(key, [("too", "short")])
    with pytest.raises(codguard.InvalidOrder):
        lookup.supply(key, [("o-1", T0, 1.0, "delivered", False, "{not json")])
    with pytest.raises(codguard.InvalidOrder):
        lookup.supply(key, [("o-1", T0, 1.0, "deliverd", 0, "{}")])
    with pytest.raises(codguard.InvalidOrder):
        core.write(order("n-2"))  # no outcome
    with pytest.raises(codguard.InvalidOrder):
        core.assess(order(""))
    with pytest.raises(codguard.InvalidPhone):
        core.erase_by_phone("12", "MA")
    with pytest.raises(codguard.InvalidEmail):
        core.erase_by_email("not an email")
    assert StoreCore.outcome_name("refused") == "refused"
    with pytest.raises(codguard.InvalidOrder) as e:
        StoreCore.outcome_name("REFUSED")
    assert e.value.code == "invalid_record"
    assert core.rows_per_key == core.config["max_orders_per_key"] + 1


def test_rows_of_an_invisible_marked_arabic_order_round_trip() -> None:
    """Arabic-Indic digits and invisible marks: the written row reads back to the same answer."""
    core = StoreCore(secret=SECRET)
    rec = past("h-ar", "refused", name="\u200fسلمى\u200e خليل\ufeff", phone="٠٦٩٦٠٣٠٦٢٠",
               email="salma.khalil@gmail.com\u200b")
    row, keys = core.write(rec)
    assert keys
    lookup = core.assess(order("n-ar", phone="+212 ۶۹۶ ۰۳ ۰۶ ۲۰", email=""))
    while wanted := lookup.wanted():
        for k in wanted:
            lookup.supply(k, [row] if k in keys else [])
    a = lookup.assessment()
    assert matched(a) == ["h-ar"]
    assert a.customer_class == "risky"


# -- against the databases -------------------------------------------------------------------


def test_migrate_is_idempotent(store: codguard.sql.Store, conn: Any) -> None:
    store.migrate()
    store.migrate()
    assert len(store) == 0
    assert scalar(conn, "SELECT value FROM cg_meta WHERE name = 'key_format'") == str(
        StoreCore.KEY_FORMAT
    )


def test_example_shop_through_the_database_is_the_engine(store: codguard.sql.Store) -> None:
    history = read_jsonl(EXAMPLES / "history.jsonl")
    queries = read_jsonl(EXAMPLES / "queries.jsonl")
    engine = engine_and_store(store, history)
    assert len(store) == len(engine) == len(history)
    classes = set()
    for q in queries:
        want, got = engine.assess(q), store.assess(q)
        assert (got.customer_class, got.action, matched(got)) == (
            want.customer_class, want.action, matched(want)), q["order_id"]
        assert got.to_dict() == want.to_dict()
        assert got == want
        classes.add(got.customer_class)
        queries_run, rows = store.last_reads
        assert rows >= len(matched(got))
        # Each order with a key to look up reads the database; q-0105 (a junk phone, a fake
        # email, an address without a house number, which is no door) has none.
        assert queries_run >= 1 or q["order_id"] == "q-0105", q["order_id"]
    assert len(classes) >= 3, classes  # the example shop is not all "new"


def test_add_order_is_seen_and_a_duplicate_id_is_refused(store: codguard.sql.Store) -> None:
    store.add_order(order("w-1", placed_at=T0))
    a = store.assess(order("w-2", placed_at=T0 + 60, phone="+212 696 03 06 20"))
    assert matched(a) == ["w-1"]
    assert "duplicate_recent_order" in {r["code"] for r in a.reasons}
    with pytest.raises(codguard.DuplicateOrder) as e:
        store.add_order(order("w-1", placed_at=T0 + 5))
    assert e.value.code == "duplicate_order"
    # add_history is all or nothing: the batch with one known id adds none.
    with pytest.raises(codguard.DuplicateOrder):
        store.add_history([past("w-9", "delivered"), past("w-1", "delivered")])
    assert len(store) == 1
    with pytest.raises(codguard.InvalidOrder) as bad:
        store.add_history([past("w-10", "delivered"), past("w-11", "lost in the mail")])
    assert str(bad.value).startswith("record 1: ")
    assert len(store) == 1


def test_record_outcome_changes_the_class(store: codguard.sql.Store) -> None:
    history = [past("h-1", "delivered", 90), past("h-2", "delivered", 60)]
    engine = engine_and_store(store, history)
    q = order("n-1", name="سلمى خليل", phone="+212 696-03-06-20")
    before = store.assess(q)
    assert before.customer_class == engine.assess(q).customer_class == "good"
    for oid in ("h-1", "h-2"):
        store.record_outcome(oid, "refused")
        engine.record_outcome(oid, "refused")
    store.record_outcome("h-2", "refused")  # the same value again is no error (MySQL: 0 rows changed)
    after = store.assess(q)
    assert after.customer_class != before.customer_class
    assert after.to_dict() == engine.assess(q).to_dict()
    store.record_negotiated("h-1", True)
    engine.record_negotiated("h-1", True)
    assert store.assess(q).to_dict() == engine.assess(q).to_dict()


def test_wrong_outcome_names_and_unknown_orders_raise(store: codguard.sql.Store) -> None:
    store.add_history([past("h-1", "delivered")])
    for name in ("Delivered", "lost", "", "délivré"):
        with pytest.raises(codguard.InvalidOrder) as e:
            store.record_outcome("h-1", name)
        assert e.value.code == "invalid_record"
    with pytest.raises(TypeError):
        store.record_outcome("h-1", 3)  # type: ignore[arg-type]
    with pytest.raises(codguard.UnknownOrder) as unknown:
        store.record_outcome("nope", "delivered")
    assert unknown.value.code == "unknown_order"
    with pytest.raises(codguard.UnknownOrder):
        store.record_negotiated("nope", True)
    assert store.assess(order("n-1")).profile["delivered"] == 1


def test_ids_the_columns_cannot_hold_are_codguard_errors(store: codguard.sql.Store) -> None:
    # The engine and the store share the limits (191 characters, no NUL): what the engine takes
    # the store holds, and what neither can hold is codguard's error, never the driver's.
    longest = ["٣" * 191, "\U0001F4E6" * 191, "o-" + "x" * 189]
    store.add_history([past(i, "delivered", phone=f"06960306{n:02d}") for n, i in enumerate(longest)])
    for i in longest:
        store.record_outcome(i, "refused")
    engine = codguard.Engine()
    engine.add_history([past(i, "refused", phone=f"06960306{n:02d}") for n, i in enumerate(longest)])
    for n in range(3):
        q = order("q-1", phone=f"06960306{n:02d}")
        assert store.assess(q).to_dict() == engine.assess(q).to_dict()
    bad = ["o\x001", "\x00", "٣" * 192, "x" * 1000]
    for i in bad:
        for add in (lambda: store.add_history([past(i, "delivered")]), lambda: store.add_order(order(i))):
            with pytest.raises(codguard.InvalidOrder) as e:
                add()
            assert "field `order_id`" in str(e.value)
            with pytest.raises(codguard.InvalidOrder):
                engine.add_history([past(i, "delivered")])
        for call in (lambda: store.record_outcome(i, "delivered"), lambda: store.record_negotiated(i, True)):
            with pytest.raises(codguard.UnknownOrder):
                call()
        with pytest.raises(codguard.UnknownOrder):
            engine.record_outcome(i, "delivered")
    with pytest.raises(codguard.InvalidOrder, match="field `name` is 16386 bytes long"):
        store.add_order(order("o-big", name="ب" * 8193))


def test_erase_leaves_no_row_of_the_customer(store: codguard.sql.Store, conn: Any) -> None:
    history = read_jsonl(EXAMPLES / "history.jsonl")
    engine = engine_and_store(store, history)
    salma = [r for r in history if "khalil" in r.get("email", "").lower()]
    assert salma
    her_keys = sorted({k for r in salma for k in store.core.write(r)[1]})
    want = engine.erase_by_phone("06 61 47 29 83", "MA")
    got = store.erase_by_phone("06 61 47 29 83", "MA")
    assert got == want >= len(salma)
    assert len(store) == len(engine) == len(history) - got
    kc = key_col(store)
    marks = ", ".join(["%s"] * len(her_keys))
    left = scalar(conn, f"SELECT COUNT(*) FROM cg_keys WHERE {kc} IN ({marks})", tuple(her_keys))
    assert left == 0
    ids = tuple(r["order_id"] for r in salma)
    marks = ", ".join(["%s"] * len(ids))
    assert scalar(conn, f"SELECT COUNT(*) FROM cg_keys WHERE order_id IN ({marks})", ids) == 0
    a = store.assess(order("q-after", name="Salma Khalil", phone="0661472983",
                           email="salma.khalil@gmail.com", address="", city=""))
    assert a.matches == [] and a.customer_class == "new"
    # By email: every other customer with an email, the same count as the engine.
    for rec in history:
        if rec.get("email") and engine_has(engine, rec):
            assert store.erase_by_email(rec["email"]) == engine.erase_by_email(rec["email"])
    assert len(store) == len(engine)
    assert store.erase_by_email("nobody@example.org") == 0
    with pytest.raises(codguard.InvalidPhone):
        store.erase_by_phone("123", "MA")


def engine_has(engine: codguard.Engine, rec: dict) -> bool:
    # An order has no outcome: the probe is the record's order.
    order = {k: v for k, v in rec.items() if k not in ("outcome", "negotiated")}
    probe = dict(order, order_id="probe", placed_at=T0 * 2)
    return bool(engine.assess(probe).matches)


def test_a_junk_key_on_many_orders_reads_rows_per_key(store: codguard.sql.Store) -> None:
    """A phone on 600 orders (a courier's number) links nothing and costs 501 rows, not 600."""
    history = [
        {"order_id": f"j-{i:04}", "placed_at": T0 - i * 3600, "name": f"Client {i}",
         "phone": "0522 20 20 20", "country": "MA", "outcome": "delivered"}
        for i in range(600)
    ]
    engine = engine_and_store(store, history)
    q = {"order_id": "j-new", "placed_at": T0, "name": "Karim Idrissi",
         "phone": "+212522202020", "country": "MA"}
    got = store.assess(q)
    assert got.to_dict() == engine.assess(q).to_dict()
    assert got.matches == []
    queries_run, rows = store.last_reads
    assert rows == store.core.rows_per_key == 501
    assert queries_run == 1


def test_rekey_reloads_tables_of_another_key_format(
    store: codguard.sql.Store, conn: Any, dsn: str, tmp_path: Path
) -> None:
    history_file = EXAMPLES / "history.jsonl"
    history = read_jsonl(history_file)
    store.add_history(history[:3])
    # Tables written by an older codguard with another key format.
    cur = conn.cursor()
    cur.execute("UPDATE cg_meta SET value = '0' WHERE name = 'key_format'")
    conn.commit()
    cur.close()
    with pytest.raises(codguard.sql.KeyFormatError) as e:
        codguard.sql.Store(conn, secret=SECRET).migrate()
    assert "rekey" in str(e.value) and e.value.code == "key_format_mismatch"
    with pytest.raises(codguard.sql.KeyFormatError):
        codguard.sql.Store(conn, secret=SECRET).assess(order("n-1"))

    env = dict(os.environ, CODGUARD_SECRET=SECRET.decode())
    run = subprocess.run(
        [sys.executable, "-m", "codguard.sql", "rekey", "--dsn", dsn, "--history", str(history_file)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert f"rekeyed: {len(history)} orders" in run.stdout
    fresh = codguard.sql.Store(conn, secret=SECRET)
    fresh.migrate()
    assert len(fresh) == len(history)
    engine = codguard.Engine()
    engine.add_history(history)
    for q in read_jsonl(EXAMPLES / "queries.jsonl"):
        assert fresh.assess(q).to_dict() == engine.assess(q).to_dict()

    missing_secret = subprocess.run(
        [sys.executable, "-m", "codguard.sql", "rekey", "--dsn", dsn, "--history", str(history_file)],
        env={k: v for k, v in env.items() if k != "CODGUARD_SECRET"},
        capture_output=True, text=True, timeout=60,
    )
    assert missing_secret.returncode != 0 and "CODGUARD_SECRET" in missing_secret.stderr


def test_dialect_is_detected_or_refused(conn: Any, dsn: str) -> None:
    expected = "postgres" if dsn.startswith("postgres") else "mysql"
    assert codguard.sql.Store(conn, secret=SECRET).dialect == expected
    with pytest.raises(ValueError):
        codguard.sql.Store(object(), secret=SECRET)
    with pytest.raises(ValueError):
        codguard.sql.Store(conn, secret=SECRET, dialect="oracle")
