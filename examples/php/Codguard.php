<?php
/**
 * Codguard: what a shop plugin (WooCommerce, PrestaShop, a custom PHP checkout) uses to call
 * libcodguard through PHP's FFI extension. Arrays in, arrays out (JSON underneath); every
 * error is a CodguardException subclass chosen by the status area, with the library's status
 * code as the exception code and its snake_case name in getStatusName().
 *
 *   $engine = new Codguard\Engine();              // or new Engine(['duplicate_window_secs' => 3600])
 *   $engine->addHistory($records);                // array of history arrays, or JSON Lines text
 *   $a = $engine->assess($order);                 // ['customer_class' => 'risky', 'action' => 'review', ...]
 *   $flow = new Codguard\Flow($order, $a['action'], null, $secret);
 *   $actions = $flow->handle(['type' => 'placed', 'at' => time()]);
 *
 * The library path comes from the CODGUARD_LIB environment variable, else the repository's
 * target/release/libcodguard.so. PHP needs ffi.enable (CLI: "preload" is enough).
 */

declare(strict_types=1);

namespace Codguard;

/** Any error of libcodguard. */
class CodguardException extends \RuntimeException
{
    private string $statusName;

    public function __construct(string $message, int $status, string $statusName)
    {
        parent::__construct($message, $status);
        $this->statusName = $statusName;
    }

    /** The status's snake_case name (`phone_too_short`), as in every binding. */
    public function getStatusName(): string
    {
        return $this->statusName;
    }
}

/** 1xx: the call itself was wrong (NULL, invalid UTF-8, malformed JSON, bad handle). */
class ArgumentException extends CodguardException {}
/** 104: an internal bug in the library, stopped at its boundary. */
class PanicException extends ArgumentException {}
/** 2xx: the input's content is not acceptable. */
class InvalidInputException extends CodguardException {}
/** 201-205 and 219: the phone (206 is retired). */
class InvalidPhoneException extends InvalidInputException {}
/** 208-209: the email. */
class InvalidEmailException extends InvalidInputException {}
/** 210, 212, 213: an order or history record. */
class InvalidRecordException extends InvalidInputException {}
/** 212: no order with that id is known. */
class UnknownOrderException extends InvalidRecordException {}
/** 213: an order with that id is already known. */
class DuplicateOrderException extends InvalidRecordException {}
/** 211: a policy or flow configuration. */
class InvalidConfigException extends InvalidInputException {}
/** 214: a flow event. */
class InvalidEventException extends InvalidInputException {}
/** 215-218: a confirmation link token. */
class InvalidTokenException extends InvalidInputException {}
/** 3xx: snapshot bytes. */
class SnapshotException extends CodguardException {}

/** The loaded library, shared by every object. */
final class Lib
{
    private static ?\FFI $ffi = null;

    public static function ffi(): \FFI
    {
        if (self::$ffi === null) {
            $root = dirname(__DIR__, 2);
            $lib = getenv('CODGUARD_LIB') ?: $root . '/target/release/libcodguard.so';
            $header = getenv('CODGUARD_HEADER') ?: $root . '/include/codguard.h';
            self::$ffi = \FFI::cdef(self::declarations((string) file_get_contents($header)), $lib);
            $version = self::$ffi->cg_version();
            if ((string) $version !== self::headerVersion((string) file_get_contents($header))) {
                throw new CodguardException('libcodguard and codguard.h differ in version', 0, 'version');
            }
        }
        return self::$ffi;
    }

    /** The header without what PHP's C parser does not take: comments, the preprocessor,
     *  the C++ guards. */
    private static function declarations(string $header): string
    {
        $header = preg_replace('~/\*.*?\*/~s', '', $header);
        $header = preg_replace('~//[^\n]*~', '', $header);
        $header = preg_replace('~#ifdef __cplusplus.*?#endif[^\n]*~s', '', $header);
        $header = preg_replace('~^\s*#[^\n]*$~m', '', $header);
        return $header;
    }

