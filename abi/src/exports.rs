//! The exported functions and the instance's state: receivers by handle, the input buffer the
//! glue writes into, the payload's room and the answer buffer.

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use hookline::dedupe::dedupe_entry;
use hookline::scheme::{standard, MacHost, Scheme, HMAC_SHA256_LEN};
use hookline::verify::{SchemeVerifier, Target, Verified, Verifier};
use hookline::Signer;
use hookline::{Error, KeyInput};

use hookline::input::{self as convert, JsError, Reader, Result, Value};

use crate::out::{self, Out};

/// A receiver the glue holds by handle.
enum Receiver {
    /// `new Webhook(secret, options)`: Standard Webhooks, one key; it signs too.
    Webhook {
        verifier: SchemeVerifier,
        signer: Option<Signer>,
    },
    /// `new Verifier(options)`, or the one-call receivers' verifier for one call.
    Verifier {
        inner: Verifier,
        labels: Vec<String>,
        /// `jsonParse: false`: results carry no parsed payload.
        raw: bool,
        /// The one-call receivers' time to judge at (`options.now` or the clock).
        now: i64,
        /// verifyRequest's store: the claim function's slot and the retention in seconds.
        dedupe: Option<(u32, u64)>,
        /// `url` and `method` of the options (verifyRequest: else the Request's own), for the
        /// schemes that sign them; a `Verifier.verify` call's own options come first.
        url: Option<String>,
        method: Option<String>,
    },
}

struct State {
    /// The call's values in the input's first `input_len` bytes (a verification's body among
    /// them). It only grows (up to KEEP_BYTES): bytes past what a call uses are stale, never read,
    /// and never zeroed again.
    input: Vec<u8>,
    input_len: usize,
    out: Out,
    receivers: Vec<Option<Receiver>>,
}

/// The instance's one state. wasm32 here has one thread and no JS runs during a call (nothing
/// re-enters), so a RefCell is enough; a borrow conflict would be a bug in this file (a trap).
struct Global(RefCell<State>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has exactly one thread.
unsafe impl Sync for Global {}

static STATE: Global = Global(RefCell::new(State {
    input: Vec::new(),
    input_len: 0,
    out: Out { bytes: Vec::new() },
    receivers: Vec::new(),
}));

/// Buffers larger than this are given back after the call that needed them.
const KEEP_BYTES: usize = 1 << 20;

/// The most `verifyRequest` reads of a body when the verifier sets no `maxPayloadBytes`: 25 MiB,
/// GitHub's largest webhook payload.
const DEFAULT_REQUEST_BODY_BYTES: usize = 25 * 1024 * 1024;

// Modes of `hl_begin`.
const MODE_WEBHOOK: u32 = 0;
const MODE_VERIFIER: u32 = 1;
/// `verify()`: the body parsed as JSON, nothing else.
const MODE_VERIFY: u32 = 2;
const MODE_VERIFY_WEBHOOK: u32 = 3;
const MODE_REQUEST: u32 = 4;

// Kinds of `hl_verifier`.
const VERIFIER_NEW: u32 = 0;
/// verify() and verifyWebhook(): `now` read from the options (or the clock) at creation.
const VERIFIER_ONE_CALL: u32 = 1;
const VERIFIER_REQUEST: u32 = 2;

#[link(wasm_import_module = "hookline")]
extern "C" {
    /// The platform's HMAC-SHA256 (node:crypto) of `prefix ++ body` under `key` into `out`
    /// (32 bytes): 1 when it did, 0 to leave it to wasm. Given by the package's own loaders.
    fn host_hmac(
        key: *const u8,
        key_len: usize,
        prefix: *const u8,
        prefix_len: usize,
        body: *const u8,
        body_len: usize,
        out: *mut u8,
    ) -> u32;
}

struct HostMac;

impl MacHost for HostMac {
    fn tag(&self, key: &[u8], parts: &[&[u8]]) -> Option<[u8; HMAC_SHA256_LEN]> {
        let (prefix, body) = hookline::scheme::host_mac_input(parts)?;
        let mut out = [0u8; HMAC_SHA256_LEN];
        // SAFETY: every pointer is to memory of the length given, alive for the call; the
        // import only reads the first three and writes 32 bytes to `out`.
        let done = unsafe {
            host_hmac(
                key.as_ptr(),
                key.len(),
                prefix.as_ptr(),
                prefix.len(),
                body.as_ptr(),
                body.len(),
                out.as_mut_ptr(),
            )
        };
        (done == 1).then_some(out)
    }
}

static HOST_MAC: HostMac = HostMac;

/// Room for `len` bytes of input; the glue writes a call's values there (what it wrote before
/// stays when the room grows). Null when the memory cannot grow that far (the glue refuses the
/// call): a failed allocation must not trap, which would leave the state borrowed for good.
#[no_mangle]
pub extern "C" fn hl_buf(len: usize) -> *mut u8 {
    let mut s = STATE.0.borrow_mut();
    if grow(&mut s.input, len).is_none() {
        s.input_len = 0;
        return core::ptr::null_mut();
    }
    s.input_len = len;
    s.input.as_mut_ptr()
}

/// Where the last call's answer is.
#[no_mangle]
pub extern "C" fn hl_out() -> *const u8 {
    STATE.0.borrow().out.bytes.as_ptr()
}

/// At least `len` bytes of room in `v`, zero-filled only where it grows: zeroing a payload's
/// room on every call cost a tenth of a 4 KiB verification.
fn grow(v: &mut Vec<u8>, len: usize) -> Option<()> {
    if v.len() < len {
        v.try_reserve_exact(len.saturating_sub(v.len())).ok()?;
        v.resize(len, 0);
    }
    Some(())
}

/// Runs `f` over the input, writes its answer (or its error) and returns the answer's length.
fn call(f: impl FnOnce(&mut State, &[u8]) -> Result<()>) -> usize {
    let mut guard = STATE.0.borrow_mut();
    let s = &mut *guard;
    let input = core::mem::take(&mut s.input);
    let len = s.input_len;
    if let Err(e) = f(s, input.get(..len).unwrap_or_default()) {
        s.out.error(&e);
    }
    s.input = input;
    if s.input.capacity() > KEEP_BYTES {
        s.input = Vec::new();
        s.input_len = 0;
    }
    s.out.bytes.len()
}

fn values(input: &[u8]) -> Result<Vec<Value<'_>>> {
    let mut r = Reader::new(input);
    let mut out = Vec::new();
    while let Some(v) = r.value() {
        out.push(v);
    }
    Ok(out)
}

