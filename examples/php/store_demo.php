<?php
/**
 * Store mode as a WooCommerce plugin would run it: the customer history lives in the shop's
 * MySQL / MariaDB, and each PHP-FPM request opens a CodguardStore on its own connection.
 *
 *   CODGUARD_PHP_DSN='mysql:host=localhost;dbname=shop' CODGUARD_PHP_USER=... \
 *   CODGUARD_PHP_PASSWORD=... php examples/php/store_demo.php [DATA_DIR]
 *
 * It creates the cg_* tables if missing, loads the example history once (a second run finds
 * it there; tables of an older codguard's key format are re-keyed), assesses the example's new orders, shows a second "worker" seeing an order placed
 * a few seconds earlier, and erases that demo customer again.
 */

declare(strict_types=1);

require __DIR__ . '/CodguardStore.php';

use Codguard\CodguardException;
use Codguard\CodguardStore;
use Codguard\DuplicateOrderException;

$dir = $argv[1] ?? dirname(__DIR__) . '/data';
// In a plugin: from wp-config.php or the environment, never from the database itself.
$secret = getenv('CODGUARD_SECRET') ?: 'change-me: the shop secret';

function connect(): PDO
{
    return new PDO(
        getenv('CODGUARD_PHP_DSN') ?: 'mysql:host=localhost;dbname=codguard_php;charset=utf8mb4',
        getenv('CODGUARD_PHP_USER') ?: 'codguard_php',
        getenv('CODGUARD_PHP_PASSWORD') ?: 'codguard-php-test',
    );
}

function jsonl(string $path): array
{
    return array_values(array_filter(array_map(
        fn (string $line) => trim($line) === '' ? null : json_decode($line, true, 512, JSON_THROW_ON_ERROR),
        file($path) ?: []
    )));
}

// Plugin activation: the tables, and the shop's past orders.
$store = new CodguardStore(connect(), $secret);
try {
    $store->migrate();
    $added = $store->addHistory(jsonl("$dir/history.jsonl"));
    echo "history: $added past orders added\n";
} catch (DuplicateOrderException) {
    echo "history: already loaded\n";
} catch (CodguardException $e) {
    // Tables written by another codguard version: the upgrade step, re-import the history.
    if ($e->getStatusName() !== 'key_format_mismatch') {
        throw $e;
    }
    printf("history: %d past orders re-keyed (%s)\n", $store->rekey(jsonl("$dir/history.jsonl")), $e->getMessage());
}

// Checkout requests: assess, then file the order for the next one.
foreach (jsonl("$dir/queries.jsonl") as $order) {
    $a = $store->assess($order);
    printf("%-8s %-10s %-8s risk %.2f  %s\n", $a['order_id'], $a['customer_class'], $a['action'], $a['risk'],
        implode(', ', array_column($a['reasons'], 'code')));
}

// Two workers, one customer: worker 1 files an order, worker 2 sees it 30 seconds later.
$t = time();
$first = ['order_id' => "demo-$t-1", 'placed_at' => $t, 'name' => 'Hamza Ouazzani',
    'phone' => '0662 31 75 08', 'address' => '18 Bd Zerktouni, Maarif', 'city' => 'Casablanca',
    'country' => 'MA', 'total' => 260.0];
$store->addOrder($first);
$worker2 = new CodguardStore(connect(), $secret);
$second = ['order_id' => "demo-$t-2", 'placed_at' => $t + 30, 'phone' => '+212662317508'] + $first;
$a = $worker2->assess($second);
printf("worker 2 sees %s: %s\n", $second['order_id'], implode(', ', array_column($a['reasons'], 'code')));

// The delivery company reports back; then the customer asks to be forgotten.
$store->recordOutcome($first['order_id'], 'refused');
printf("after the refusal: %s\n", $worker2->assess($second)['customer_class']);
printf("erased %d order(s) of the demo customer\n", $store->eraseByPhone('0662317508', 'MA'));
