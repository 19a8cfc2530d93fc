<?php
/**
 * CodguardStore: the customer history kept in the shop's own MySQL / MariaDB database, for
 * shops whose PHP workers live one request (PHP-FPM under WooCommerce, PrestaShop, Magento)
 * and so cannot hold an in-memory Engine. Every worker opens a CodguardStore on its PDO
 * connection and sees the orders every other worker wrote.
 *
 *   $store = new Codguard\CodguardStore($pdo, $secret);   // $secret: from wp-config, not the DB
 *   $store->migrate();                                   // once: sql/mysql/001_init.sql
 *   $a = $store->assess($order);                         // the Engine's assessment, exactly
 *   $store->addOrder($order);                            // the new order enters the history
 *   $store->recordOutcome($order['order_id'], 'delivered');
 *
 * The library decides, the database only stores: `cg_orders` holds one row per order (no
 * readable phone, email or address: keyed hashes under the shop's secret) and `cg_keys` the
 * keys each order is filed under. To assess, the library names the keys it wants, this class
 * fetches their rows with one indexed SELECT, and so on until nothing is wanted (one to three
 * rounds). Use the same secret in every process; keep it out of the database.
 *
 * Transactions and isolation. READ COMMITTED (or MySQL's default REPEATABLE READ) suffices
 * for every call:
 * - addOrder / addHistory write in one transaction each (a SAVEPOINT when the caller already
 *   has one open), so a reader sees an order with all its keys or not at all. Links between
 *   orders are never stored, only keys, so two workers adding orders of one customer at once
 *   cannot lose or double a link: the next assessment sees both. The primary key rejects a
 *   second insert of an order id (DuplicateOrderException), also under a race.
 * - assess only reads, each round a single statement: no transaction needed. An order
 *   committed by another worker before the round that reads its keys is seen.
 * - recordOutcome / recordNegotiated are single-row UPDATEs (autocommit is enough).
 * - eraseByPhone / eraseByEmail delete in one transaction; an order of the customer committed
 *   by another worker while the erase runs survives it: erase again, or run it with the shop
 *   closed to that customer.
 *
 * PDO's error mode is set to exceptions. Keys are 64-bit integers bound as PDO::PARAM_INT: a
 * key bound as text is compared as a floating-point number by MySQL and matches the wrong
 * rows.
 */

declare(strict_types=1);

namespace Codguard;

require_once __DIR__ . '/Codguard.php';

final class CodguardStore
{
    /** The outcome names of the contract. */
    public const OUTCOMES = ['pending', 'confirmed', 'delivered', 'refused', 'unreachable', 'returned', 'cancelled', 'unconfirmed'];

    /** Rows per multi-row INSERT / ids per DELETE. */
    private const BATCH = 500;

    private \PDO $pdo;
    private \FFI\CData $handle;
    /** Rows worth fetching per key: max_orders_per_key + 1 tells a too-common key. */
    private int $rowsPerKey;
    /** @var array<int, \PDOStatement> prepared SELECTs by number of keys */
    private array $selects = [];

    /**
     * @param string $secret the shop's key secret (not empty), the same in every process
     * @param array|null $config the policy (the contract's keys); null: the defaults
     */
    public function __construct(\PDO $pdo, string $secret, ?array $config = null)
    {
        $this->pdo = $pdo;
        $pdo->setAttribute(\PDO::ATTR_ERRMODE, \PDO::ERRMODE_EXCEPTION);
        $ffi = Lib::ffi();
        $out = $ffi->new('cg_store*');
        $json = $config === null ? '' : Lib::json($config === [] ? new \stdClass() : $config);
        Lib::check($ffi->cg_store_new($json, strlen($json), Lib::bytes($secret), strlen($secret), \FFI::addr($out)));
        $this->handle = $out;
        $this->rowsPerKey = $this->config()['max_orders_per_key'] + 1;
    }