fn arg<'v, 'a>(args: &'v [Value<'a>], i: usize) -> &'v Value<'a> {
    args.get(i).unwrap_or(&Value::Undefined)
}

fn store(s: &mut State, r: Receiver) -> u32 {
    let slot = match s.receivers.iter().position(Option::is_none) {
        Some(i) => i,
        None => {
            s.receivers.push(None);
            s.receivers.len().saturating_sub(1)
        }
    };
    if let Some(place) = s.receivers.get_mut(slot) {
        *place = Some(r);
    }
    slot.saturating_add(1) as u32
}

fn receiver(receivers: &[Option<Receiver>], handle: u32) -> Result<&Receiver> {
    receivers
        .get((handle as usize).wrapping_sub(1))
        .and_then(Option::as_ref)
        .ok_or_else(|| JsError::bad_argument("freed"))
}

/// `new Webhook(secret, options)`: input [secret, options]; answers its handle.
#[no_mangle]
pub extern "C" fn hl_webhook() -> usize {
    call(|s, input| {
        let args = values(input)?;
        let options = arg(&args, 1);
        let format = convert::get(options, "format")?.clone();
        let bag = Value::Object(alloc::vec![
            ("secret", arg(&args, 0).clone()),
            ("format", format)
        ]);
        let keys = convert::keys_from(&bag)?;
        let inputs: Vec<KeyInput> = keys.iter().map(|(k, _)| k.input()).collect();
        let mut verifier = SchemeVerifier::new(
            Scheme::StandardWebhooks,
            &inputs,
            convert::tolerance_from(options)?,
        )?;
        verifier.set_mac_host(&HOST_MAC);
        let limit = verifier.body_limit();
        let signer = Signer::new(Scheme::StandardWebhooks, &inputs)
            .ok()
            .map(|mut signer| {
                signer.set_mac_host(&HOST_MAC);
                signer
            });
        let handle = store(s, Receiver::Webhook { verifier, signer });
        s.out.start(true);
        s.out.number(out::HANDLE, f64::from(handle));
        s.out.text(out::NAMES, &standard_names());
        s.out.number(out::LIMIT, limit as f64);
        Ok(())
    })
}

/// The header names a Webhook reads: every built-in scheme's (detection is the core's).
fn standard_names() -> String {
    hookline::scheme::HEADER_NAMES.join("\0")
}

