<?php
/**
 * PHP tests of CodguardStore against a real MariaDB / MySQL: the store's assessments equal the
 * in-memory Engine's on the example shop, a second connection sees a worker's new order, outcomes
 * and erasure reach the tables, and errors raise the library's exceptions.
 *
 *   CODGUARD_PHP_DSN=mysql:host=localhost;dbname=codguard_php CODGUARD_PHP_USER=...
 *   CODGUARD_PHP_PASSWORD=... php tests/php/store.php [DATA_DIR]
 *
 * It DROPS the cg_* tables of that database first: point it at a scratch database
 * (scripts/ci_php.sh creates codguard_php). Prints "N passed, N failed" last; exits non-zero on
 * failure, also when the database cannot be reached.
 */

declare(strict_types=1);

require dirname(__DIR__, 2) . '/examples/php/CodguardStore.php';
require __DIR__ . '/harness.php';

use Codguard as C;
use Codguard\CodguardStore;

$dir = $argv[1] ?? dirname(__DIR__, 2) . '/examples/data';
const SECRET = 'store test secret';

function connect(): \PDO
{
    return new \PDO(
        getenv('CODGUARD_PHP_DSN') ?: 'mysql:host=localhost;dbname=codguard_php;charset=utf8mb4',
        getenv('CODGUARD_PHP_USER') ?: 'codguard_php',
        getenv('CODGUARD_PHP_PASSWORD') ?: 'codguard-php-test',
        [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION],
    );
}

function jsonl(string $path): array
{
    return array_values(array_filter(array_map(
        fn (string $line) => trim($line) === '' ? null : json_decode($line, true, 512, JSON_THROW_ON_ERROR),
        file($path) ?: []
    )));
}

function count_rows(\PDO $pdo, string $sql, array $args = []): int
{
    $stmt = $pdo->prepare($sql);
    $stmt->execute($args);
    return (int) $stmt->fetchColumn();
}

function reasons(array $a): array
{
    return array_column($a['reasons'], 'code');
}

try {
    $pdo = connect();
    $pdo->exec('DROP TABLE IF EXISTS cg_keys, cg_orders, cg_meta');
} catch (\PDOException $e) {
    fwrite(STDERR, 'cannot reach the test database: ' . $e->getMessage() . "\n");
    echo "0 passed, 1 failed\n";
    exit(1);
}

$history = jsonl("$dir/history.jsonl");
$queries = jsonl("$dir/queries.jsonl");
$store = new CodguardStore($pdo, SECRET);
$engine = new C\Engine();

// ---------------------------------------------------------------- schema and history

check('migrate creates the tables, twice is harmless', function () use ($store, $pdo) {
    $store->migrate();
    $store->migrate();
    $tables = $pdo->query("SHOW TABLES LIKE 'cg\\_%'")->fetchAll(\PDO::FETCH_COLUMN);
    sort($tables);
    return $tables === ['cg_keys', 'cg_meta', 'cg_orders'];
});

check('migrate refuses tables of another key format', function () use ($store, $pdo) {
    $pdo->exec("UPDATE cg_meta SET value = '0' WHERE name = 'key_format'");
    try {
        return throws(fn () => $store->migrate(), C\CodguardException::class, 0);
    } finally {
        $ours = C\Lib::ffi()->cg_store_key_format();
        $pdo->exec("UPDATE cg_meta SET value = '$ours' WHERE name = 'key_format'");
    }
});

check('rekey reloads tables of another key format, and migrate accepts them again', function () use ($store, $pdo, $history) {
    $store->addHistory(array_slice($history, 0, 3));
    $pdo->exec("UPDATE cg_meta SET value = '2' WHERE name = 'key_format'");
    $refused = false;
    try {
        $store->migrate();
    } catch (C\CodguardException $e) {
        $refused = $e->getStatusName() === 'key_format_mismatch' && str_contains($e->getMessage(), 'format 2');
    }
    $loaded = $store->rekey($history);
    $store->migrate();
    $ok = $refused && $loaded === count($history)
        && count_rows($pdo, 'SELECT COUNT(*) FROM cg_orders') === count($history);
    // Back to empty tables for the tests below.
    $pdo->exec('DELETE FROM cg_keys');
    $pdo->exec('DELETE FROM cg_orders');
    return $ok;
});