    private static function headerVersion(string $header): string
    {
        return preg_match('~#define CG_VERSION "([^"]*)"~', $header, $m) ? $m[1] : '';
    }

    /** Throws the exception of a failed status; the message is the thread's last error. */
    public static function check(int $status): void
    {
        if ($status === 0) {
            return;
        }
        $ffi = self::ffi();
        $n = $ffi->new('size_t');
        $buf = $ffi->new('char[1024]');
        $ffi->cg_last_error_message($buf, 1024, \FFI::addr($n));
        $message = \FFI::string($buf);
        $name = (string) $ffi->cg_status_name($status);
        $class = match (true) {
            $status === 104 => PanicException::class,
            $status >= 100 && $status < 200 => ArgumentException::class,
            ($status >= 201 && $status <= 205) || $status === 219 => InvalidPhoneException::class,
            $status === 208 || $status === 209 => InvalidEmailException::class,
            $status === 212 => UnknownOrderException::class,
            $status === 213 => DuplicateOrderException::class,
            $status === 210 => InvalidRecordException::class,
            $status === 211 => InvalidConfigException::class,
            $status === 214 => InvalidEventException::class,
            $status >= 215 && $status <= 218 => InvalidTokenException::class,
            $status >= 200 && $status < 300 => InvalidInputException::class,
            $status >= 300 && $status < 400 => SnapshotException::class,
            default => CodguardException::class,
        };
        throw new $class($message, $status, $name);
    }

    /** Calls `$fn(...$args, &out_str, &out_len)` and returns the owned string, freed. */
    public static function callString(string $fn, array $args): ?string
    {
        $ffi = self::ffi();
        $out = $ffi->new('char*');
        $len = $ffi->new('size_t');
        self::check($ffi->$fn(...[...$args, \FFI::addr($out), \FFI::addr($len)]));
        if (\FFI::isNull($out)) {
            return null;
        }
        try {
            return \FFI::string($out, $len->cdata);
        } finally {
            $ffi->cg_string_free($out);
        }
    }

    /** Like callString for functions answering JSON; decoded to arrays. */
    public static function callJson(string $fn, array $args): mixed
    {
        return json_decode((string) self::callString($fn, $args), true, 512, JSON_THROW_ON_ERROR);
    }

    /** A PHP string as a C byte buffer (for `const uint8_t *` parameters). */
    public static function bytes(string $s): \FFI\CData
    {
        $buf = self::ffi()->new('uint8_t[' . max(1, strlen($s)) . ']');
        \FFI::memcpy($buf, $s, strlen($s));
        return $buf;
    }

    /**
     * `$value` as JSON text (a string is taken as JSON already). Text that is not UTF-8 is the
     * library's own error, as over C: ArgumentException with status 101 (`invalid_utf8`).
     */
    public static function json(mixed $value): string
    {
        if (is_string($value)) {
            return $value;
        }
        return self::encode($value);
    }

    /** `$value` written as JSON (a string too: as a JSON string). */
    public static function encode(mixed $value): string
    {
        try {
            return json_encode($value, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION);
        } catch (\JsonException $e) {
            if ($e->getCode() === JSON_ERROR_UTF8 || $e->getCode() === JSON_ERROR_UTF16) {
                throw new ArgumentException('a text is not valid UTF-8', 101, 'invalid_utf8');
            }
            throw new ArgumentException('the value cannot be written as JSON: ' . $e->getMessage(), 102, 'invalid_json');
        }
    }
}

/** The library's version. */
function version(): string
{
    return (string) Lib::ffi()->cg_version();
}

/** E.164 phone (`+212612345678`); throws InvalidPhoneException. */
function normalize_phone(string $raw, string $country): string
{
    return (string) Lib::callString('cg_normalize_phone', [$raw, strlen($raw), $country, strlen($country)]);
}