/// A Verifier: `kind` 0 `new Verifier(options)` (input [options]); 1 a one-call receiver's
/// (input [options, clock ms]); 2 verifyRequest's (input [options, clock ms, is a Request-like
/// object, its bodyUsed, its url, its method]). Answers its handle, the header names it reads, its description and,
/// for verifyRequest, how many body bytes to read at most.
#[no_mangle]
pub extern "C" fn hl_verifier(kind: u32) -> usize {
    call(|s, input| {
        let args = values(input)?;
        let options = arg(&args, 0);
        if kind == VERIFIER_REQUEST {
            if !arg(&args, 2).truthy() {
                return Err(not_a_request());
            }
            match arg(&args, 3) {
                Value::Threw(slot) => return Err(JsError::rethrow(*slot)),
                used if used.truthy() => {
                    return Err(Error::InvalidPayload {
                        reason: "body_used",
                    }
                    .into())
                }
                _ => {}
            }
        }
        if !matches!(options, Value::Object(_)) {
            return Err(JsError::bad_argument(if kind == VERIFIER_NEW {
                "verifier_options"
            } else {
                "options_required"
            }));
        }
        let keys = convert::keys_from(options)?;
        let inputs: Vec<KeyInput> = keys.iter().map(|(k, _)| k.input()).collect();
        let (scheme, custom) = convert::scheme_from(options)?;
        let mut inner = Verifier::new(scheme, custom, &inputs, convert::tolerance_from(options)?)?;
        inner.set_mac_host(&HOST_MAC);
        let raw = !convert::json_parse_from(options)?;
        let now = match kind {
            VERIFIER_NEW => 0,
            VERIFIER_ONE_CALL | VERIFIER_REQUEST => {
                convert::now_from(options, clock(arg(&args, 1)))?
            }
            _ => return Err(JsError::bad_argument("internal")),
        };
        let dedupe = if kind == VERIFIER_REQUEST {
            convert::dedupe_from(options)?
        } else {
            None
        };
        let mut target = convert::target_from(options)?;
        if kind == VERIFIER_REQUEST {
            // The Request's own URL and method unless the options say otherwise (a proxy).
            let own = convert::request_target(arg(&args, 4), arg(&args, 5));
            target.url = target.url.or(own.url);
            target.method = target.method.or(own.method);
        }
        let (url, method) = (
            target.url.map(String::from),
            target.method.map(String::from),
        );
        // A retention shorter than the tolerance would forget a delivery while a replay of it
        // still verifies (the core keeps timestamped entries longer anyway).
        if dedupe.is_some_and(|(_, retention)| retention < inner.max_tolerance_secs()) {
            return Err(JsError::bad_argument("retention_below_tolerance"));
        }
        // The most a body may be (verifyRequest reads no further); the glue copies no body past it.
        let limit = match (inner.max_payload_bytes(), kind) {
            (None, VERIFIER_REQUEST) => DEFAULT_REQUEST_BODY_BYTES,
            _ => inner.body_limit(),
        };
        let names = inner.header_names().join("\0");
        let description = inner.fixed_scheme().map_or("auto", Scheme::name);
        let count = keys.len();
        let handle = store(
            s,
            Receiver::Verifier {
                inner,
                labels: keys.into_iter().map(|(_, l)| l).collect(),
                raw,
                now,
                dedupe,
                url,
                method,
            },
        );
        s.out.start(true);
        s.out.number(out::HANDLE, f64::from(handle));
        s.out.text(out::NAMES, &names);
        s.out.text(out::DESCRIPTION, description);
        s.out.number(out::KEY_COUNT, count as f64);
        s.out.number(out::LIMIT, limit as f64);
        Ok(())
    })
}

fn not_a_request() -> JsError {
    JsError::bad_argument("not_a_request")
}

/// Unix seconds from the glue's clock reading (ms).
fn clock(ms: &Value<'_>) -> i64 {
    match ms {
        Value::Number(n) if n.is_finite() && n.abs() < 9.0e18 => convert::floor(n / 1000.0),
        _ => 0,
    }
}

#[no_mangle]
pub extern "C" fn hl_free(handle: u32) {
    let mut s = STATE.0.borrow_mut();
    if let Some(place) = s.receivers.get_mut((handle as usize).wrapping_sub(1)) {
        *place = None;
    }
}

