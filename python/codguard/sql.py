"""Store mode: the customer history in the shop's own PostgreSQL or MySQL/MariaDB database.

A shop with many processes (gunicorn workers, several app servers) cannot keep the history in
each process's memory, and each worker must see the order another worker added a second ago.
:class:`Store` keeps it in two tables of the shop's database and gives exactly the answers of the
in-memory :class:`codguard.Engine` for the same history::

    import psycopg, codguard.sql
    conn = psycopg.connect("postgresql://shop:pw@127.0.0.1/shop")
    store = codguard.sql.Store(conn, secret=b"the shop's secret, not in the database")
    store.migrate()
    store.add_history(past_orders)            # bulk: COPY on PostgreSQL
    assessment = store.assess(new_order)      # a codguard.Assessment
    store.add_order(new_order)                # enters the history as pending
    store.record_outcome(new_order["order_id"], "delivered")

Connections are DB-API connections: psycopg 3 for PostgreSQL, PyMySQL (or another ``%s``
driver) for MySQL 8 / MariaDB 10.5+. The dialect is read from the connection's module, or given
as ``dialect="postgres"`` or ``"mysql"``. :func:`connect` opens one from a DSN.

Tables (``sql/<dialect>/*.sql``, compiled into the package and run by :meth:`Store.migrate`):
``cg_orders`` holds one row per past order with its matching signature (keyed hashes, no
readable phone, email or address), ``cg_keys(key, order_id)`` the keys each order is filed
under, ``cg_meta`` the key format. Every read is an index lookup: one query per round of a
lookup fetches the orders under the keys the core wants, at most ``max_orders_per_key + 1`` per
key (a key on more orders than that links nothing, so a junk key on 100,000 orders costs 501
rows, not 100,000).

Transactions and isolation. Each call runs in one transaction of its own (with psycopg, inside
an open transaction of the caller it runs in a savepoint and the caller commits; PyMySQL's
``begin()`` commits an open transaction first). READ COMMITTED, PostgreSQL's default, suffices
for every call; InnoDB's default REPEATABLE READ works as well.

- ``add_order`` / ``add_history``: one transaction inserting the order rows and their key rows.
  Links between orders are never stored, only keys, so concurrent adds cannot lose a link or
  count an order twice: two workers adding orders of one customer at once insert independent
  rows, and the next lookup sees both. The ``order_id`` primary key rejects a second insert of
  the same order: :class:`codguard.DuplicateOrder`, and nothing of the call is written.
- ``assess``: a read-only transaction over a few rounds of one SELECT each. A row committed by
  another worker between two rounds is seen or not, as if that order had come a moment later
  or earlier; nothing is written, so nothing can be corrupted.
- ``record_outcome`` / ``record_negotiated``: one UPDATE of one row.
- ``erase_by_phone`` / ``erase_by_email``: one transaction that finds the customer's orders and
  deletes them (their keys go with them: ``ON DELETE CASCADE``).

Key format. Keys are keyed hashes of normalized values; an upgrade that changes normalization
or hashing bumps :attr:`codguard.StoreCore.KEY_FORMAT` (stored in ``cg_meta.key_format``).
:meth:`Store.migrate` refuses tables of another key format (:class:`KeyFormatError`); the shop
then re-imports its order history export with::

    CODGUARD_SECRET=... python -m codguard.sql rekey --dsn DSN --history orders.jsonl

which empties the ``cg_`` tables and loads the history again under the new keys (one
transaction: on failure the old tables stay).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

from codguard._codguard import (
    Assessment,
    DuplicateOrder,
    Error,
    InvalidOrder,
    Lookup,
    StoreCore,
    UnknownOrder,
)

__all__ = ["KeyFormatError", "Store", "connect", "main"]

# Rows per executemany / COPY batch: bounds memory for any history size.
_BATCH = 5000

_ROW_COLUMNS = "order_id, placed_at, total, outcome, negotiated, signature"


class KeyFormatError(Error):
    """The ``cg_`` tables hold keys of another key format: run ``python -m codguard.sql rekey``."""

    code = "key_format_mismatch"


def connect(dsn: str) -> Any:
    """A DB-API connection from a DSN: ``postgresql://user:pw@host:port/db`` (psycopg 3) or
    ``mysql://user:pw@host:port/db`` (PyMySQL; ``mariadb://`` too)."""
    scheme = dsn.split(":", 1)[0].lower()
    if scheme in ("postgres", "postgresql"):
        import psycopg

        return psycopg.connect(dsn)
    if scheme in ("mysql", "mariadb"):
        import pymysql

        u = urlsplit(dsn)
        return pymysql.connect(
            host=u.hostname or "127.0.0.1",
            port=u.port or 3306,
            user=unquote(u.username or ""),
            password=unquote(u.password or ""),
            database=u.path.lstrip("/"),
            charset="utf8mb4",
            autocommit=False,
        )
    raise ValueError("dsn must start with postgresql://, mysql:// or mariadb://")


