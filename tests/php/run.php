<?php
/**
 * PHP tests of Codguard.php over libcodguard: the exception mapping and a replay of the shared
 * JSON vectors (tests/vectors). Prints "N passed, N failed" last; exits non-zero on failure.
 *
 *   php tests/php/run.php [VECTORS_DIR]
 */

declare(strict_types=1);

require dirname(__DIR__, 2) . '/examples/php/Codguard.php';
require __DIR__ . '/harness.php';

use Codguard as C;

$vectors = $argv[1] ?? dirname(__DIR__) . '/vectors';

// ---------------------------------------------------------------- exception mapping

check('version', fn () => C\version() === '0.1.0');
check('phone empty', fn () => throws(fn () => C\normalize_phone('', 'MA'), C\InvalidPhoneException::class, 201));
check('phone looks fake normalizes', fn () => C\normalize_phone('0612345678', 'MA') === '+212612345678');
check('phone junk', fn () => throws(fn () => C\normalize_phone('0666666666', 'MA'), C\InvalidPhoneException::class, 219));
check('invalid country is input', fn () => throws(fn () => C\normalize_phone('0696030620', 'ZZ'), C\InvalidInputException::class, 207));
check('phone too long input', fn () => throws(fn () => C\normalize_phone(str_repeat('6', 1 << 20), 'MA'), C\InvalidInputException::class, 200));
check('try_normalize_phone', fn () => C\try_normalize_phone('abc', 'MA') === null && C\try_normalize_phone('+212 696 03 06 20', 'MA') === '+212696030620');
check('email invalid', fn () => throws(fn () => C\normalize_email('not an email'), C\InvalidEmailException::class, 209));
check('invalid utf8', fn () => throws(fn () => C\normalize_email("\xff\xfe"), C\ArgumentException::class, 101));
check('config unknown key', fn () => throws(fn () => new C\Engine(['bogus' => 1]), C\InvalidConfigException::class, 211));
check('config malformed json', fn () => throws(fn () => new C\Engine('{'), C\ArgumentException::class, 102));
check('config partial', fn () => (new C\Engine(['duplicate_window_secs' => 60]))->config()['duplicate_window_secs'] === 60);
check('malformed order', fn () => throws(fn () => (new C\Engine())->assess('{"order_id": '), C\ArgumentException::class, 102));
check('empty order id', fn () => throws(fn () => (new C\Engine())->assess(['order_id' => '', 'placed_at' => 1]), C\InvalidRecordException::class, 210));
check('invalid utf8 in an order is the library\'s error', fn () => throws(
    fn () => (new C\Engine())->assess(['order_id' => 'o-1', 'placed_at' => 1, 'name' => "Sa\xffma", 'country' => 'MA']),
    C\ArgumentException::class, 101));