check('rekey with a malformed record changes nothing', function () use ($store, $pdo, $history) {
    $store->addHistory(array_slice($history, 0, 2));
    $bad = array_merge(array_slice($history, 0, 4), [['order_id' => 'x', 'phone' => 12]]);
    $raised = throws(fn () => $store->rekey($bad), C\InvalidRecordException::class, 210);
    $ok = $raised && count_rows($pdo, 'SELECT COUNT(*) FROM cg_orders') === 2;
    $pdo->exec('DELETE FROM cg_keys');
    $pdo->exec('DELETE FROM cg_orders');
    return $ok;
});

check('addHistory of the example shop', function () use ($store, $engine, $pdo, $history) {
    $added = $store->addHistory($history);
    $engine->addHistory($history);
    $keys = count_rows($pdo, 'SELECT COUNT(*) FROM cg_keys');
    $orphans = count_rows($pdo, 'SELECT COUNT(*) FROM cg_keys k LEFT JOIN cg_orders o USING (order_id) WHERE o.order_id IS NULL');
    return $added === count($history) && $added === 16
        && count_rows($pdo, 'SELECT COUNT(*) FROM cg_orders') === 16 && $keys >= 16 && $orphans === 0;
});

check('no readable phone, email or address in the tables', function () use ($pdo) {
    $dump = json_encode($pdo->query('SELECT * FROM cg_orders')->fetchAll(\PDO::FETCH_ASSOC), JSON_UNESCAPED_UNICODE);
    return !str_contains($dump, '661472983') && !str_contains($dump, 'gmail') && !str_contains($dump, 'Battouta')
        && !str_contains($dump, 'Salma');
});

// ---------------------------------------------------------------- the engine's answers

foreach ($queries as $q) {
    check("assess {$q['order_id']} equals the engine", function () use ($store, $engine, $q) {
        $got = $store->assess($q);
        $want = $engine->assess($q);
        if ($got !== $want) {
            fwrite(STDERR, '  store:  ' . json_encode($got, JSON_UNESCAPED_UNICODE) . "\n  engine: " . json_encode($want, JSON_UNESCAPED_UNICODE) . "\n");
            return false;
        }
        return true;
    });
}

check('a policy reaches the store', function () use ($pdo, $queries) {
    $config = ['duplicate_window_secs' => 60];
    $store = new CodguardStore($pdo, SECRET, $config);
    $engine = new C\Engine($config);
    $engine->addHistory(jsonl(dirname(__DIR__, 2) . '/examples/data/history.jsonl'));
    foreach ($queries as $q) {
        if ($store->assess($q) !== $engine->assess($q)) {
            return false;
        }
    }
    return $store->config()['duplicate_window_secs'] === 60;
});

check('a risk model reaches the store: its answers are the engine\'s with the model', function () use ($pdo, $queries) {
    $doc = json_decode((string) file_get_contents(dirname(__DIR__) . '/vectors/risk.json'), true, 512, JSON_THROW_ON_ERROR);
    $model = json_encode($doc['model'], JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION);
    $store = new CodguardStore($pdo, SECRET);
    $store->setRiskModel($model);
    $engine = new C\Engine();
    $engine->setRiskModel($model);
    $plain = new C\Engine();
    $history = jsonl(dirname(__DIR__, 2) . '/examples/data/history.jsonl');
    $engine->addHistory($history);
    $plain->addHistory($history);
    $changed = 0;
    foreach ($queries as $q) {
        $got = $store->assess($q);
        if ($got !== $engine->assess($q)) {
            fwrite(STDERR, '  store: ' . json_encode($got, JSON_UNESCAPED_UNICODE) . "\n");
            return false;
        }
        $changed += $got['risk'] !== $plain->assess($q)['risk'] ? 1 : 0;
    }
    try {
        $store->setRiskModel('{"format": "codguard-risk"}');
        return false;
    } catch (C\CodguardException $e) {
        return $changed > 0 && $e->getStatusName() === 'invalid_config';
    }
});