/** E.164 phone, or null when invalid or junk (the contract's Python-style helper). */
function try_normalize_phone(string $raw, string $country): ?string
{
    try {
        return normalize_phone($raw, $country);
    } catch (InvalidPhoneException) {
        return null;
    }
}

/** ['e164' => ..., 'country' => ..., 'number_type' => ..., 'looks_fake' => bool, 'junk' => bool]. */
function parse_phone(string $raw, string $country): array
{
    return Lib::callJson('cg_parse_phone', [$raw, strlen($raw), $country, strlen($country)]);
}

/** The normalized email address; throws InvalidEmailException. */
function normalize_email(string $raw): string
{
    return (string) Lib::callString('cg_normalize_email', [$raw, strlen($raw)]);
}

/** ['address' => ..., 'key' => ..., 'fake' => ?string, 'suggestion' => ?string]. */
function parse_email(string $raw): array
{
    return Lib::callJson('cg_parse_email', [$raw, strlen($raw)]);
}

/** The folded address text with abbreviations expanded. */
function normalize_address(string $raw, string $city = '', string $country = ''): string
{
    return (string) Lib::callString('cg_normalize_address', [$raw, strlen($raw), $city, strlen($city), $country, strlen($country)]);
}

/** The address taken apart (text, street, house_number, unit, district, district_numbers, landmark, city_name, nonsense). */
function parse_address(string $raw, string $city = '', string $country = ''): array
{
    return Lib::callJson('cg_parse_address', [$raw, strlen($raw), $city, strlen($city), $country, strlen($country)]);
}

/** The name for matching: ['tokens' => [...], 'keys' => [...], 'nonsense' => bool]. */
function parse_name(string $raw): array
{
    return Lib::callJson('cg_parse_name', [$raw, strlen($raw)]);
}

/** How alike two names are, 0 to 1, whatever their script and spelling (0.8+: the same person's). */
function name_similarity(string $a, string $b): float
{
    $ffi = Lib::ffi();
    $score = $ffi->new('double');
    Lib::check($ffi->cg_name_similarity($a, strlen($a), $b, strlen($b), \FFI::addr($score)));
    return (float) $score->cdata;
}

/**
 * What a customer's reply means: ['intent' => 'confirm'|'cancel'|'new_phone'|'unknown',
 * 'phone' => ?string]. $country (ISO 3166-1 alpha-2, or null) picks the words' meanings where
 * they differ by country and reads a national new number; an unknown code throws
 * InvalidInputException. Unclear text is 'unknown', never a guess.
 */
function reply_intent(string $text, ?string $country = null): array
{
    $country ??= '';
    return Lib::callJson('cg_reply_intent', [$text, strlen($text), $country, strlen($country)]);
}

/** The signed link token of an order, valid until $expiresAt (Unix seconds). */
function issue_token(string $secret, string $orderId, int $expiresAt): string
{
    return (string) Lib::callString('cg_issue_token', [Lib::bytes($secret), strlen($secret), $orderId, strlen($orderId), $expiresAt]);
}

/** Throws InvalidTokenException when the token does not hold for the order at $now. */
function verify_token(string $secret, string $token, string $orderId, int $now): void
{
    Lib::check(Lib::ffi()->cg_verify_token(Lib::bytes($secret), strlen($secret), $token, strlen($token), $orderId, strlen($orderId), $now));
}

/** A shop's history and policy. Reads may be shared; writes need exclusive use. */
final class Engine
{
    private \FFI\CData $handle;

    /** @param array|string|null $config the policy (array or JSON); null: the defaults */
    public function __construct(array|string|null $config = null)
    {
        $ffi = Lib::ffi();
        $out = $ffi->new('cg_engine*');
        $json = $config === null ? '' : Lib::json($config === [] ? new \stdClass() : $config);
        Lib::check($ffi->cg_engine_new($json, strlen($json), \FFI::addr($out)));
        $this->handle = $out;
    }

