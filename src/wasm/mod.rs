//! The sender's JavaScript binding (wasm-bindgen): signing, envelopes, matching, retry, the SSRF
//! guard, endpoint health and the delivery state machine. The receiver is not here: every entry's
//! `Webhook`, `Verifier` and `verify*` run on the raw-ABI build of `abi/` (the one receiver
//! binding, `pkg-template/lib/receiver.js`), and this build is loaded only when a sender API is
//! first used.
//!
//! Files by concept: this one the shared conversions and errors, key pairs and secrets;
//! `sign.rs` signing; `sender.rs` envelopes, matching, retry and the SSRF guard; `health.rs`
//! endpoint health; `delivery.rs` the delivery state machine; `operations.rs` readiness and trace
//! context; `support.rs` the delivery log's filters, cancel, recover and tenant tokens; `edge.js`
//! the JS half.
//!
//! Nothing here decides anything about webhooks; it converts, reads the clock and the random source
//! that the core may not touch, and throws typed errors. Keys, schemes and payloads are read the
//! receiver's way: the glue encodes the caller's values (`pkg-template/lib/encode.js`) and
//! [`crate::input`] converts them, the one converter of both bindings.

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;
use crate::input::{JsError, Reader, Value};
use crate::scheme::{MacHost, HMAC_SHA256_LEN};
use crate::secret::{Secret, SigningKey, GENERATED_SECRET_LEN};
use crate::sign::Signer;

mod delivery;
mod health;
mod operations;
mod sender;
mod sign;
#[cfg(feature = "sender")]
mod support;
mod throttle;
mod types;

pub(crate) use sign::signer_from;

#[wasm_bindgen(module = "/src/wasm/edge.js")]
extern "C" {
    /// A `WebhookVerificationError` made on the sender's path, as a `SenderError`.
    #[wasm_bindgen(js_name = asSenderError)]
    pub(crate) fn as_sender_error(err: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(kind: u32, code: &str, message: &str, hint: Option<String>) -> JsValue;
    /// An error the core described: its message and hint come from the one JS table.
    #[wasm_bindgen(js_name = describedError)]
    fn described_error(
        kind: u32,
        code: &str,
        reason: &str,
        t1: &str,
        t2: &str,
        n1: Option<f64>,
        n2: Option<f64>,
    ) -> JsValue;
    #[wasm_bindgen(js_name = describedMessage)]
    fn described_message(
        code: &str,
        reason: &str,
        t1: &str,
        t2: &str,
        n1: Option<f64>,
        n2: Option<f64>,
    ) -> String;
    /// What the glue kept of the last encoding: a value the caller's getter threw, by slot.
    #[wasm_bindgen(js_name = encodedSlot)]
    fn encoded_slot(slot: u32) -> JsValue;
    /// A signer's options (keys, scheme, custom layout), encoded as `crate::input` reads them.
    #[wasm_bindgen(js_name = encodeOptions)]
    fn encode_options(options: &JsValue) -> Vec<u8>;
    /// One value encoded as a payload (`kind` 1) or a time (`kind` 0).
    #[wasm_bindgen(js_name = encodeValue)]
    fn encode_value(value: &JsValue, kind: u32) -> Vec<u8>;
    #[wasm_bindgen(js_name = bytesView)]
    fn bytes_view(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = stringLength)]
    fn string_length(text: &JsValue) -> u32;
    #[wasm_bindgen(js_name = encodeInto)]
    fn encode_into(text: &JsValue, out: &mut [u8]) -> i32;
    #[wasm_bindgen(js_name = hostHmac)]
    fn host_hmac(key: &[u8], prefix: &[u8], body: &[u8], out: &mut [u8]) -> bool;
    #[wasm_bindgen(js_name = headersObject)]
    #[allow(clippy::too_many_arguments)]
    fn headers_object(
        count: u32,
        n0: &JsValue,
        v0: &JsValue,
        n1: &JsValue,
        v1: &JsValue,
        n2: &JsValue,
        v2: &JsValue,
        n3: &JsValue,
        v3: &JsValue,
    ) -> JsValue;
}