check('another secret finds nothing', function () use ($pdo, $queries) {
    $a = (new CodguardStore($pdo, 'another secret'))->assess($queries[0]);
    return $a['matches'] === [] && $a['profile']['orders'] === 0;
});

// ---------------------------------------------------------------- workers

$imane = ['order_id' => 'php-w1', 'placed_at' => 1760000000, 'name' => 'Imane Chraibi',
    'phone' => '0661 98 45 27', 'email' => 'imane.chraibi@gmail.com',
    'address' => '7 Rue Tarik Ibn Ziad, Gueliz', 'city' => 'Marrakech', 'country' => 'MA', 'total' => 420.0];

check('a second connection sees the order placed seconds before', function () use ($store, $imane) {
    $store->addOrder($imane);
    $worker2 = new CodguardStore(connect(), SECRET);
    $again = ['order_id' => 'php-w2', 'placed_at' => $imane['placed_at'] + 40,
        'name' => 'إيمان الشرايبي', 'phone' => "+212\u{200F} ٦٦١ 98 45 27", 'country' => 'MA',
        'address' => '7 rue Tarik Ibn Ziad Gueliz', 'city' => 'Marrakech'];
    $a = $worker2->assess($again);
    return in_array('duplicate_recent_order', reasons($a), true)
        && in_array('php-w1', array_column($a['matches'], 'order_id'), true);
});

check('recordOutcome changes the class', function () use ($store, $imane, $pdo) {
    $later = ['order_id' => 'php-w3', 'placed_at' => $imane['placed_at'] + 30 * 86400] + $imane;
    $before = $store->assess($later);
    $store->recordOutcome('php-w1', 'refused');
    $store->recordOutcome('php-w1', 'refused'); // the same value again is no unknown order
    $after = $store->assess($later);
    $outcome = count_rows($pdo, "SELECT COUNT(*) FROM cg_orders WHERE order_id = 'php-w1' AND outcome = 'refused'");
    return $before['customer_class'] !== $after['customer_class'] && $after['customer_class'] === 'risky'
        && in_array('prior_refused', reasons($after), true) && $outcome === 1;
});

check('recordNegotiated reaches the assessment', function () use ($store, $imane) {
    $store->recordNegotiated('php-w1');
    $a = $store->assess(['order_id' => 'php-w4', 'placed_at' => $imane['placed_at'] + 40 * 86400] + $imane);
    return in_array('prior_negotiated', reasons($a), true);
});

// ---------------------------------------------------------------- errors