check('a country written out names the field', function () {
    try {
        (new C\Engine())->assess(['order_id' => 'o-1', 'placed_at' => 1, 'country' => 'Morocco']);
    } catch (C\InvalidRecordException $e) {
        return $e->getCode() === 210 && str_contains($e->getMessage(), '`country`');
    }
    return false;
});
check('unknown order', fn () => throws(fn () => (new C\Engine())->recordOutcome('o-404', 'delivered'), C\InvalidRecordException::class, 212));
check('duplicate order', function () {
    $e = new C\Engine();
    $e->addOrder(['order_id' => 'o-1', 'placed_at' => 1, 'phone' => '0696030620', 'country' => 'MA']);
    return throws(fn () => $e->addOrder(['order_id' => 'o-1', 'placed_at' => 2, 'country' => 'MA']), C\InvalidRecordException::class, 213)
        && $e->count() === 1;
});
check('corrupt snapshot', function () {
    $bytes = (new C\Engine())->save();
    $bytes[strlen($bytes) - 1] = chr(ord($bytes[strlen($bytes) - 1]) ^ 0xff);
    return throws(fn () => C\Engine::load($bytes), C\SnapshotException::class, 301)
        || throws(fn () => C\Engine::load($bytes), C\SnapshotException::class, 300);
});
check('sealed snapshot: its key only, every flipped byte refused', function () {
    $engine = new C\Engine();
    $engine->addHistory([['order_id' => 'h-1', 'placed_at' => 1, 'phone' => '0696030620', 'country' => 'MA', 'outcome' => 'refused']]);
    $key = 'مفتاح المتجر';
    $sealed = $engine->save($key);
    if (strlen($sealed) !== strlen($engine->save()) + 32 || C\Engine::load($sealed, $key)->count() !== 1) {
        return false;
    }
    for ($i = 0; $i < strlen($sealed); $i += 7) {
        $bad = $sealed;
        $bad[$i] = chr(ord($bad[$i]) ^ 1);
        if (!throws(fn () => C\Engine::load($bad, $key), C\SnapshotException::class, 301)) {
            return false;
        }
    }
    return throws(fn () => C\Engine::load($sealed, 'another key'), C\SnapshotException::class, 301)
        && throws(fn () => C\Engine::load($engine->save(), $key), C\SnapshotException::class, 301)
        && throws(fn () => C\Engine::load($sealed), C\SnapshotException::class, 301)
        && throws(fn () => $engine->save(''), C\InvalidConfigException::class, 211);
});
check('truncated snapshot', fn () => throws(fn () => C\Engine::load(''), C\SnapshotException::class, 300));
check('bad event', function () {
    $f = new C\Flow(['order_id' => 'o-1', 'placed_at' => 1, 'phone' => '0696030620', 'country' => 'MA'], 'confirm', null, 's');
    return throws(fn () => $f->handle(['type' => 'teleport', 'at' => 1]), C\InvalidEventException::class, 214);
});
check('flow needs address, failed delivery', function () {
    $f = new C\Flow(['order_id' => 'o-1', 'placed_at' => 1767225600, 'phone' => '0696030620', 'country' => 'MA'], 'confirm', null, 's');
    $token = basename($f->handle(['type' => 'placed', 'at' => 1767225600])[0]['link']);
    $confirm = $f->handle(['type' => 'link_clicked', 'at' => 1767225700, 'token' => $token, 'address' => '5 rue de Fes']);
    $failed = $f->handle(['type' => 'delivery_failed', 'at' => 1767300000, 'reason' => 'refused']);
    return $confirm === [['type' => 'confirm', 'address' => '5 rue de Fes']] && !$f->needsAddress()
        && $failed[0]['template'] === 'reschedule' && $f->state() === 'awaiting_reschedule';
});
check('bad token', fn () => throws(fn () => C\verify_token('s', 'short', 'o-1', 1), C\InvalidTokenException::class, 215));
check('all are CodguardException', fn () => throws(fn () => C\normalize_email(''), C\CodguardException::class, 208));

// ---------------------------------------------------------------- engine round trip

check('engine history, assess, save/load', function () {
    $e = new C\Engine();
    $e->addHistory([['order_id' => 'o-1', 'placed_at' => 1700000000, 'name' => 'Salma Khalil',
        'phone' => '0696030620', 'country' => 'MA', 'outcome' => 'refused']]);
    $order = ['order_id' => 'o-2', 'placed_at' => 1760000000, 'name' => 'سلمى خليل',
        'phone' => '+212 6 96 03 06 20', 'country' => 'MA'];
    $a = $e->assess($order);
    $b = C\Engine::load($e->save())->assess($order);
    $many = $e->assessMany([$order, ['order_id' => '', 'placed_at' => 1]]);
    return $a['customer_class'] === 'risky' && $a['matches'][0]['order_id'] === 'o-1' && $a == $b
        && $many[0] == $a && $many[1]['error']['code'] === 'invalid_record'
        && $e->eraseByPhone('0696030620', 'MA') === 1 && $e->count() === 0;
});