    /** Loads a fitted risk model, as Engine::setRiskModel: the answers stay the engine's. */
    public function setRiskModel(array|string|null $model): void
    {
        $json = $model === null ? '' : Lib::json($model);
        Lib::check(Lib::ffi()->cg_store_set_risk_model($this->handle, $json, strlen($json)));
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            Lib::ffi()->cg_store_free($this->handle);
        }
    }

    /** The policy in force (every key). */
    public function config(): array
    {
        return Lib::callJson('cg_store_config', [$this->handle]);
    }

    /**
     * Creates the tables if missing (sql/mysql/001_init.sql of the repository) and checks that
     * they hold keys of this library's format. DDL commits implicitly: call it outside a
     * transaction, at plugin activation.
     *
     * @throws CodguardException (status name `key_format_mismatch`) the tables hold keys of
     *     another format, written by another version of codguard: call rekey()
     */
    public function migrate(): void
    {
        $this->createTables();
        $stored = $this->pdo->query("SELECT value FROM cg_meta WHERE name = 'key_format'")->fetchColumn();
        $ours = Lib::ffi()->cg_store_key_format();
        if ((string) $stored !== (string) $ours) {
            throw new CodguardException("the tables hold keys of format $stored, this library writes format $ours: re-key them (rekey())", 0, 'key_format_mismatch');
        }
    }

    /**
     * Empties the cg_* tables and loads $records (the shop's order history export) under this
     * library's key format, in one transaction: what a shop runs after an upgrade that changes
     * the key format (see CHANGELOG.md). Creates the tables if missing. Returns how many
     * orders were loaded.
     *
     * @throws DuplicateOrderException an order id twice in $records (nothing is changed)
     * @throws InvalidRecordException a malformed record (nothing is changed)
     */
    public function rekey(iterable $records): int
    {
        $this->createTables();
        return $this->transaction(function () use ($records): int {
            // DELETE, not TRUNCATE: MySQL's TRUNCATE commits and refuses referenced tables.
            $this->pdo->exec('DELETE FROM cg_keys');
            $this->pdo->exec('DELETE FROM cg_orders');
            $this->pdo->prepare("UPDATE cg_meta SET value = ? WHERE name = 'key_format'")
                ->execute([(string) Lib::ffi()->cg_store_key_format()]);
            return $this->addHistory($records);
        });
    }

    /**
     * Adds past orders (arrays or JSON objects of the contract's history records) in one
     * transaction: all or nothing. Returns how many were added.
     *
     * @throws DuplicateOrderException an order id already stored (or twice in $records)
     * @throws InvalidRecordException a malformed record
     */
    public function addHistory(iterable $records): int
    {
        return $this->transaction(function () use ($records): int {
            $batch = [];
            $added = 0;
            foreach ($records as $record) {
                $batch[] = $this->write($record);
                if (count($batch) === self::BATCH) {
                    $added += $this->insert($batch);
                    $batch = [];
                }
            }
            return $added + $this->insert($batch);
        });
    }

    /**
     * Adds a new order to the history as pending (its `outcome`, if given, is kept), so that
     * the customer's next order, in any worker, sees it.
     *
     * @throws DuplicateOrderException
     * @throws InvalidRecordException
     */
    public function addOrder(array $order): void
    {
        $record = $this->write($order + ['outcome' => 'pending']);
        $this->transaction(fn () => $this->insert([$record]));
    }

    /**
     * Records what became of an order: one of self::OUTCOMES.
     *
     * @throws InvalidRecordException an unknown outcome name
     * @throws UnknownOrderException
     */
    public function recordOutcome(string $orderId, string $outcome): void
    {
        if (!in_array($outcome, self::OUTCOMES, true)) {
            throw new InvalidRecordException('invalid_record: unknown outcome; expected one of ' . implode(', ', self::OUTCOMES), 210, 'invalid_record');
        }
        $this->update('outcome = ?', $outcome, \PDO::PARAM_STR, $orderId);
    }

    /**
     * Records whether the customer negotiated (haggled) on an order.
     *
     * @throws UnknownOrderException
     */
    public function recordNegotiated(string $orderId, bool $negotiated = true): void
    {
        $this->update('negotiated = ?', $negotiated ? 1 : 0, \PDO::PARAM_INT, $orderId);
    }

    /**
     * The assessment of a new order against the stored history: exactly what the in-memory
     * Engine answers for the same history. Does not add the order (call addOrder).
     *
     * @throws InvalidRecordException a malformed order
     */
    public function assess(array $order): array
    {
        $json = Lib::json($order);
        $lookup = $this->lookup('cg_store_assess', [$json, strlen($json)]);
        try {
            $this->feed($lookup);
            return Lib::callJson('cg_lookup_assessment', [$lookup]);
        } finally {
            Lib::ffi()->cg_lookup_free($lookup);
        }
    }

    /**
     * Deletes every order of the customer(s) who used this phone (national forms read with
     * $country, ISO alpha-2) and every order linked to them; their keys go by the foreign key's
     * cascade. Returns how many orders were deleted.
     *
     * @throws InvalidPhoneException
     */
    public function eraseByPhone(string $phone, string $country): int
    {
        return $this->erase($this->lookup('cg_store_erase_by_phone', [$phone, strlen($phone), $country, strlen($country)]));
    }

    /**
     * As eraseByPhone, for the customer(s) who used this email.
     *
     * @throws InvalidEmailException
     */
    public function eraseByEmail(string $email): int
    {
        return $this->erase($this->lookup('cg_store_erase_by_email', [$email, strlen($email)]));
    }

    // ------------------------------------------------------------------ internals

    /** Runs sql/mysql/001_init.sql: CREATE TABLE IF NOT EXISTS, the key format row. */
    private function createTables(): void
    {
        $path = dirname(__DIR__, 2) . '/sql/mysql/001_init.sql';
        $sql = file_get_contents($path);
        if ($sql === false) {
            throw new CodguardException("cannot read $path", 0, 'migrate');
        }
        $sql = preg_replace('~^\s*--[^\n]*$~m', '', $sql);
        foreach (preg_split('~;\s*(\n|$)~', $sql) ?: [] as $statement) {
            if (trim($statement) !== '') {
                $this->pdo->exec($statement);
            }
        }
    }

    /** The rows to write for a record: ['order' => row, 'keys' => [int, ...]]. */
    private function write(array|string $record): array
    {
        $json = Lib::json($record);
        $w = Lib::callJson('cg_store_write', [$this->handle, $json, strlen($json)]);
        // Decimal strings to PHP integers (64-bit): exact, unlike JSON numbers.
        $w['keys'] = array_map('intval', $w['keys']);
        return $w;
    }

    /** INSERTs the rows of $writes (multi-row statements). */
    private function insert(array $writes): int
    {
        if ($writes === []) {
            return 0;
        }
        $orders = [];
        $keys = [];
        foreach ($writes as $w) {
            $o = $w['order'];
            array_push($orders, $o['order_id'], $o['placed_at'], $o['total'], $o['outcome'], $o['negotiated'] ? 1 : 0, $o['signature']);
            foreach ($w['keys'] as $k) {
                array_push($keys, $k, $o['order_id']);
            }
        }
        try {
            $this->execute('INSERT INTO cg_orders (order_id, placed_at, total, outcome, negotiated, signature) VALUES '
                . self::tuples(count($writes), 6), $orders, 6, [1 => \PDO::PARAM_INT, 4 => \PDO::PARAM_INT]);
            for ($i = 0; $i < count($keys); $i += 2 * self::BATCH) {
                $chunk = array_slice($keys, $i, 2 * self::BATCH);
                $this->execute('INSERT INTO cg_keys (`key`, order_id) VALUES ' . self::tuples(intdiv(count($chunk), 2), 2),
                    $chunk, 2, [0 => \PDO::PARAM_INT]);
            }
        } catch (\PDOException $e) {
            if (self::isDuplicate($e)) {
                throw new DuplicateOrderException('duplicate_order: an order with that id is already known', 213, 'duplicate_order');
            }
            throw $e;
        }
        return count($writes);
    }

    /** Runs $sql with $values, tuples of $width; $types maps a position in a tuple to a PDO type. */
    private function execute(string $sql, array $values, int $width, array $types): void
    {
        $stmt = $this->pdo->prepare($sql);
        foreach ($values as $i => $v) {
            $type = $types[$i % $width] ?? \PDO::PARAM_STR;
            $stmt->bindValue($i + 1, $type === \PDO::PARAM_STR ? (string) $v : $v, $type);
        }
        $stmt->execute();
    }

    /** "(?, ?), (?, ?)" for $rows tuples of $width. */
    private static function tuples(int $rows, int $width): string
    {
        return implode(', ', array_fill(0, $rows, '(' . implode(', ', array_fill(0, $width, '?')) . ')'));
    }

    private static function isDuplicate(\PDOException $e): bool
    {
        $info = $e->errorInfo ?? [];
        return ($info[1] ?? null) === 1062 || ($info[0] ?? null) === '23505';
    }

    private function update(string $set, int|string $value, int $type, string $orderId): void
    {
        $stmt = $this->pdo->prepare("UPDATE cg_orders SET $set WHERE order_id = ?");
        $stmt->bindValue(1, $value, $type);
        $stmt->bindValue(2, $orderId);
        $stmt->execute();
        if ($stmt->rowCount() > 0) {
            return;
        }
        // MySQL counts changed rows only: an UPDATE to the same value also gives 0.
        $exists = $this->pdo->prepare('SELECT 1 FROM cg_orders WHERE order_id = ?');
        $exists->execute([$orderId]);
        if ($exists->fetchColumn() === false) {
            throw new UnknownOrderException('unknown_order: no order with that id is known', 212, 'unknown_order');
        }
    }

    /** Runs $fn in a transaction, or in a savepoint of the caller's. */
    private function transaction(callable $fn): mixed
    {
        $nested = $this->pdo->inTransaction();
        $nested ? $this->pdo->exec('SAVEPOINT codguard') : $this->pdo->beginTransaction();
        try {
            $result = $fn();
            $nested ? $this->pdo->exec('RELEASE SAVEPOINT codguard') : $this->pdo->commit();
            return $result;
        } catch (\Throwable $e) {
            $nested ? $this->pdo->exec('ROLLBACK TO SAVEPOINT codguard') : $this->pdo->rollBack();
            throw $e;
        }
    }

    /** A new cg_lookup from $fn(store, ...$args, &out). */
    private function lookup(string $fn, array $args): \FFI\CData
    {
        $ffi = Lib::ffi();
        $out = $ffi->new('cg_lookup*');
        Lib::check($ffi->$fn($this->handle, ...[...$args, \FFI::addr($out)]));
        return $out;
    }

    /** Feeds a lookup until it wants nothing: one SELECT per round for all wanted keys. */
    private function feed(\FFI\CData $lookup): void
    {
        $ffi = Lib::ffi();
        while (($wanted = Lib::callJson('cg_lookup_wanted', [$lookup])) !== []) {
            $rows = [];
            foreach ($this->select($wanted) as $row) {
                $rows[(string) $row['key']][] = $row;
            }
            foreach ($wanted as $key) {
                $json = Lib::json($rows[$key] ?? []);
                Lib::check($ffi->cg_lookup_supply($lookup, $key, strlen($key), $json, strlen($json)));
            }
        }
    }

    /**
     * The rows filed under $keys, at most rowsPerKey per key (ROW_NUMBER needs MySQL 8 /
     * MariaDB 10.2). The `key` and `rn` columns ride along; the library ignores them.
     *
     * @param list<string> $keys decimal keys
     */
    private function select(array $keys): array
    {
        $n = count($keys);
        $stmt = $this->selects[$n] ??= $this->pdo->prepare(
            'SELECT t.`key`, t.order_id, t.placed_at, t.total, t.outcome, t.negotiated, t.signature FROM ('
            . ' SELECT k.`key`, o.order_id, o.placed_at, o.total, o.outcome, o.negotiated, o.signature,'
            . ' ROW_NUMBER() OVER (PARTITION BY k.`key` ORDER BY o.order_id) AS rn'
            . ' FROM cg_keys k JOIN cg_orders o ON o.order_id = k.order_id'
            . ' WHERE k.`key` IN (' . implode(', ', array_fill(0, $n, '?')) . ')'
            . ') t WHERE t.rn <= ?'
        );
        foreach ($keys as $i => $key) {
            $stmt->bindValue($i + 1, intval($key), \PDO::PARAM_INT);
        }
        $stmt->bindValue($n + 1, $this->rowsPerKey, \PDO::PARAM_INT);
        $stmt->execute();
        $rows = $stmt->fetchAll(\PDO::FETCH_ASSOC);
        $stmt->closeCursor();
        return $rows;
    }

    /** Feeds an erase lookup, then deletes its order ids in one transaction. */
    private function erase(\FFI\CData $lookup): int
    {
        try {
            $this->feed($lookup);
            $ids = Lib::callJson('cg_lookup_erase_ids', [$lookup]);
        } finally {
            Lib::ffi()->cg_lookup_free($lookup);
        }
        return $this->transaction(function () use ($ids): int {
            $deleted = 0;
            foreach (array_chunk($ids, self::BATCH) as $chunk) {
                $stmt = $this->pdo->prepare('DELETE FROM cg_orders WHERE order_id IN (' . implode(', ', array_fill(0, count($chunk), '?')) . ')');
                $stmt->execute($chunk);
                $deleted += $stmt->rowCount();
            }
            return $deleted;
        });
    }
}