def _dialect_of(connection: Any) -> str:
    module = type(connection).__module__.split(".", 1)[0].lower()
    if module.startswith("psycopg") or module in ("pg8000", "asyncpg"):
        return "postgres"
    if module in ("pymysql", "mysqldb", "mysql", "mariadb"):
        return "mysql"
    raise ValueError(
        f"cannot tell the SQL dialect of a {module} connection: pass dialect='postgres' or 'mysql'"
    )


def _statements(script: str) -> list[str]:
    """The statements of a schema file (comment lines dropped; ``;`` ends a statement)."""
    lines = [ln for ln in script.splitlines() if not ln.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _is_unique_violation(e: BaseException) -> bool:
    # psycopg: SQLSTATE 23505; MySQL/MariaDB: error 1062 (ER_DUP_ENTRY).
    if getattr(e, "sqlstate", None) == "23505":
        return True
    return bool(e.args) and e.args[0] == 1062


class Store:
    """The shop's history in its database: the methods of :class:`codguard.Engine`, each one
    transaction (see the module docs for isolation).

    ``secret`` keys the hashes in ``cg_keys`` and ``cg_orders``: keep it out of the database
    (without it the tables cannot be tied to any phone or email) and identical in every process.
    ``config`` is the policy dict of :class:`codguard.Engine`; ``risk_model`` a fitted risk
    model (:func:`codguard.fit_risk_model`'s JSON text, or the parsed dict), as
    ``Engine(risk_model=...)``: the answers stay the engine's.
    """

    def __init__(
        self,
        connection: Any,
        *,
        secret: bytes | str,
        config: Mapping[str, Any] | None = None,
        dialect: str | None = None,
        risk_model: str | Mapping[str, Any] | None = None,
    ) -> None:
        self._conn = connection
        self._core = StoreCore(config, secret=secret, risk_model=risk_model)
        self.dialect = dialect or _dialect_of(connection)
        if self.dialect not in ("postgres", "mysql"):
            raise ValueError("dialect must be 'postgres' or 'mysql'")
        self._psycopg = hasattr(connection, "transaction") and self.dialect == "postgres"
        self._format_checked = False
        #: Rows and queries the last :meth:`assess` or erase read: ``(queries, rows)``.
        self.last_reads = (0, 0)
        self._fetch_sql = self._fetch_statement()

    @property
    def core(self) -> StoreCore:
        """The sans-IO core (rows to write, lookups)."""
        return self._core

    @property
    def connection(self) -> Any:
        """The DB-API connection."""
        return self._conn

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A cursor inside one transaction: committed on success, rolled back on error."""
        if self._psycopg:
            with self._conn.transaction(), self._conn.cursor() as cur:
                yield cur
            return
        if hasattr(self._conn, "begin"):
            self._conn.begin()
        cur = self._conn.cursor()
        try:
            yield cur
        except BaseException:
            self._conn.rollback()
            raise
        else:
            self._conn.commit()
        finally:
            cur.close()

    def _q(self, sql: str) -> str:
        """``sql`` with the ``key`` column quoted for MySQL, where KEY is reserved."""
        return sql.replace("{key}", "`key`" if self.dialect == "mysql" else "key")

    # -- schema ----------------------------------------------------------------------------

    def _stored_format(self, cur: Any) -> int | None:
        cur.execute("SELECT value FROM cg_meta WHERE name = 'key_format'")
        row = cur.fetchone()
        return int(row[0]) if row else None

    def _check_format(self, cur: Any) -> None:
        stored = self._stored_format(cur)
        if stored is not None and stored != StoreCore.KEY_FORMAT:
            raise KeyFormatError(
                f"the cg_ tables hold keys of format {stored}, this codguard writes format "
                f"{StoreCore.KEY_FORMAT}: re-import the order history with "
                "`python -m codguard.sql rekey --dsn DSN --history FILE.jsonl`"
            )

    def _ensure_format(self, cur: Any) -> None:
        # Once per Store: a process of a new codguard against old tables would otherwise see
        # every customer as new.
        if not self._format_checked:
            self._check_format(cur)
            self._format_checked = True

    def _tables_exist(self, cur: Any) -> bool:
        if self.dialect == "postgres":
            cur.execute("SELECT to_regclass('cg_meta') IS NOT NULL")
        else:
            cur.execute(
                "SELECT COUNT(*) > 0 FROM information_schema.tables "
                "WHERE table_schema = DATABASE() AND table_name = 'cg_meta'"
            )
        row = cur.fetchone()
        return bool(row and row[0])

    def migrate(self) -> None:
        """Creates the ``cg_`` tables (idempotent: safe on every start).

        Raises :class:`KeyFormatError` when the tables hold keys of another key format.
        """
        with self._transaction() as cur:
            if self._tables_exist(cur):
                self._check_format(cur)
            for _name, script in StoreCore.migrations(self.dialect):
                for statement in _statements(script):
                    cur.execute(statement)
            self._check_format(cur)
        self._format_checked = True

    # -- writes ----------------------------------------------------------------------------

    def _rows(self, records: Iterable[Mapping[str, Any]]) -> Iterator[tuple[tuple[Any, ...], list[int]]]:
        if isinstance(records, (str, bytes, Mapping)):
            raise TypeError("records must be an iterable of dicts")
        for i, record in enumerate(records):
            try:
                yield self._core.write_tuple(record)
            except Error as e:
                e.args = (f"record {i}: {e.args[0] if e.args else ''}",)
                raise

    def _insert(self, cur: Any, written: Iterable[tuple[tuple[Any, ...], list[int]]]) -> int:
        """Inserts the rows of ``written`` in batches; how many orders."""
        count = 0
        batch: list[tuple[tuple[Any, ...], list[int]]] = []
        for item in written:
            batch.append(item)
            if len(batch) >= _BATCH:
                count += self._insert_batch(cur, batch)
                batch = []
        if batch:
            count += self._insert_batch(cur, batch)
        return count

    def _insert_batch(self, cur: Any, batch: Sequence[tuple[tuple[Any, ...], list[int]]]) -> int:
        key_rows = [(k, row[0]) for row, keys in batch for k in keys]
        try:
            if self._psycopg and len(batch) > 1:
                with cur.copy(f"COPY cg_orders ({_ROW_COLUMNS}) FROM STDIN") as copy:
                    for row, _ in batch:
                        copy.write_row(row)
                with cur.copy("COPY cg_keys (key, order_id) FROM STDIN") as copy:
                    for key_row in key_rows:
                        copy.write_row(key_row)
            else:
                cur.executemany(
                    f"INSERT INTO cg_orders ({_ROW_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                    [row for row, _ in batch],
                )
                if key_rows:
                    cur.executemany(
                        self._q("INSERT INTO cg_keys ({key}, order_id) VALUES (%s, %s)"), key_rows
                    )
        except Exception as e:
            if _is_unique_violation(e):
                raise DuplicateOrder("an order with that id is already in the history") from e
            raise
        return len(batch)

    def add_history(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Adds past orders (history dicts: an order plus ``outcome`` and optional
        ``negotiated``), all or nothing. Returns how many were added.

        Raises InvalidOrder for a malformed record, DuplicateOrder for an id already held.
        """
        with self._transaction() as cur:
            self._ensure_format(cur)
            return self._insert(cur, self._rows(records))

    def add_order(self, order: Mapping[str, Any]) -> None:
        """Adds a new order as pending history, so the next order of the same customer (in any
        process) sees it. Raises DuplicateOrder when the id is already held."""
        if not isinstance(order, Mapping):
            raise TypeError(f"order must be a dict, not {type(order).__name__}")
        written = self._core.write_tuple({**order, "outcome": "pending"})
        with self._transaction() as cur:
            self._ensure_format(cur)
            self._insert(cur, [written])

    def _update(self, column: str, value: Any, order_id: str) -> None:
        # An id no order can have (blank, a NUL, over 191 characters: the column cannot hold
        # it) names no order, as in the in-memory engine; the driver never sees it.
        if not isinstance(order_id, str):
            raise TypeError(f"order_id must be a str, not {type(order_id).__name__}")
        try:
            StoreCore.order_id(order_id)
        except InvalidOrder:
            raise UnknownOrder("no order with that id") from None
        with self._transaction() as cur:
            cur.execute(f"UPDATE cg_orders SET {column} = %s WHERE order_id = %s", (value, order_id))
            if cur.rowcount == 0:
                # MySQL counts changed rows, not matched ones: setting the same value again is 0.
                cur.execute("SELECT 1 FROM cg_orders WHERE order_id = %s", (order_id,))
                if cur.fetchone() is None:
                    raise UnknownOrder("no order with that id")

    def record_outcome(self, order_id: str, outcome: str) -> None:
        """Records what became of an order: one of the contract's outcome names.

        Raises InvalidOrder for an unknown outcome name, UnknownOrder when no order has that id
        (an id no order can have too: blank, with a NUL, over 191 characters).
        """
        self._update("outcome", StoreCore.outcome_name(outcome), order_id)

    def record_negotiated(self, order_id: str, negotiated: bool) -> None:
        """Records whether the customer negotiated on an order. Raises UnknownOrder."""
        if not isinstance(negotiated, bool):
            raise TypeError(f"negotiated must be a bool, not {type(negotiated).__name__}")
        self._update("negotiated", negotiated, order_id)

    # -- reads -----------------------------------------------------------------------------

    def _fetch_statement(self) -> str:
        if self.dialect == "postgres":
            # A LATERAL LIMIT reads at most rows_per_key index entries per key.
            return (
                f"SELECT w.key, o.order_id, o.placed_at, o.total, o.outcome, o.negotiated, "
                f"o.signature FROM unnest(%s::bigint[]) AS w(key) "
                f"CROSS JOIN LATERAL (SELECT k.order_id FROM cg_keys k WHERE k.key = w.key "
                f"ORDER BY k.order_id LIMIT %s) AS k "
                f"JOIN cg_orders o ON o.order_id = k.order_id"
            )
        # MariaDB has no LATERAL: number the key rows (a covering index range) and join only
        # the first rows_per_key of each key to cg_orders.
        return (
            "SELECT t.`key`, o.order_id, o.placed_at, o.total, o.outcome, o.negotiated, "
            "o.signature FROM (SELECT `key`, order_id, ROW_NUMBER() OVER "
            "(PARTITION BY `key` ORDER BY order_id) AS rn FROM cg_keys WHERE `key` IN ({in})) AS t "
            "JOIN cg_orders o ON o.order_id = t.order_id WHERE t.rn <= %s"
        )

    def _fetch(self, cur: Any, keys: list[int]) -> Sequence[tuple[Any, ...]]:
        limit = self._core.rows_per_key
        if self.dialect == "postgres":
            cur.execute(self._fetch_sql, (keys, limit))
        else:
            cur.execute(self._fetch_sql.replace("{in}", ", ".join(["%s"] * len(keys))), (*keys, limit))
        # psycopg returns a list, PyMySQL a tuple: both are sequences of row tuples.
        rows: Sequence[tuple[Any, ...]] = cur.fetchall()
        return rows

    def _resolve(self, cur: Any, lookup: Lookup) -> None:
        """Feeds ``lookup`` until it wants nothing: one query per round."""
        queries = rows_read = 0
        while True:
            wanted = lookup.wanted()
            if not wanted:
                break
            by_key: dict[int, list[tuple[Any, ...]]] = {k: [] for k in wanted}
            rows = self._fetch(cur, wanted)
            queries += 1
            rows_read += len(rows)
            for row in rows:
                by_key[row[0]].append(row[1:])
            for key, key_rows in by_key.items():
                lookup.supply(key, key_rows)
        self.last_reads = (queries, rows_read)

    def assess(self, order: Mapping[str, Any]) -> Assessment:
        """Assesses a new order against the history: exactly the in-memory Engine's answer.
        Raises InvalidOrder for a malformed order."""
        lookup = self._core.assess(order)
        with self._transaction() as cur:
            self._ensure_format(cur)
            self._resolve(cur, lookup)
        return lookup.assessment()

    def _erase(self, lookup: Lookup) -> int:
        with self._transaction() as cur:
            self._ensure_format(cur)
            self._resolve(cur, lookup)
            ids = lookup.erase_ids()
            erased = 0
            for start in range(0, len(ids), _BATCH):
                chunk = ids[start : start + _BATCH]
                cur.execute(
                    f"DELETE FROM cg_orders WHERE order_id IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                erased += cur.rowcount
            return erased

    def erase_by_phone(self, phone: str, default_country: str | None) -> int:
        """Erases every order of the customer(s) who used this phone (and the orders linked to
        them). Returns how many were erased. Raises InvalidPhone."""
        return self._erase(self._core.erase_by_phone(phone, default_country))

    def erase_by_email(self, email: str) -> int:
        """Erases every order of the customer(s) who used this email. Raises InvalidEmail."""
        return self._erase(self._core.erase_by_email(email))

    def __len__(self) -> int:
        with self._transaction() as cur:
            cur.execute("SELECT COUNT(*) FROM cg_orders")
            row = cur.fetchone()
        return int(row[0]) if row else 0

    def len(self) -> int:
        """How many past orders the tables hold (``len(store)``)."""
        return len(self)

    # -- key format ------------------------------------------------------------------------

    def rekey(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Empties the ``cg_`` tables and loads ``records`` (the shop's order history export)
        under this codguard's key format, in one transaction. What a shop runs after an upgrade
        that changes the key format. Returns how many orders were loaded."""
        with self._transaction() as cur:
            if self._tables_exist(cur):
                # DELETE, not TRUNCATE: MySQL's TRUNCATE commits and refuses referenced tables.
                cur.execute("DELETE FROM cg_keys")
                cur.execute("DELETE FROM cg_orders")
                cur.execute(
                    "UPDATE cg_meta SET value = %s WHERE name = 'key_format'",
                    (str(StoreCore.KEY_FORMAT),),
                )
            for _name, script in StoreCore.migrations(self.dialect):
                for statement in _statements(script):
                    cur.execute(statement)
            self._check_format(cur)
            count = self._insert(cur, self._rows(records))
        self._format_checked = True
        return count

    def __repr__(self) -> str:
        return f"<codguard.sql.Store dialect={self.dialect}>"


def _read_jsonl(path: str) -> Iterator[dict[str, Any]]:
    # utf-8-sig: a leading byte-order mark (Windows tools, spreadsheet exports) is skipped.
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m codguard.sql``: ``migrate`` or ``rekey`` a database."""
    parser = argparse.ArgumentParser(prog="python -m codguard.sql", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("migrate", "create the cg_ tables (idempotent)"),
        ("rekey", "empty the cg_ tables and re-import the order history under the current key format"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--dsn", required=True, help="postgresql://... or mysql://...")
        p.add_argument(
            "--secret-env",
            default="CODGUARD_SECRET",
            help="environment variable holding the shop's key secret (default CODGUARD_SECRET)",
        )
        p.add_argument("--config", help="a JSON file with the policy config")
        if name == "rekey":
            p.add_argument("--history", required=True, help="the order history export, JSON lines")
    args = parser.parse_args(argv)
    secret = os.environ.get(args.secret_env)
    if not secret:
        parser.error(f"set the shop's key secret in ${args.secret_env}")
    config = None
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            config = json.load(f)
    conn = connect(args.dsn)
    try:
        store = Store(conn, secret=secret.encode(), config=config)
        if args.command == "migrate":
            store.migrate()
            print(f"migrated: {len(store)} orders, key format {StoreCore.KEY_FORMAT}")
        else:
            n = store.rekey(_read_jsonl(args.history))
            print(f"rekeyed: {n} orders under key format {StoreCore.KEY_FORMAT}")
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
