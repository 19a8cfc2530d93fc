<?php
/**
 * A shop plugin's day, end to end through libcodguard: load the history, assess the new
 * orders, run the confirmation flow of the first order to confirm.
 *
 *   php examples/php/triage.php [DATA_DIR]     (default: the repository's examples/data)
 */

declare(strict_types=1);

require __DIR__ . '/Codguard.php';

use Codguard\Engine;
use Codguard\Flow;

$dir = $argv[1] ?? dirname(__DIR__) . '/data';
$engine = new Engine();
$added = $engine->addHistory((string) file_get_contents("$dir/history.jsonl"));
echo "libcodguard ", Codguard\version(), ": $added past orders\n";

$orders = array_values(array_filter(array_map(
    fn (string $line) => trim($line) === '' ? null : json_decode($line, true, 512, JSON_THROW_ON_ERROR),
    file("$dir/queries.jsonl") ?: []
)));

$byClass = [];
$flowOrder = null;
foreach ($engine->assessMany($orders) as $i => $a) {
    if (isset($a['error'])) {
        printf("%-14s error %s: %s\n", $a['order_id'], $a['error']['code'], $a['error']['message']);
        continue;
    }
    printf("%-14s %-10s %-12s risk %.2f\n", $a['order_id'], $a['customer_class'], $a['action'], $a['risk']);
    $byClass[$a['customer_class']] = ($byClass[$a['customer_class']] ?? 0) + 1;
    if ($flowOrder === null && $a['action'] === 'confirm') {
        $flowOrder = $orders[$i];
    }
}
ksort($byClass);
echo count($orders), " orders: ", json_encode($byClass), "\n";

if ($flowOrder !== null) {
    echo "confirmation flow of {$flowOrder['order_id']}:\n";
    $flow = new Flow($flowOrder, 'confirm', ['shop_name' => 'Souk Example'], 'change-me: the shop secret');
    $t = $flowOrder['placed_at'];
    $reply = Codguard\reply_intent('iyeh, 3afak', $flowOrder['country']);
    foreach ([
        ['type' => 'placed', 'at' => $t],
        ['type' => 'tick', 'at' => $t + 4 * 3600],
        ['type' => 'reply', 'at' => $t + 5 * 3600, 'channel' => 'whatsapp', 'intent' => $reply['intent']],
    ] as $event) {
        // Store the flow between events as a PHP plugin would (database row), and restore it.
        $flow = Flow::restore($flow->snapshot(), 'change-me: the shop secret');
        $actions = $flow->handle($event);
        printf("  %-7s -> %s; state %s, next tick %s\n", $event['type'],
            implode(', ', array_map(fn ($x) => $x['type'] . (isset($x['channel']) ? ":{$x['channel']}" : ''), $actions)),
            $flow->state(), $flow->nextDeadline() ?? 'none');
    }
}