/// A verification: input [headers, call options, clock ms, payload] in the first `len` bytes,
/// where the payload is the body inline (a string's UTF-8 or bytes), or only its size when the
/// glue knew it to be over the limit (never copied), a read failure (verifyRequest: 1 too large,
/// 2 not a request, 3 a stream of something else than bytes) or a value that is not a body. Answers the verdict: for the detailed modes
/// the scheme, key, id, timestamp and event type; what to make of the body; for verifyRequest
/// with a store, the dedupe entry, and what to answer a provider's endpoint verification.
#[no_mangle]
pub extern "C" fn hl_verify(handle: u32, mode: u32, len: usize) -> usize {
    if let Ok(mut s) = STATE.0.try_borrow_mut() {
        s.input_len = len.min(s.input.len());
    }
    call(|s, input| {
        let args = values(input)?;
        let (headers, options, payload) = (arg(&args, 0), arg(&args, 1), arg(&args, 3));
        let r = receiver(&s.receivers, handle)?;
        // The limit given (`maxPayloadBytes`), and the one applied (at most the core's ceiling).
        let (given, limit, json, now) = match (r, mode) {
            (Receiver::Webhook { verifier, .. }, MODE_WEBHOOK) => (
                verifier.max_payload_bytes(),
                verifier.body_limit(),
                convert::json_parse_from(options)?,
                clock(arg(&args, 2)),
            ),
            (
                Receiver::Verifier {
                    inner, raw, now, ..
                },
                m @ (MODE_VERIFIER | MODE_VERIFY | MODE_VERIFY_WEBHOOK | MODE_REQUEST),
            ) => {
                let now = if m == MODE_VERIFIER {
                    convert::now_from(options, clock(arg(&args, 2)))?
                } else {
                    *now
                };
                (inner.max_payload_bytes(), inner.body_limit(), !raw, now)
            }
            _ => return Err(JsError::bad_argument("internal")),
        };
        if mode == MODE_REQUEST {
            match payload {
                Value::Number(n) if *n == 1.0 => {
                    let limit = given.map_or(DEFAULT_REQUEST_BODY_BYTES, |_| limit);
                    return Err(Error::PayloadTooLarge {
                        size: limit.saturating_add(1),
                        limit,
                    }
                    .into());
                }
                Value::Number(n) if *n == 3.0 => {
                    return Err(Error::InvalidPayload {
                        reason: "body_not_bytes",
                    }
                    .into())
                }
                Value::Bytes(_) | Value::BytesSize(_) => {}
                _ => return Err(not_a_request()),
            }
        }
        if let Some(e) = convert::payload_refusal(payload) {
            return Err(e);
        }
        let body: &[u8] = match payload {
            Value::Str(text) => text.as_bytes(),
            Value::Bytes(bytes) => bytes,
            // Only the size: the glue saw it over the limit (a string's UTF-8 is at least as
            // long as its UTF-16 units), and this refuses it, before any byte was copied.
            Value::StrSize(n) | Value::BytesSize(n) => {
                let size = *n as usize;
                return Err(if size > limit {
                    Error::PayloadTooLarge { size, limit }.into()
                } else {
                    JsError::bad_argument("internal")
                });
            }
            _ => &[],
        };
        let target = if mode == MODE_VERIFIER {
            convert::target_from(options)?
        } else {
            Target::default()
        };
        let pending = Pending {
            mode,
            now,
            json,
            target,
        };
        end(s, handle, &pending, headers, body)
    })
}

/// What the verification was asked to do.
struct Pending<'a> {
    mode: u32,
    now: i64,
    /// Parse the body as JSON (`jsonParse`), for the modes that can leave it unparsed.
    json: bool,
    /// The call's own `url` and `method` (`Verifier.verify`'s options).
    target: Target<'a>,
}

fn headers_of<'a>(headers: &Value<'a>) -> Result<Vec<(&'a str, &'a str)>> {
    match headers {
        Value::Str(block) => {
            let mut parts = block.split('\0');
            let mut out = Vec::new();
            while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
                out.push((name, value));
            }
            Ok(out)
        }
        Value::Threw(slot) => Err(JsError::unreadable(
            "invalid_header",
            "headers_unreadable",
            Some(*slot),
        )),
        _ => Err(JsError::type_error("invalid_header", "headers_type")),
    }
}