check('assessMany: an order PHP cannot write is its own error, in its place', function () {
    $e = new C\Engine();
    $ok = ['order_id' => 'o-1', 'placed_at' => 1767225600, 'phone' => '0661472983', 'country' => 'MA'];
    $many = $e->assessMany([$ok, ['order_id' => 'o-2', 'placed_at' => 1767225600, 'country' => 'MA',
        'name' => "Sal\xc3\x28ma"], ['order_id' => 'o-3', 'placed_at' => 1767225600, 'country' => 'Morocco'],
        'o-4', ['order_id' => 'o-5'] + $ok]);
    return count($many) === 5 && $many[0] == $e->assess($ok)
        && $many[1]['order_id'] === 'o-2' && $many[1]['error']['code'] === 'invalid_utf8'
        && $many[2]['order_id'] === 'o-3' && $many[2]['error']['code'] === 'invalid_record'
        // A string in the list is a JSON string, not an order's JSON text, as before.
        && $many[3]['error']['code'] === 'invalid_record'
        && $many[4]['order_id'] === 'o-5' && $many[4]['customer_class'] === 'new';
});

// ---------------------------------------------------------------- vectors

function cases(string $path): array
{
    if (!is_file($path)) {
        // Every binding replays every vector file: a missing one is a failure, not a skip.
        check("vectors $path present", fn () => false);
        return [];
    }
    return json_decode((string) file_get_contents($path), true, 512, JSON_THROW_ON_ERROR)['cases'];
}

function error_of(callable $fn): ?string
{
    try {
        $fn();
        return null;
    } catch (C\CodguardException $e) {
        return $e->getStatusName();
    }
}