/// The platform's HMAC-SHA256 where the loader provided one at instantiation (node:crypto in
/// Node, Bun and Deno), for large bodies only. A receiver (`abi/`) has its own, the same way.
struct HostMac;

impl MacHost for HostMac {
    fn tag(&self, key: &[u8], parts: &[&[u8]]) -> Option<[u8; HMAC_SHA256_LEN]> {
        let (prefix, body) = crate::scheme::host_mac_input(parts)?;
        let mut out = [0u8; HMAC_SHA256_LEN];
        host_hmac(key, &prefix, body, &mut out).then_some(out)
    }
}

static HOST_MAC: HostMac = HostMac;

/// A signer that takes its large-body tags from the host (every signer the binding makes).
fn host_signer(mut signer: Signer) -> Signer {
    signer.set_mac_host(&HOST_MAC);
    signer
}

const KIND_SENDER: u32 = 3;

/// A described error as JS: its class (`kind`), code, reason and parameters.
fn described(kind: u32, e: &JsError) -> JsValue {
    let d = e.described();
    let [n1, n2] = d.numbers.map(|n| n.map(|n| n as f64));
    described_error(kind, d.code, d.reason, d.texts[0], d.texts[1], n1, n2)
}

/// Core error to `SenderError`: what the sender's exports throw, whatever the error.
pub(crate) fn sender_error(err: &Error) -> JsValue {
    described(KIND_SENDER, &JsError::from(err.clone()))
}

/// The message of a core error, as the JS table writes it (for results that list errors).
pub(crate) fn error_message(err: &Error) -> String {
    let d = err.describe();
    let [n1, n2] = d.numbers.map(|n| n.map(|n| n as f64));
    described_message(d.code, d.reason, d.texts[0], d.texts[1], n1, n2)
}

/// A refusal of the converter (or a core error) as the JS error the receiver would throw: its
/// class, code, message and hint (from the one table), the caller's error as its cause, or the
/// caller's own error rethrown unchanged.
fn js_error(e: JsError) -> JsValue {
    if let Some(slot) = e.rethrow {
        return encoded_slot(slot);
    }
    let err = described(e.kind as u32, &e);
    if let Some(slot) = e.cause {
        let _ = Reflect::set(&err, &"cause".into(), &encoded_slot(slot));
    }
    err
}

fn js_err(err: Error) -> JsValue {
    js_error(err.into())
}

/// A `TypeError` with a `code`, for a value of the wrong JS type (the message as written).
pub(crate) fn type_error(code: &'static str, message: &str) -> JsValue {
    make_error(2, code, message, None)
}

pub(crate) fn bad_argument(message: &str) -> JsValue {
    type_error("invalid_argument", message)
}

/// A `SenderError` with code `invalid_argument`: a sender's value of the right JS type that is
/// out of range or malformed (a TypeError is kept for values of the wrong type).
pub(crate) fn bad_value(message: &str) -> JsValue {
    make_error(KIND_SENDER, "invalid_argument", message, None)
}

/// A `SenderError` with code `invalid_policy`: a retry policy of the wrong shape.
pub(crate) fn bad_policy(message: &str) -> JsValue {
    make_error(KIND_SENDER, "invalid_policy", message, None)
}

/// The value the glue encoded, as the converter reads it.
fn decoded(bytes: &[u8]) -> Value<'_> {
    Reader::new(bytes).value().unwrap_or(Value::Undefined)
}