check('unknown outcome', fn () => throws(fn () => $store->recordOutcome('php-w1', 'lost'), C\InvalidRecordException::class, 210));
check('unknown outcome is not a prefix match', fn () => throws(fn () => $store->recordOutcome('php-w1', 'Delivered'), C\InvalidRecordException::class, 210));
check('unknown order', fn () => throws(fn () => $store->recordOutcome('php-404', 'delivered'), C\UnknownOrderException::class, 212));
check('unknown order (negotiated)', fn () => throws(fn () => $store->recordNegotiated('php-404'), C\UnknownOrderException::class, 212));
check('duplicate order', function () use ($store, $imane, $pdo) {
    $keys = count_rows($pdo, 'SELECT COUNT(*) FROM cg_keys');
    return throws(fn () => $store->addOrder($imane), C\DuplicateOrderException::class, 213)
        && count_rows($pdo, 'SELECT COUNT(*) FROM cg_keys') === $keys;
});
check('a duplicate rolls the whole history back', function () use ($store, $pdo, $history) {
    $orders = count_rows($pdo, 'SELECT COUNT(*) FROM cg_orders');
    $fresh = ['order_id' => 'php-fresh', 'placed_at' => 1, 'phone' => '0770112233', 'country' => 'MA', 'outcome' => 'delivered'];
    return throws(fn () => $store->addHistory([$fresh, $history[0]]), C\DuplicateOrderException::class, 213)
        && count_rows($pdo, 'SELECT COUNT(*) FROM cg_orders') === $orders
        && count_rows($pdo, "SELECT COUNT(*) FROM cg_orders WHERE order_id = 'php-fresh'") === 0;
});
check('a duplicate inside a caller transaction rolls back to the savepoint', function () use ($store, $pdo, $imane) {
    $pdo->beginTransaction();
    try {
        $store->addOrder(['order_id' => 'php-tx'] + $imane);
        $threw = throws(fn () => $store->addOrder($imane), C\DuplicateOrderException::class, 213);
        $kept = count_rows($pdo, "SELECT COUNT(*) FROM cg_orders WHERE order_id = 'php-tx'") === 1;
    } finally {
        $pdo->rollBack();
    }
    return $threw && $kept && count_rows($pdo, "SELECT COUNT(*) FROM cg_orders WHERE order_id = 'php-tx'") === 0;
});
check('invalid record', fn () => throws(fn () => $store->addOrder(['order_id' => '', 'placed_at' => 1]), C\InvalidRecordException::class, 210));
check('invalid order to assess', fn () => throws(fn () => $store->assess(['order_id' => 'x']), C\InvalidRecordException::class, 210));
check('invalid phone to erase', fn () => throws(fn () => $store->eraseByPhone('12', 'MA'), C\InvalidPhoneException::class, 202));
check('invalid email to erase', fn () => throws(fn () => $store->eraseByEmail('nobody'), C\InvalidEmailException::class, 209));
check('empty secret', fn () => throws(fn () => new CodguardStore($pdo, ''), C\InvalidConfigException::class, 211));
check('bad policy', fn () => throws(fn () => new CodguardStore($pdo, SECRET, ['bogus' => 1]), C\InvalidConfigException::class, 211));

// ---------------------------------------------------------------- erasure

check('eraseByPhone deletes what the engine erases, keys included', function () use ($store, $engine, $pdo) {
    $ids = ['h-0001', 'h-0002', 'h-0003'];
    $in = "order_id IN ('h-0001', 'h-0002', 'h-0003')";
    $keysBefore = count_rows($pdo, "SELECT COUNT(*) FROM cg_keys WHERE $in");
    $erased = $store->eraseByPhone('+212 661-472983', 'MA');
    $want = $engine->eraseByPhone('06 61 47 29 83', 'MA');
    $a = $store->assess(['order_id' => 'q', 'placed_at' => 1770000000, 'name' => 'Salma Khalil',
        'phone' => '0661472983', 'country' => 'MA']);
    return $keysBefore > 0 && $erased === $want && $erased >= count($ids)
        && count_rows($pdo, "SELECT COUNT(*) FROM cg_keys WHERE $in") === 0
        && count_rows($pdo, "SELECT COUNT(*) FROM cg_orders WHERE $in") === 0
        && $a['matches'] === [];
});

check('eraseByEmail deletes what the engine erases', function () use ($store, $engine, $pdo, $queries) {
    $erased = $store->eraseByEmail('Youssef.Benali@outlook.com');
    $want = $engine->eraseByEmail('youssef.benali@outlook.com');
    $left = count_rows($pdo, "SELECT COUNT(*) FROM cg_keys WHERE order_id IN ('h-0004', 'h-0005')");
    // What remains still answers as the engine does.
    foreach ($queries as $q) {
        if ($store->assess($q) !== $engine->assess($q)) {
            fwrite(STDERR, "  {$q['order_id']} differs after erasure\n");
            return false;
        }
    }
    return $erased === $want && $erased >= 2 && $left === 0 && $store->eraseByEmail('youssef.benali@outlook.com') === 0;
});

check('erase of the workers customer', function () use ($store, $pdo) {
    $n = $store->eraseByEmail('imane.chraibi@gmail.com');
    return $n === 1 && count_rows($pdo, "SELECT COUNT(*) FROM cg_keys WHERE order_id LIKE 'php-%'") === 0;
});

echo "$passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