foreach (cases("$vectors/phone.json") as $i => $c) {
    check("phone[$i] {$c['note']}", function () use ($c) {
        $got = null;
        $err = error_of(function () use ($c, &$got) { $got = C\normalize_phone($c['raw'], $c['country']); });
        $info = null;
        error_of(function () use ($c, &$info) { $info = C\parse_phone($c['raw'], $c['country']); });
        return $err === $c['error'] && ($err !== null || $got === $c['expected'])
            && ($info['e164'] ?? null) === $c['expected'] && ($info['looks_fake'] ?? false) === $c['looks_fake']
            && ($info['junk'] ?? false) === $c['junk'];
    });
}
foreach (cases("$vectors/email.json") as $i => $c) {
    check("email[$i] {$c['note']}", function () use ($c) {
        $got = null;
        $err = error_of(function () use ($c, &$got) { $got = C\parse_email($c['raw']); });
        return $err === $c['error'] && ($got['address'] ?? null) === $c['address'] && ($got['key'] ?? null) === $c['key']
            && ($got['fake'] ?? null) === $c['fake'] && ($got['suggestion'] ?? null) === $c['suggestion'];
    });
}
foreach (cases("$vectors/address.json") as $i => $c) {
    check("address[$i]", function () use ($c) {
        if (($c['error'] ?? null) !== null) {
            $args = [$c['raw'], $c['city'] ?? '', $c['country'] ?? ''];
            return error_of(fn () => C\parse_address(...$args)) === $c['error']
                && error_of(fn () => C\normalize_address(...$args)) === $c['error'];
        }
        $got = C\parse_address($c['raw'], $c['city'] ?? '', $c['country'] ?? '');
        foreach ($c['expected'] as $k => $v) {
            if (!array_key_exists($k, $got) || $got[$k] !== $v) {
                fwrite(STDERR, "  $k: " . json_encode($got[$k] ?? null, JSON_UNESCAPED_UNICODE) . "\n");
                return false;
            }
        }
        return C\normalize_address($c['raw'], $c['city'] ?? '', $c['country'] ?? '') === $c['expected']['text'];
    });
}
foreach (cases("$vectors/name.json") as $i => $c) {
    check("name[$i]", function () use ($c) {
        if (isset($c['close'])) {
            $s = C\name_similarity($c['a'], $c['b']);
            return $c['close'] ? $s >= 0.8 : $s < 0.5;
        }
        return C\parse_name($c['raw'])['nonsense'] === $c['nonsense'];
    });
}
foreach (cases("$vectors/assess.json") as $i => $c) {
    check("assess[$i] {$c['note']}", function () use ($c) {
        $e = new C\Engine($c['config']);
        $e->addHistory($c['history']);
        $a = $e->assess($c['order']);
        // In one step with adding it: the same answer, and the order is then held.
        $kept = new C\Engine($c['config']);
        $kept->addHistory($c['history']);
        if ($kept->assessAndAdd($c['order']) !== $a || $kept->count() !== $e->count() + 1
            || !throws(fn () => $kept->addOrder($c['order']), C\DuplicateOrderException::class, 213)) {
            fwrite(STDERR, "  assessAndAdd differs from assess then addOrder\n");
            return false;
        }
        $want = $c['expected'];
        $matches = array_map(fn ($m) => $m['order_id'], $a['matches']);
        sort($matches);
        $ok = $a['customer_class'] === $want['customer_class'] && $a['action'] === $want['action']
            && array_map(fn ($r) => $r['code'], $a['reasons']) === $want['reasons']
            && $a['notify_customer_service'] === $want['notify_customer_service']
            && (!isset($want['matches']) || $matches === $want['matches']);
        if (!$ok) {
            fwrite(STDERR, '  got ' . json_encode($a, JSON_UNESCAPED_UNICODE) . "\n");
        }
        return $ok;
    });
}
$riskDoc = json_decode((string) file_get_contents("$vectors/risk.json"), true, 512, JSON_THROW_ON_ERROR);
$riskModel = json_encode($riskDoc['model'], JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION);
foreach (cases("$vectors/risk.json") as $i => $c) {
    check("risk[$i] {$c['note']}", function () use ($c, $riskModel) {
        $e = new C\Engine();
        $e->setRiskModel($riskModel);
        $e->addHistory($c['history']);
        $a = $e->assess($c['order']);
        $want = $c['expected'];
        $matches = array_map(fn ($m) => $m['order_id'], $a['matches']);
        sort($matches);
        $ok = $a['customer_class'] === $want['customer_class'] && $a['action'] === $want['action']
            && (float) $a['risk'] === (float) $want['risk']
            && array_map(fn ($r) => $r['code'], $a['reasons']) === $want['reasons']
            && (!isset($want['matches']) || $matches === $want['matches']);
        if (!$ok) {
            fwrite(STDERR, '  got ' . json_encode($a, JSON_UNESCAPED_UNICODE) . "\n");
        }
        return $ok;
    });
}
foreach ($riskDoc['bad_models'] as $i => $b) {
    check("risk bad model[$i] {$b['note']}", function () use ($b, $riskModel) {
        $bad = $b['model_text'] ?? json_encode($b['model'], JSON_PRESERVE_ZERO_FRACTION);
        $e = new C\Engine();
        $e->setRiskModel($riskModel);
        try {
            $e->setRiskModel($bad);
        } catch (C\CodguardException $x) {
            return $x->getStatusName() === 'invalid_config';
        }
        return false;
    });
}
foreach (cases("$vectors/records.json") as $i => $c) {
    check("records[$i] {$c['note']}", function () use ($c) {
        $e = new C\Engine();
        // `text`: the record as the text of a JSON Lines line, given as it is.
        $record = $c['text'] ?? $c['record'];
        try {
            if ($c['kind'] === 'history') {
                $e->addHistory(is_string($record) ? $record : [$record]);
            } else {
                $e->assess($record);
            }
        } catch (C\CodguardException $x) {
            $named = $c['field'] === null || str_contains($x->getMessage(), '`' . $c['field'] . '`');
            if ($x->getStatusName() !== $c['error'] || !$named) {
                fwrite(STDERR, '  ' . $x->getStatusName() . ': ' . $x->getMessage() . "\n");
                return false;
            }
            return true;
        }
        return $c['error'] === null;
    });
}
foreach (cases("$vectors/events.json") as $i => $c) {
    check("events[$i] {$c['note']}", function () use ($c) {
        $flow = new C\Flow($c['order'], 'confirm', null, 'shop-secret-1', 'vector-flow-nonce');
        try {
            $flow->handle($c['event']);
        } catch (C\CodguardException $x) {
            $named = $c['field'] === null || str_contains($x->getMessage(), '`' . $c['field'] . '`');
            $clean = $c['value'] === null || !str_contains($x->getMessage(), $c['value']);
            if ($x->getStatusName() !== $c['error'] || !$named || !$clean) {
                fwrite(STDERR, '  ' . $x->getStatusName() . ': ' . $x->getMessage() . "\n");
                return false;
            }
            return true;
        }
        return $c['error'] === null;
    });
}
foreach (cases("$vectors/reply_intent.json") as $i => $c) {
    check("reply_intent[$i] {$c['note']}", function () use ($c) {
        $got = null;
        $err = error_of(function () use ($c, &$got) { $got = C\reply_intent($c['text'], $c['country']); });
        return $err === $c['error'] && $got === $c['expected'];
    });
}
foreach (cases("$vectors/token.json") as $i => $c) {
    check("token[$i] {$c['note']}", function () use ($c) {
        if ($c['op'] === 'issue') {
            return C\issue_token($c['secret'], $c['order_id'], $c['expires_at']) === $c['token'];
        }
        return error_of(fn () => C\verify_token($c['secret'], $c['token'], $c['order_id'], $c['now'])) === $c['error'];
    });
}
foreach (cases("$vectors/send_guard.json") as $i => $c) {
    check("send_guard[$i] {$c['note']}", function () use ($c) {
        if (isset($c['error'])) {
            return error_of(fn () => new C\SendGuard($c['policy'], $c['secret'])) === $c['error'];
        }
        // Each step on a guard restored from the previous snapshot, beside one kept live.
        $live = new C\SendGuard($c['policy'], $c['secret']);
        $stored = $live->snapshot();
        foreach ($c['steps'] as $n => $step) {
            $restored = C\SendGuard::restore($stored, $c['policy'], $c['secret']);
            foreach ([$live, $restored] as $guard) {
                $got = null;
                $err = error_of(function () use ($guard, $step, $c, &$got) { $got = $guard->admit($step['action'], $step['at'], $c['country']); });
                if ($err !== ($step['error'] ?? null) || ($err === null && $got != $step['denied'])) {
                    fwrite(STDERR, "  step $n: " . json_encode($got) . " $err\n");
                    return false;
                }
            }
            $stored = $restored->snapshot();
            if ($stored !== $live->snapshot()) {
                return false;
            }
        }
        return true;
    });
}
foreach (glob("$vectors/flow/*.json") ?: [] as $path) {
    check('flow ' . basename($path), function () use ($path) {
        $v = json_decode((string) file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
        if (isset($v['error'])) {
            // The flow cannot be created (a bad policy, say): nothing to replay.
            return $v['steps'] === [] && error_of(fn () => new C\Flow($v['order'], $v['action'], $v['policy'], $v['secret'], $v['nonce'])) === $v['error'];
        }
        $flow = new C\Flow($v['order'], $v['action'], $v['policy'], $v['secret'], $v['nonce']);
        foreach ($v['steps'] as $n => $step) {
            $actions = null;
            $err = error_of(function () use ($flow, $step, &$actions) { $actions = $flow->handle($step['event']); });
            if ($err !== ($step['error'] ?? null) || ($err === null && $actions != $step['actions'])
                || $flow->state() !== $step['state'] || $flow->nextDeadline() !== $step['next_deadline']) {
                fwrite(STDERR, "  step $n: " . json_encode($actions, JSON_UNESCAPED_UNICODE) . " $err\n");
                return false;
            }
        }
        return true;
    });
}

// The errors table of docs/contract.md: each status throws the exception its PHP column names
// (the table itself is checked against the C declaration by ffi/src/status.rs's tests).
foreach (file(dirname(__DIR__, 2) . '/docs/contract.md') as $line) {
    if (!preg_match('/^\| `([a-z_0-9]+)` \|.*\| `CG_[A-Z_0-9]+` (\d+) \| `([A-Za-z]+)` \|$/', rtrim($line), $m)) {
        continue;
    }
    [, $code, $number, $class] = $m;
    check("contract table: $code -> $class", function () use ($code, $number, $class) {
        try {
            C\Lib::check((int) $number);
        } catch (C\CodguardException $e) {
            return get_class($e) === "Codguard\\$class" && $e->getStatusName() === $code;
        }
        return false;
    });
    $contract_rows = ($contract_rows ?? 0) + 1;
}
check('contract table has every error row', fn () => ($contract_rows ?? 0) === 24);

echo "$passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