    /** An engine from save() bytes. */
    /**
     * An engine from save() bytes; with $key, bytes from save($key), loaded only when their
     * HMAC-SHA256 verifies under it (SnapshotException otherwise).
     */
    public static function load(string $bytes, ?string $key = null): Engine
    {
        $ffi = Lib::ffi();
        $out = $ffi->new('cg_engine*');
        if ($key === null) {
            Lib::check($ffi->cg_engine_load(Lib::bytes($bytes), strlen($bytes), \FFI::addr($out)));
        } else {
            Lib::check($ffi->cg_engine_load_sealed(Lib::bytes($bytes), strlen($bytes),
                Lib::bytes($key), strlen($key), \FFI::addr($out)));
        }
        $engine = (new \ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $engine->handle = $out;
        return $engine;
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            Lib::ffi()->cg_engine_free($this->handle);
        }
    }

    /**
     * Loads a fitted risk model (docs/risk.md): risk becomes the probability that the order
     * fails delivery, and reason zone_failure_rate names a zone whose deliveries fail often.
     * Pass the model file's JSON text (an array works when no object in it is empty); null
     * unloads it. A bad file throws with status invalid_config and keeps the model in force.
     */
    public function setRiskModel(array|string|null $model): void
    {
        $json = $model === null ? '' : Lib::json($model);
        Lib::check(Lib::ffi()->cg_engine_set_risk_model($this->handle, $json, strlen($json)));
    }

    /** @param array|string $records a list of history arrays, or JSON array / JSON Lines text */
    public function addHistory(array|string $records): int
    {
        $ffi = Lib::ffi();
        $json = Lib::json($records);
        $n = $ffi->new('size_t');
        Lib::check($ffi->cg_engine_add_history($this->handle, $json, strlen($json), \FFI::addr($n)));
        return $n->cdata;
    }

    public function addOrder(array|string $order): void
    {
        $json = Lib::json($order);
        Lib::check(Lib::ffi()->cg_engine_add_order($this->handle, $json, strlen($json)));
    }

    public function recordOutcome(string $orderId, string $outcome): void
    {
        Lib::check(Lib::ffi()->cg_engine_record_outcome($this->handle, $orderId, strlen($orderId), $outcome, strlen($outcome)));
    }

    public function recordNegotiated(string $orderId, bool $negotiated = true): void
    {
        Lib::check(Lib::ffi()->cg_engine_record_negotiated($this->handle, $orderId, strlen($orderId), $negotiated));
    }

    /** The assessment of the contract, as an array. */
    public function assess(array|string $order): array
    {
        $json = Lib::json($order);
        return Lib::callJson('cg_engine_assess', [$this->handle, $json, strlen($json)]);
    }

    /**
     * Assesses a new order and adds it as pending history, in one step: the answer of
     * assess(), then the history of addOrder(), with the order normalized once. Throws as
     * addOrder() (an id already held: status duplicate_order), and then adds nothing.
     */
    public function assessAndAdd(array|string $order): array
    {
        $json = Lib::json($order);
        return Lib::callJson('cg_engine_assess_and_add', [$this->handle, $json, strlen($json)]);
    }