fn end(
    s: &mut State,
    handle: u32,
    p: &Pending<'_>,
    headers: &Value<'_>,
    body: &[u8],
) -> Result<()> {
    let headers = headers_of(headers)?;
    let State {
        receivers, out: o, ..
    } = s;
    let r = receiver(receivers, handle)?;
    let (verified, target) = match r {
        Receiver::Webhook { verifier, .. } => (
            verifier.verify(headers.as_slice(), body, p.now)?,
            Target::default(),
        ),
        Receiver::Verifier {
            inner, url, method, ..
        } => {
            let target = Target {
                url: p.target.url.or(url.as_deref()),
                method: p.target.method.or(method.as_deref()),
            };
            (
                inner.verify_at(headers.as_slice(), body, p.now, target)?,
                target,
            )
        }
    };
    let mut claim = None;
    if let (
        Receiver::Verifier {
            inner,
            dedupe: Some((slot, retention)),
            ..
        },
        MODE_REQUEST,
    ) = (r, p.mode)
    {
        let tolerance = inner.tolerance_secs(verified.scheme).unwrap_or(0);
        let key_id = inner.key_id(&verified).unwrap_or_default();
        claim = Some((
            *slot,
            dedupe_entry(
                &verified, key_id, body, target, tolerance, *retention, p.now,
            ),
        ));
    }
    let detailed = !matches!(p.mode, MODE_WEBHOOK | MODE_VERIFY);
    let labels = match r {
        Receiver::Verifier { labels, .. } => labels.as_slice(),
        Receiver::Webhook { .. } => &[],
    };
    let body_mode = match (p.json, detailed) {
        (false, _) => out::BODY_NONE,
        (true, false) => out::BODY_JSON,
        (true, true) => out::BODY_VALUE,
    };
    o.start(true);
    o.number(out::BODY, body_mode);
    if detailed {
        write_verified(o, &verified, labels);
    }
    if let Some((slot, entry)) = claim {
        o.text(out::DEDUPE_KEY, &entry.key);
        o.number(out::DEDUPE_LEASE, entry.lease_until_ms as f64);
        o.number(out::DEDUPE_EXPIRES, entry.until_ms as f64);
        o.number(out::CAUSE, f64::from(slot));
    }
    if let (Receiver::Verifier { inner, .. }, MODE_REQUEST) = (r, p.mode) {
        if let Some(answer) = inner.handshake(&verified, body, p.json) {
            o.text(out::HANDSHAKE, &answer);
        }
    }
    Ok(())
}

fn write_verified(o: &mut Out, v: &Verified, labels: &[String]) {
    o.text(out::SCHEME, v.scheme.name());
    o.number(out::KEY_INDEX, v.key_index as f64);
    o.text(
        out::KEY_ID,
        labels.get(v.key_index).map_or("", String::as_str),
    );
    if let Some(id) = &v.id {
        o.text(out::ID, id);
    }
    if let Some(ts) = v.timestamp {
        o.number(out::TIMESTAMP, ts as f64);
    }
    if let Some(t) = &v.event_type {
        o.text(out::EVENT_TYPE, t);
    }
}

/// The dedupe store's answer to verifyRequest's claim: input [how (0 resolved, 1 threw,
/// 2 rejected), the value or the slot of what was thrown, the key claimed]. Done when the
/// delivery is now claimed.
#[no_mangle]
pub extern "C" fn hl_claimed() -> usize {
    call(|s, input| {
        let args = values(input)?;
        let key = match arg(&args, 2) {
            Value::Str(key) => key,
            _ => "",
        };
        convert::claim_answer(arg(&args, 0), arg(&args, 1), key)?;
        s.out.start(true);
        Ok(())
    })
}

/// `Webhook.sign(msgId, timestamp, payload)`: input [msgId, timestamp, payload (string or
/// bytes, inline)]; answers the `webhook-signature` value.
#[no_mangle]
pub extern "C" fn hl_sign(handle: u32) -> usize {
    call(|s, input| {
        let args = values(input)?;
        let Receiver::Webhook { signer, .. } = receiver(&s.receivers, handle)? else {
            return Err(JsError::bad_argument("internal"));
        };
        let signer = signer.as_ref().ok_or_else(|| {
            JsError::from(Error::InvalidSecret {
                reason: "whpk_cannot_sign",
            })
        })?;
        let id = convert::string_arg(arg(&args, 0), "msgId")?;
        let ts = convert::seconds_from(arg(&args, 1), "timestamp")?;
        let payload = arg(&args, 2);
        if let Some(e) = convert::payload_refusal(payload) {
            return Err(e);
        }
        let body = match payload {
            Value::Str(t) => t.as_bytes(),
            Value::Bytes(b) => b,
            _ => &[],
        };
        let headers = signer.sign(id, ts, body)?;
        let signature = headers
            .into_iter()
            .find(|(k, _)| k == standard::HEADER_SIGNATURE)
            .map(|(_, v)| v)
            .unwrap_or_default();
        s.out.start(true);
        s.out.text(out::SIGNATURE, &signature);
        Ok(())
    })
}
