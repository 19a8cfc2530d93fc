<?php
/**
 * The small harness the PHP tests share: check() runs one test and counts it, throws() says
 * whether a call raised the expected exception class and status.
 */

declare(strict_types=1);

$passed = 0;
$failed = 0;

function check(string $name, callable $test): void
{
    global $passed, $failed;
    try {
        $ok = $test();
    } catch (\Throwable $e) {
        $ok = false;
        fwrite(STDERR, "  $name: " . get_class($e) . ': ' . $e->getMessage() . "\n");
    }
    if ($ok === true) {
        $passed++;
    } else {
        $failed++;
        fwrite(STDERR, "FAIL $name\n");
    }
}

/** True when $fn throws $class with status $status. */
function throws(callable $fn, string $class, int $status): bool
{
    try {
        $fn();
    } catch (\Throwable $e) {
        if ($e instanceof $class && $e->getCode() === $status) {
            return true;
        }
        fwrite(STDERR, '  got ' . get_class($e) . ' ' . $e->getCode() . ': ' . $e->getMessage() . "\n");
        return false;
    }
    fwrite(STDERR, "  nothing thrown\n");
    return false;
}