    /**
     * One entry per order: an assessment, or ['order_id' => ..., 'error' => ['code' => ...,
     * 'message' => ...]]. Each order of an array is written to JSON on its own (sent as JSON
     * Lines), so that one PHP cannot write (a text that is not UTF-8: `invalid_utf8`) gets its
     * error in its place, as one the library refuses does, and the others are assessed.
     * A string is sent as it is (a JSON array or JSON Lines).
     */
    public function assessMany(array|string $orders): array
    {
        if (is_string($orders)) {
            return Lib::callJson('cg_engine_assess_many', [$this->handle, $orders, strlen($orders)]);
        }
        $lines = [];
        $unwritten = [];
        foreach (array_values($orders) as $i => $order) {
            try {
                $lines[] = Lib::encode($order);
            } catch (ArgumentException $e) {
                $unwritten[$i] = ['order_id' => self::orderIdOf($order),
                    'error' => ['code' => $e->getStatusName(), 'message' => 'order: ' . $e->getMessage()]];
            }
        }
        $jsonl = implode("\n", $lines);
        $assessed = Lib::callJson('cg_engine_assess_many', [$this->handle, $jsonl, strlen($jsonl)]);
        if ($unwritten === []) {
            return $assessed;
        }
        $answers = [];
        $next = 0;
        for ($i = 0, $n = count($orders); $i < $n; $i++) {
            $answers[] = $unwritten[$i] ?? $assessed[$next++];
        }
        return $answers;
    }

    /** The order's `order_id` when it is UTF-8 text, else '' (as the library says it). */
    private static function orderIdOf(mixed $order): string
    {
        $id = is_array($order) ? ($order['order_id'] ?? '') : '';
        return is_string($id) && preg_match('//u', $id) === 1 ? $id : '';
    }

    public function eraseByPhone(string $phone, string $country): int
    {
        $ffi = Lib::ffi();
        $n = $ffi->new('size_t');
        Lib::check($ffi->cg_engine_erase_by_phone($this->handle, $phone, strlen($phone), $country, strlen($country), \FFI::addr($n)));
        return $n->cdata;
    }

    public function eraseByEmail(string $email): int
    {
        $ffi = Lib::ffi();
        $n = $ffi->new('size_t');
        Lib::check($ffi->cg_engine_erase_by_email($this->handle, $email, strlen($email), \FFI::addr($n)));
        return $n->cdata;
    }

    public function count(): int
    {
        $ffi = Lib::ffi();
        $n = $ffi->new('size_t');
        Lib::check($ffi->cg_engine_len($this->handle, \FFI::addr($n)));
        return $n->cdata;
    }

    public function config(): array
    {
        return Lib::callJson('cg_engine_config', [$this->handle]);
    }

    /** Snapshot bytes of the whole engine, for load(). */
    /**
     * The engine as snapshot bytes; with $key (32 random bytes kept with the shop's secrets),
     * sealed with an HMAC-SHA256 under it, for snapshots kept where others could write.
     */
    public function save(?string $key = null): string
    {
        $ffi = Lib::ffi();
        $out = $ffi->new('uint8_t*');
        $len = $ffi->new('size_t');
        if ($key === null) {
            Lib::check($ffi->cg_engine_save($this->handle, \FFI::addr($out), \FFI::addr($len)));
        } else {
            Lib::check($ffi->cg_engine_save_sealed($this->handle, Lib::bytes($key), strlen($key),
                \FFI::addr($out), \FFI::addr($len)));
        }
        try {
            return \FFI::string($out, $len->cdata);
        } finally {
            $ffi->cg_bytes_free($out);
        }
    }
}

/** The confirmation flow of one order. Single-threaded. */
final class Flow
{
    private \FFI\CData $handle;
    private string $secret;

    /** $nonce: null (random bytes, what a shop wants) or 8 to 64 fixed bytes to replay a test. */
    public function __construct(array|string $order, string $action, array|string|null $policy, string $secret, ?string $nonce = null)
    {
        $ffi = Lib::ffi();
        $out = $ffi->new('cg_flow*');
        $o = Lib::json($order);
        $p = $policy === null ? '' : Lib::json($policy);
        // A null nonce: the library draws 16 random bytes (give fixed ones only to replay a test).
        $n = $nonce === null ? null : Lib::bytes($nonce);
        Lib::check($ffi->cg_flow_new($o, strlen($o), $action, strlen($action), $p, strlen($p), Lib::bytes($secret), strlen($secret), $n, $nonce === null ? 0 : strlen($nonce), \FFI::addr($out)));
        $this->handle = $out;
        $this->secret = $secret;
    }