/// The raw body as bytes: a string's UTF-8 or the bytes of a Uint8Array, ArrayBuffer or view
/// (copied as they are); anything else is refused by the converter, as a receiver refuses it.
pub(crate) fn payload_bytes(payload: &JsValue) -> Result<Vec<u8>, JsValue> {
    if payload.is_string() {
        return Ok(string_bytes(payload));
    }
    if payload.is_object() {
        // The glue looks at the value (a Proxy, a detached buffer and a throwing trap are told
        // apart there) and hands back a genuine view over attached memory, or why not.
        if let Some(bytes) = bytes_view(payload).dyn_ref::<Uint8Array>() {
            return Ok(bytes.to_vec());
        }
    }
    let encoded = encode_value(payload, 1);
    let refusal = crate::input::payload_refusal(&decoded(&encoded)).unwrap_or_else(|| {
        JsError::from(Error::InvalidPayload {
            reason: "payload_unreadable",
        })
    });
    Err(js_error(refusal))
}

/// Unix seconds from a `Date` or a number of seconds, judged by the converter.
pub(crate) fn seconds_of(value: &JsValue, what: &'static str) -> Result<i64, JsValue> {
    let encoded;
    let v = match value.as_f64() {
        Some(n) => Value::Number(n),
        None => {
            encoded = encode_value(value, 0);
            decoded(&encoded)
        }
    };
    crate::input::seconds_from(&v, what).map_err(js_error)
}

/// The clock, in unix seconds.
pub(crate) fn clock_seconds() -> i64 {
    crate::input::floor(js_sys::Date::now() / 1000.0)
}

/// A JS string for one of the crate's own literal names (property keys, scheme names), made once
/// and found again by the literal's address: no hashing of the text, and strings that are not
/// literals (bodies, ids, headers) never pass through a cache.
fn with_name<R>(name: &'static str, f: impl FnOnce(&JsValue) -> R) -> R {
    thread_local! {
        static NAMES: std::cell::RefCell<Vec<(usize, usize, JsValue)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let (addr, len) = (name.as_ptr() as usize, name.len());
    // NOTE: the cache is never borrowed while `f` runs: `f` calls into JS (a getter, a setter),
    // which may call back into this instance (a re-entrant getter) or throw.
    let cached = NAMES.with(|names| {
        names
            .borrow()
            .iter()
            .find(|(a, l, _)| *a == addr && *l == len)
            .map(|(_, _, value)| value.clone())
    });
    let value = cached.unwrap_or_else(|| {
        let value = JsValue::from_str(name);
        NAMES.with(|names| names.borrow_mut().push((addr, len, value.clone())));
        value
    });
    f(&value)
}

/// `with_name`'s string itself, for a call that takes several names at once.
pub(crate) fn name_value(name: &'static str) -> JsValue {
    with_name(name, JsValue::clone)
}

/// A JS string for a header name a signer writes. Schemes use a handful of names, so the first
/// 32 seen are kept (by text) and the same JS string is handed out again; others are made anew.
fn header_name(name: &str) -> JsValue {
    const KEPT: usize = 32;
    thread_local! {
        static HEADER_NAMES: std::cell::RefCell<Vec<(String, JsValue)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    HEADER_NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some((_, value)) = names.iter().find(|(n, _)| n == name) {
            return value.clone();
        }
        let value = JsValue::from_str(name);
        if names.len() < KEPT {
            names.push((name.to_owned(), value.clone()));
        }
        value
    })
}

pub(crate) fn get(options: &JsValue, key: &'static str) -> Result<JsValue, JsValue> {
    // An object first: each check is a call into JS, and this runs for every option read.
    if options.is_object() {
        return with_name(key, |k| Reflect::get(options, k));
    }
    if options.is_null_or_undefined() {
        return Ok(JsValue::UNDEFINED);
    }
    Err(bad_argument("options must be an object"))
}

/// A JS string's UTF-8 bytes (lone surrogates become U+FFFD, as everywhere in the binding).
pub(crate) fn string_bytes(text: &JsValue) -> Vec<u8> {
    let units = string_length(text) as usize;
    // One byte per UTF-16 unit fits ASCII; otherwise three per unit always suffices.
    for capacity in [units, units.saturating_mul(3)] {
        let mut out = vec![0u8; capacity];
        if let Ok(written) = usize::try_from(encode_into(text, &mut out)) {
            out.truncate(written);
            return out;
        }
    }
    // NOTE: unreachable (three bytes per unit is UTF-8's worst case), kept panic-free.
    text.as_string().unwrap_or_default().into_bytes()
}

fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut buf = [0u8; N];
    fill_random(&mut buf)?;
    Ok(buf)
}

fn fill_random(buf: &mut [u8]) -> Result<(), JsValue> {
    getrandom::getrandom(buf)
        .map_err(|_| described_error(1, "random_unavailable", "", "", "", None, None))
}

/// Random bytes for ids and jitter (never for keys): taken from a pool that one call to the
/// platform's source refills, since that call costs far more than the few bytes an id needs.
/// NOTE: key material never comes from here; `random_bytes` draws it fresh.
fn pooled_random<const N: usize>() -> Result<[u8; N], JsValue> {
    // One platform call per 8 KiB: its fixed cost, not the bytes, is what an id pays for.
    const POOL: usize = 8192;
    thread_local! {
        static POOL_STATE: std::cell::RefCell<(Box<[u8; POOL]>, usize)> =
            std::cell::RefCell::new((Box::new([0u8; POOL]), POOL));
    }
    POOL_STATE.with(|cell| {
        let mut state = cell.borrow_mut();
        let (pool, at) = &mut *state;
        let end = match at.checked_add(N) {
            Some(end) if end <= POOL => end,
            _ => {
                fill_random(pool.as_mut_slice())?;
                *at = 0;
                N
            }
        };
        let mut out = [0u8; N];
        let taken = pool
            .get(*at..end)
            .ok_or_else(|| bad_argument("the random pool is out of step"))?;
        out.copy_from_slice(taken);
        // Bytes handed out are wiped so the pool never holds a value twice.
        if let Some(used) = pool.get_mut(*at..end) {
            used.fill(0);
        }
        *at = end;
        Ok(out)
    })
}

pub(crate) fn set(target: &Object, key: &'static str, value: &JsValue) -> Result<(), JsValue> {
    // Property names cross into JS once, not on every object built (see with_name).
    with_name(key, |k| Reflect::set(target, k, value)).map(|_| ())
}

/// A new `whsec_` secret of 32 bytes from the platform's secure random source.
#[wasm_bindgen(js_name = generateSecret)]
pub fn generate_secret() -> Result<String, JsValue> {
    Ok(Secret::from_random(random_bytes::<GENERATED_SECRET_LEN>()?).expose_encoded())
}

/// A new Standard Webhooks ed25519 key pair: `secretKey` (`whsk_`, keep it on the sender) and
/// `publicKey` (`whpk_`, give it to receivers), plus the public key in hex (Discord's form).
#[wasm_bindgen(js_name = generateKeyPair)]
pub fn generate_key_pair() -> Result<types::KeyPair, JsValue> {
    key_pair_to_js(&SigningKey::from_seed(random_bytes::<32>()?))
}

/// The public key (`whpk_` and hex) of a `whsk_` secret key.
#[wasm_bindgen(js_name = publicKeyFromSecretKey)]
pub fn public_key_from_secret_key(
    secret_key: &types::StringInput,
) -> Result<types::KeyPair, JsValue> {
    let text = secret_key
        .as_string()
        .ok_or_else(|| bad_argument("secretKey must be a string"))?;
    key_pair_to_js(&SigningKey::parse_whsk(&text).map_err(js_err)?)
}

fn key_pair_to_js(key: &SigningKey) -> Result<types::KeyPair, JsValue> {
    let out = Object::new();
    set(&out, "secretKey", &key.expose_whsk().into())?;
    set(&out, "publicKey", &key.public_key().to_whpk().into())?;
    set(&out, "publicKeyHex", &key.public_key().to_hex().into())?;
    Ok(out.unchecked_into())
}