    /** A flow from snapshot() JSON and the shop's secret. */
    public static function restore(string $snapshot, string $secret): Flow
    {
        $ffi = Lib::ffi();
        $out = $ffi->new('cg_flow*');
        Lib::check($ffi->cg_flow_restore($snapshot, strlen($snapshot), Lib::bytes($secret), strlen($secret), \FFI::addr($out)));
        $flow = (new \ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $flow->handle = $out;
        $flow->secret = $secret;
        return $flow;
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            Lib::ffi()->cg_flow_free($this->handle);
        }
    }

    /** Feeds one event; returns the actions to carry out, in order. */
    public function handle(array|string $event): array
    {
        $json = Lib::json($event);
        return Lib::callJson('cg_flow_handle', [$this->handle, $json, strlen($json)]);
    }

    public function state(): string
    {
        return (string) Lib::callString('cg_flow_state', [$this->handle]);
    }

    /** Unix seconds of the next tick to send, or null. */
    public function nextDeadline(): ?int
    {
        $ffi = Lib::ffi();
        $has = $ffi->new('bool');
        $at = $ffi->new('int64_t');
        Lib::check($ffi->cg_flow_next_deadline($this->handle, \FFI::addr($has), \FFI::addr($at)));
        return $has->cdata ? $at->cdata : null;
    }

    /** True when the link's page must ask for a delivery address. */
    public function needsAddress(): bool
    {
        $ffi = Lib::ffi();
        $needs = $ffi->new('bool');
        Lib::check($ffi->cg_flow_needs_address($this->handle, \FFI::addr($needs)));
        return (bool) $needs->cdata;
    }

    /** The flow's state as JSON text, to store between events. */
    public function snapshot(): string
    {
        return (string) Lib::callString('cg_flow_snapshot', [$this->handle]);
    }

    /** Throws InvalidTokenException unless the link token holds for this order at $now. */
    public function verifyLink(string $token, int $now): void
    {
        Lib::check(Lib::ffi()->cg_flow_verify_link($this->handle, $token, strlen($token), $now));
    }
}

/** The shop's send guard against SMS pumping. Single-threaded; store its snapshot between calls. */
final class SendGuard
{
    private \FFI\CData $handle;

    /** $policy: array, JSON string or null (the defaults); $secret seals the snapshots. */
    public function __construct(array|string|null $policy, string $secret)
    {
        $ffi = Lib::ffi();
        $out = $ffi->new('cg_send_guard*');
        $p = $policy === null ? '' : Lib::json($policy);
        Lib::check($ffi->cg_send_guard_new($p, strlen($p), Lib::bytes($secret), strlen($secret), \FFI::addr($out)));
        $this->handle = $out;
    }

    /** A guard from snapshot() JSON, the shop's current policy and its secret. */
    public static function restore(string $snapshot, array|string|null $policy, string $secret): SendGuard
    {
        $ffi = Lib::ffi();
        $out = $ffi->new('cg_send_guard*');
        $p = $policy === null ? '' : Lib::json($policy);
        Lib::check($ffi->cg_send_guard_restore($snapshot, strlen($snapshot), $p, strlen($p), Lib::bytes($secret), strlen($secret), \FFI::addr($out)));
        $guard = (new \ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $guard->handle = $out;
        return $guard;
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            Lib::ffi()->cg_send_guard_free($this->handle);
        }
    }

    /** Null: send the flow's send $action (it is counted). Else the send_denied event to feed the flow. */
    public function admit(array $action, int $at, string $country): ?array
    {
        $json = Lib::json($action);
        return Lib::callJson('cg_send_guard_admit', [$this->handle, $json, strlen($json), $country, strlen($country), $at]);
    }

    /** The counters, sealed under the secret (JSON text), to store between calls. */
    public function snapshot(): string
    {
        return (string) Lib::callString('cg_send_guard_snapshot', [$this->handle]);
    }
}
