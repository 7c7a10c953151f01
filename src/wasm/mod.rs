//! The JavaScript binding: converts JS values to core types and core errors to JS errors.
//!
//! Files by concept: this one the receiver (`Webhook`, `Verifier`, `verify*`) and the shared
//! conversions; `sign.rs` signing; `sender.rs` envelopes, matching, retry and the SSRF guard;
//! `health.rs` endpoint health; `delivery.rs` the delivery state machine; `edge.js` the JS half.
//!
//! Nothing here decides anything about webhooks; it converts, reads the clock and the random source
//! that the core may not touch, and throws typed errors.

use std::borrow::Cow;

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;
use crate::headers::HeaderSource;
use crate::scheme::{CustomScheme, Encoding, Format, MacHost, Scheme, HMAC_SHA256_LEN};
#[cfg(feature = "sender")]
use crate::secret::{Secret, SigningKey, GENERATED_SECRET_LEN};
use crate::verify::{KeyInput, SchemeVerifier, Signer, Verified, Verifier, VerifyOptions};

#[cfg(feature = "sender")]
mod delivery;
#[cfg(feature = "sender")]
pub(crate) use sign::signer_from;
#[cfg(feature = "sender")]
mod health;
#[cfg(feature = "sender")]
mod sender;
#[cfg(feature = "sender")]
mod sign;
#[cfg(feature = "sender")]
mod throttle;
mod types;

#[wasm_bindgen(module = "/src/wasm/edge.js")]
extern "C" {
    /// A `WebhookVerificationError` made on the sender's path, as a `SenderError`.
    #[wasm_bindgen(js_name = asSenderError)]
    pub(crate) fn as_sender_error(err: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(kind: u32, code: &str, message: &str, hint: Option<String>) -> JsValue;
    #[wasm_bindgen(js_name = headerValue)]
    fn header_value(headers: &JsValue, name: &str) -> Option<String>;
    #[wasm_bindgen(js_name = verifiedObject)]
    #[allow(clippy::too_many_arguments)]
    fn verified_object(
        scheme: &JsValue,
        key_index: u32,
        key_id: &str,
        id: Option<String>,
        timestamp: Option<f64>,
        event_type: Option<String>,
        payload: &JsValue,
    ) -> JsValue;
    #[wasm_bindgen(js_name = headerBlock)]
    fn header_block(headers: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = takeReadFailure)]
    fn take_read_failure() -> JsValue;
    #[wasm_bindgen(js_name = headersKind)]
    fn headers_kind(headers: &JsValue) -> u32;
    #[wasm_bindgen(js_name = bytesView)]
    fn bytes_view(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = timeOf)]
    fn time_of(value: &JsValue) -> f64;
    #[wasm_bindgen(js_name = listItems)]
    fn list_items(value: &JsValue, max: u32) -> JsValue;
    #[wasm_bindgen(js_name = readBody)]
    fn read_body(request: &JsValue, limit: f64) -> js_sys::Promise;
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
/// Node, Bun and Deno), for large bodies only, signing and verifying. A receiver still compares the
/// tag itself, in constant time.
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

const KIND_VERIFICATION: u32 = 0;
const KIND_GENERAL: u32 = 1;
const KIND_TYPE: u32 = 2;
#[cfg(feature = "sender")]
const KIND_SENDER: u32 = 3;

#[cfg(feature = "sender")]
/// Core error to `SenderError`: what the sender's exports throw, whatever the error.
pub(crate) fn sender_error(err: &Error) -> JsValue {
    make_error(
        KIND_SENDER,
        err.code(),
        &err.to_string(),
        err.hint().map(str::to_owned),
    )
}

/// Core error to `WebhookVerificationError` (verdicts and receiver set-up) or `HooklineError`
/// (a bad argument; a dedupe store that failed, which says nothing about the webhook).
pub(crate) fn to_js(err: &Error) -> JsValue {
    let kind = match err {
        Error::InvalidArgument { .. } | Error::DedupeUnavailable { .. } => KIND_GENERAL,
        _ => KIND_VERIFICATION,
    };
    make_error(
        kind,
        err.code(),
        &err.to_string(),
        err.hint().map(str::to_owned),
    )
}

fn js_err(err: Error) -> JsValue {
    to_js(&err)
}

/// A `TypeError` with a `code`, for a value of the wrong JS type.
pub(crate) fn type_error(code: &str, message: &str) -> JsValue {
    make_error(KIND_TYPE, code, message, None)
}

fn bad_argument(message: &str) -> JsValue {
    type_error("invalid_argument", message)
}

#[cfg(feature = "sender")]
/// A `SenderError` with code `invalid_argument`: a sender's value of the right JS type that is
/// out of range or malformed (a TypeError is kept for values of the wrong type).
pub(crate) fn bad_value(message: &str) -> JsValue {
    make_error(KIND_SENDER, "invalid_argument", message, None)
}

/// Headers as the user holds them: `Headers`, `Map` or a plain object. A plain object or a Map is
/// read once, whole, on the first lookup (one call instead of one per name); a `Headers` is asked
/// by name, since its own `get` is already case-insensitive.
struct JsHeaders<'a> {
    headers: &'a JsValue,
    block: std::cell::OnceCell<Option<Vec<(String, String)>>>,
}

impl<'a> JsHeaders<'a> {
    fn new(headers: &'a JsValue) -> Self {
        JsHeaders {
            headers,
            block: std::cell::OnceCell::new(),
        }
    }
}

fn parse_block(block: &JsValue) -> Option<Vec<(String, String)>> {
    if !block.is_string() {
        return None;
    }
    let bytes = string_bytes(block);
    let text = std::str::from_utf8(&bytes).ok()?;
    let mut parts = text.split('\0');
    let mut out = Vec::new();
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        out.push((name.to_owned(), value.to_owned()));
    }
    Some(out)
}

impl HeaderSource for JsHeaders<'_> {
    fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        match self
            .block
            .get_or_init(|| parse_block(&header_block(self.headers)))
        {
            Some(entries) => entries.header(name),
            None => header_value(self.headers, name).map(Cow::Owned),
        }
    }
}

fn check_headers(headers: &JsValue) -> Result<JsHeaders<'_>, JsValue> {
    match headers_kind(headers) {
        0 => Ok(JsHeaders::new(headers)),
        2 => Err(unreadable("invalid_header", HEADERS_THREW)),
        _ => Err(type_error(
            "invalid_header",
            "headers must be a Headers, a Map or a plain object of header names to values",
        )),
    }
}

const HEADERS_THREW: &str = "the headers could not be read: reading them threw";

/// `err` with `cause` set, unless the cause is undefined.
fn with_cause(err: JsValue, cause: JsValue) -> JsValue {
    if !cause.is_undefined() {
        let _ = Reflect::set(&err, &"cause".into(), &cause);
    }
    err
}

/// A typed error for what the glue caught while it read a caller's value (the caught error as
/// its cause), if it caught anything since the last look.
fn caught(code: &str, message: &str) -> Option<JsValue> {
    let cause = take_read_failure();
    (!cause.is_undefined()).then(|| with_cause(type_error(code, message), cause))
}

/** A typed error for a value of the caller's that threw while the glue read it (its cause). */
fn unreadable(code: &str, message: &str) -> JsValue {
    caught(code, message).unwrap_or_else(|| type_error(code, message))
}

/// Verify over the caller's headers. A container that throws while it is read (a getter, a Proxy
/// trap, a Map whose iterator throws, a `get` that throws) is a typed `invalid_header` error with
/// the caller's error as its `cause`: the glue catches it where it is thrown, so nothing unwinds
/// through wasm, and it is reported whatever the verdict would have been.
fn with_headers<T>(
    headers: &JsValue,
    verify: impl FnOnce(&JsHeaders<'_>) -> Result<T, Error>,
) -> Result<T, JsValue> {
    // Nothing left over from a read no verification reported.
    let _ = take_read_failure();
    let h = check_headers(headers)?;
    let out = verify(&h);
    if let Some(err) = caught("invalid_header", HEADERS_THREW) {
        return Err(err);
    }
    out.map_err(js_err)
}

/// The payload's bytes, refused before they are copied into wasm memory when they are certainly
/// over `limit` (a string's UTF-8 is at least as long as its UTF-16 units; bytes have a length);
/// the core checks the exact size after. Strings are UTF-8 encoded; bytes are copied as they are.
fn payload_within(payload: &JsValue, limit: Option<usize>) -> Result<Vec<u8>, JsValue> {
    if payload.is_string() {
        let units = string_length(payload) as usize;
        if let Some(limit) = limit.filter(|l| units > *l) {
            return Err(js_err(Error::PayloadTooLarge { size: units, limit }));
        }
        return Ok(string_bytes(payload));
    }
    if payload.is_object() {
        // The glue looks at the value (a Proxy, a detached buffer and a throwing trap are told
        // apart there) and hands back a genuine view over attached memory, or why not.
        let view = bytes_view(payload);
        if let Some(bytes) = view.dyn_ref::<Uint8Array>() {
            let size = bytes.length() as usize;
            if let Some(limit) = limit.filter(|l| size > *l) {
                return Err(js_err(Error::PayloadTooLarge { size, limit }));
            }
            return Ok(bytes.to_vec());
        }
        match view.as_string().as_deref() {
            Some("detached") => {
                return Err(js_err(Error::InvalidPayload {
                    reason: "the payload's ArrayBuffer is detached (it was transferred)",
                }))
            }
            Some(_) => {
                return Err(unreadable(
                    "invalid_payload",
                    "the payload could not be read: reading it threw",
                ))
            }
            None => {}
        }
    }
    if payload.is_null_or_undefined() {
        return Err(js_err(Error::InvalidPayload {
            reason: "payload is required: pass the raw request body",
        }));
    }
    let hint = if payload.is_object() {
        "pass the raw request body (a string or bytes) exactly as received; a parsed JSON object \
         cannot be verified because re-serializing it changes the bytes (in Express use \
         express.raw({ type: 'application/json' }))"
    } else {
        "pass the raw request body as a string, Uint8Array or ArrayBuffer"
    };
    Err(make_error(
        KIND_VERIFICATION,
        "invalid_payload",
        "invalid payload: expected the raw body as a string, Uint8Array or ArrayBuffer",
        Some(hint.to_owned()),
    ))
}

/// The raw body as bytes, with no size limit (a sender's body; the envelope has its own).
pub(crate) fn payload_bytes(payload: &JsValue) -> Result<Vec<u8>, JsValue> {
    payload_within(payload, None)
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
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        // NOTE: f only makes JS calls that cannot re-enter this cache.
        if let Some((_, _, value)) = names.iter().find(|(a, l, _)| *a == addr && *l == len) {
            return f(value);
        }
        let value = JsValue::from_str(name);
        let out = f(&value);
        names.push((addr, len, value));
        out
    })
}

#[cfg(feature = "sender")]
/// `with_name`'s string itself, for a call that takes several names at once.
pub(crate) fn name_value(name: &'static str) -> JsValue {
    with_name(name, JsValue::clone)
}

#[cfg(feature = "sender")]
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

fn get(options: &JsValue, key: &'static str) -> Result<JsValue, JsValue> {
    // An object first: each check is a call into JS, and this runs for every option read.
    if options.is_object() {
        return with_name(key, |k| Reflect::get(options, k));
    }
    if options.is_null_or_undefined() {
        return Ok(JsValue::UNDEFINED);
    }
    Err(bad_argument("options must be an object"))
}

fn string_option(options: &JsValue, key: &'static str) -> Result<Option<String>, JsValue> {
    let v = get(options, key)?;
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| bad_argument(&format!("options.{key} must be a string")))
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

/// A key as given in JS, owned until the core has prepared it.
enum OwnedKey {
    Text(String),
    Bytes(Vec<u8>),
}

impl OwnedKey {
    fn input(&self) -> KeyInput<'_> {
        match self {
            OwnedKey::Text(t) => KeyInput::Text(t),
            OwnedKey::Bytes(b) => KeyInput::Bytes(b),
        }
    }
}

/// One key: a string or bytes, or `{ id, key }` to name it for rotation telemetry.
fn key_from_js(
    value: &JsValue,
    raw: bool,
    what: &str,
) -> Result<(OwnedKey, Option<String>), JsValue> {
    if let Some(text) = value.as_string() {
        if raw {
            // As the spec libraries do: a raw string secret is its UTF-16 code units as bytes.
            let bytes: Option<Vec<u8>> =
                text.encode_utf16().map(|u| u8::try_from(u).ok()).collect();
            let bytes = bytes.ok_or_else(|| {
                js_err(Error::InvalidSecret {
                    reason: "a raw string secret may only hold characters up to U+00FF",
                })
            })?;
            return Ok((OwnedKey::Bytes(bytes), None));
        }
        return Ok((OwnedKey::Text(text), None));
    }
    if value.is_object() {
        // Bytes are looked at by the glue (a Proxy or a detached buffer is told apart there).
        let view = bytes_view(value);
        if let Some(bytes) = view.dyn_ref::<Uint8Array>() {
            if bytes.length() as usize > crate::verify::MAX_KEY_BYTES {
                return Err(js_err(Error::InvalidSecret {
                    reason: "raw secret is longer than 1024 bytes",
                }));
            }
            return Ok((OwnedKey::Bytes(bytes.to_vec()), None));
        }
        if view.is_string() {
            return Err(unreadable(
                "invalid_secret",
                &format!("invalid {what}: the key's bytes could not be read"),
            ));
        }
    }
    if value.is_null_or_undefined() {
        return Err(js_err(Error::InvalidSecret {
            reason: "secret is required",
        }));
    }
    if headers_kind(value) == 0 {
        let key = Reflect::get(value, &"key".into())?;
        let id = Reflect::get(value, &"id".into())?;
        if !key.is_undefined() && !key.is_object() {
            let (k, _) = key_from_js(&key, raw, what)?;
            return Ok((k, id.as_string()));
        }
        // Bytes one level down, never deeper (a key that holds itself must not recurse).
        if key.is_object() && bytes_view(&key).dyn_ref::<Uint8Array>().is_some() {
            let (k, _) = key_from_js(&key, raw, what)?;
            return Ok((k, id.as_string()));
        }
    }
    Err(type_error(
        "invalid_secret",
        &format!("invalid {what}: expected a string, a Uint8Array or {{ id, key }}"),
    ))
}

/// The keys of an options bag: `secret`, `secrets`, `publicKey`, `publicKeys` (in that order),
/// with the label each is reported under.
fn keys_from(options: &JsValue) -> Result<Vec<(OwnedKey, String)>, JsValue> {
    let raw = match string_option(options, "format")?.as_deref() {
        None | Some("whsec") | Some("base64") => false,
        Some("raw") => true,
        Some(_) => return Err(bad_argument("options.format must be \"raw\" or omitted")),
    };
    let mut out = Vec::new();
    for (one, many) in [("secret", "secrets"), ("publicKey", "publicKeys")] {
        let single = get(options, one)?;
        if !single.is_undefined() {
            let (key, id) = key_from_js(&single, raw, one)?;
            out.push((key, id.unwrap_or_else(|| one.to_owned())));
        }
        let list = get(options, many)?;
        if list.is_undefined() {
            continue;
        }
        // Copied by the glue into a genuine array: a Proxy's traps run there, not through wasm.
        let items = list_items(&list, crate::verify::MAX_KEYS as u32);
        let Some(list) = items.dyn_ref::<Array>() else {
            if items.as_string().as_deref() == Some("unreadable") {
                return Err(unreadable(
                    "invalid_secret",
                    &format!("options.{many} could not be read: reading it threw"),
                ));
            }
            return Err(type_error(
                "invalid_secret",
                &format!("options.{many} must be an array"),
            ));
        };
        if list.length() as usize > crate::verify::MAX_KEYS {
            return Err(js_err(Error::InvalidSecret {
                reason: "more than 64 keys",
            }));
        }
        for (i, item) in list.iter().enumerate() {
            let (key, id) = key_from_js(&item, raw, many)?;
            out.push((key, id.unwrap_or_else(|| format!("{many}[{i}]"))));
        }
    }
    if out.is_empty() {
        return Err(js_err(Error::InvalidSecret {
            reason: "options need a secret, secrets, publicKey or publicKeys",
        }));
    }
    Ok(out)
}

fn tolerance_from(options: &JsValue) -> Result<VerifyOptions, JsValue> {
    let mut out = VerifyOptions::default();
    let t = get(options, "tolerance")?;
    if !t.is_undefined() {
        match t.as_f64() {
            Some(secs)
                if secs.is_finite() && (0.0..=1e9).contains(&secs) && secs.fract() == 0.0 =>
            {
                out.tolerance_secs = Some(secs as u64);
            }
            _ => {
                return Err(bad_argument(
                    "tolerance must be a whole number of seconds between 0 and 1e9",
                ))
            }
        }
    }
    let m = get(options, "maxPayloadBytes")?;
    if !m.is_undefined() {
        match m.as_f64() {
            Some(n)
                if n.is_finite() && (0.0..=4_294_967_295.0).contains(&n) && n.fract() == 0.0 =>
            {
                out.max_payload_bytes = Some(n as usize);
            }
            _ => {
                return Err(bad_argument(
                    "maxPayloadBytes must be a whole number of bytes",
                ))
            }
        }
    }
    Ok(out)
}

fn scheme_from(options: &JsValue) -> Result<(Option<Scheme>, Option<CustomScheme>), JsValue> {
    let custom = custom_from(&get(options, "custom")?)?;
    let scheme = match string_option(options, "scheme")? {
        None => None,
        Some(name) => Some(Scheme::from_name(&name).ok_or_else(|| {
            bad_argument(
                "options.scheme must be one of standard-webhooks, svix, stripe, github, slack, \
                 shopify, discord, linear, custom",
            )
        })?),
    };
    if scheme == Some(Scheme::Custom) && custom.is_none() {
        return Err(bad_argument("scheme \"custom\" needs options.custom"));
    }
    Ok((scheme, custom))
}

fn custom_from(config: &JsValue) -> Result<Option<CustomScheme>, JsValue> {
    if config.is_undefined() {
        return Ok(None);
    }
    let Some(header) = string_option(config, "header")? else {
        return Err(bad_argument("options.custom.header is required"));
    };
    let mut c = CustomScheme::new(&header).map_err(js_err)?;
    if let Some(p) = string_option(config, "prefix")? {
        c = c.with_prefix(&p).map_err(js_err)?;
    }
    match string_option(config, "encoding")?.as_deref() {
        None | Some("hex") => {}
        Some("base64") => c = c.with_encoding(Encoding::Base64),
        Some(_) => {
            return Err(bad_argument(
                "options.custom.encoding must be hex or base64",
            ))
        }
    }
    if let Some(h) = string_option(config, "timestampHeader")? {
        c = c.with_timestamp_header(&h).map_err(js_err)?;
    }
    if let Some(h) = string_option(config, "idHeader")? {
        c = c.with_id_header(&h).map_err(js_err)?;
    }
    if let Some(h) = string_option(config, "eventHeader")? {
        c = c.with_event_header(&h).map_err(js_err)?;
    }
    match string_option(config, "format")?.as_deref() {
        None | Some("plain") => {}
        Some("stripe") => c = c.with_format(Format::Stripe),
        Some(_) => {
            return Err(bad_argument(
                "options.custom.format must be plain or stripe",
            ))
        }
    }
    Ok(Some(c))
}

/// Unix seconds from a `Date` or a number of seconds.
fn seconds_from(value: &JsValue, what: &str) -> Result<i64, JsValue> {
    // A number first (the common case): each check is a call into JS.
    let secs = if let Some(n) = value.as_f64() {
        n
    } else if value.is_object() {
        // Read by the glue: a Proxy around a Date throws there, not through wasm.
        time_of(value) / 1000.0
    } else {
        return Err(bad_argument(&format!(
            "{what} must be a Date or unix seconds"
        )));
    };
    if !secs.is_finite() || !(0.0..=9.0e15).contains(&secs) {
        return Err(bad_argument(&format!("{what} is not a valid time")));
    }
    Ok(secs.floor() as i64)
}

fn clock_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

fn now_from(options: &JsValue) -> Result<i64, JsValue> {
    let now = get(options, "now")?;
    if now.is_undefined() {
        return Ok(clock_seconds());
    }
    seconds_from(&now, "now")
}

fn string_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| bad_argument(&format!("{what} must be a string")))
}

/// Whether to parse the verified body: `jsonParse: false` is the one name for "do not", on
/// `Webhook.verify` (as in `standardwebhooks`) and in the receivers' options alike. `raw`, its old
/// name in the options, is refused rather than ignored.
fn json_parse_from(options: &JsValue) -> Result<bool, JsValue> {
    if !get(options, "raw")?.is_undefined() {
        return Err(bad_argument(
            "options.raw is not an option: pass jsonParse: false to leave the body unparsed",
        ));
    }
    let flag = get(options, "jsonParse")?;
    Ok(flag.is_null_or_undefined() || flag.is_truthy())
}

/// The messages for a verified body that is not JSON, naming where `jsonParse: false` goes.
type NotJson = [&'static str; 2];
const NOT_JSON_WEBHOOK: NotJson = [
    "verified body is not UTF-8 JSON; for other bodies pass { jsonParse: false } as verify's third \
     argument",
    "verified body is not valid JSON; for other bodies pass { jsonParse: false } as verify's third \
     argument",
];
const NOT_JSON_OPTIONS: NotJson = [
    "verified body is not UTF-8 JSON; for other bodies add jsonParse: false to the options",
    "verified body is not valid JSON; for other bodies add jsonParse: false to the options",
];

/// JSON.parse of the verified body, `undefined` for an empty one.
fn parse_json(payload: &[u8], [not_utf8, not_json]: NotJson) -> Result<JsValue, JsValue> {
    if payload.is_empty() {
        return Ok(JsValue::UNDEFINED);
    }
    let text = std::str::from_utf8(payload)
        .map_err(|_| js_err(Error::InvalidPayload { reason: not_utf8 }))?;
    js_sys::JSON::parse(text).map_err(|_| js_err(Error::InvalidPayload { reason: not_json }))
}

/// The body for a result: parsed JSON when it is JSON, the text when it is other UTF-8 (a Slack
/// form post), `undefined` when empty or not UTF-8.
fn body_value(payload: &[u8]) -> JsValue {
    let Ok(text) = std::str::from_utf8(payload) else {
        return JsValue::UNDEFINED;
    };
    if text.is_empty() {
        return JsValue::UNDEFINED;
    }
    js_sys::JSON::parse(text).unwrap_or_else(|_| JsValue::from_str(text))
}

#[cfg(feature = "sender")]
fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut buf = [0u8; N];
    fill_random(&mut buf)?;
    Ok(buf)
}

#[cfg(feature = "sender")]
fn fill_random(buf: &mut [u8]) -> Result<(), JsValue> {
    getrandom::getrandom(buf).map_err(|_| {
        make_error(
            KIND_GENERAL,
            "random_unavailable",
            "no secure random source is available here",
            Some("Cloudflare Workers allow random values only inside a request handler".to_owned()),
        )
    })
}

/// Random bytes for ids and jitter (never for keys): taken from a pool that one call to the
/// platform's source refills, since that call costs far more than the few bytes an id needs.
/// NOTE: key material never comes from here; `random_bytes` draws it fresh.
#[cfg(feature = "sender")]
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

fn set(target: &Object, key: &'static str, value: &JsValue) -> Result<(), JsValue> {
    // Property names cross into JS once, not on every object built (see with_name).
    with_name(key, |k| Reflect::set(target, k, value)).map(|_| ())
}

/// The JS result of a verification: what the core learned plus the body and the key's label.
fn verified_to_js(
    v: &Verified,
    labels: &[String],
    body: &[u8],
    raw: bool,
) -> Result<types::VerifiedWebhook, JsValue> {
    let label = labels.get(v.key_index).map(String::as_str).unwrap_or("");
    let payload = if raw {
        JsValue::UNDEFINED
    } else {
        body_value(body)
    };
    // One call builds the object; the scheme name is made in JS once (it is one of a few).
    Ok(with_name(v.scheme.name(), |scheme| {
        verified_object(
            scheme,
            v.key_index as u32,
            label,
            v.id.clone(),
            v.timestamp.map(|ts| ts as f64),
            v.event_type.clone(),
            &payload,
        )
    })
    .unchecked_into())
}

/// A Standard Webhooks receiver and signer for one key, a drop-in for the `Webhook` class of the
/// `standardwebhooks` and `svix` packages. The key is prepared once, in the constructor. A `whsk_`
/// key signs and verifies `v1a` (ed25519); a `whpk_` key only verifies.
#[wasm_bindgen]
pub struct Webhook {
    verifier: SchemeVerifier,
    signer: Option<Signer>,
}

#[wasm_bindgen]
impl Webhook {
    /// `secret` is `whsec_<base64>` (the prefix is optional), a `whsk_`/`whpk_` ed25519 key, or raw
    /// key bytes with `{ format: "raw" }`. `options.tolerance` (seconds, default 300) bounds the
    /// timestamp window.
    #[wasm_bindgen(constructor)]
    pub fn new(
        secret: &types::SecretInput,
        options: Option<types::WebhookOptions>,
    ) -> Result<Webhook, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let bag = Object::new();
        set(&bag, "secret", secret)?;
        set(&bag, "format", &get(&options, "format")?)?;
        let keys = keys_from(&bag)?;
        let inputs: Vec<KeyInput> = keys.iter().map(|(k, _)| k.input()).collect();
        let mut verifier =
            SchemeVerifier::new(Scheme::StandardWebhooks, &inputs, tolerance_from(&options)?)
                .map_err(js_err)?;
        verifier.set_mac_host(&HOST_MAC);
        let signer = Signer::new(Scheme::StandardWebhooks, &inputs)
            .ok()
            .map(host_signer);
        Ok(Webhook { verifier, signer })
    }

    /// Sign a message: returns the `webhook-signature` value, `v1,<base64>` (or `v1a,` for a
    /// `whsk_` key).
    pub fn sign(
        &self,
        msg_id: &types::StringInput,
        timestamp: &types::TimeInput,
        payload: &types::PayloadInput,
    ) -> Result<String, JsValue> {
        let signer = self.signer.as_ref().ok_or_else(|| {
            js_err(Error::InvalidSecret {
                reason: "a whpk_ public key can verify but not sign; sign with the whsk_ key",
            })
        })?;
        let id = string_arg(msg_id, "msgId")?;
        let ts = seconds_from(timestamp, "timestamp")?;
        let body = payload_bytes(payload)?;
        let headers = signer.sign(&id, ts, &body).map_err(js_err)?;
        Ok(headers
            .into_iter()
            .find(|(k, _)| k == crate::scheme::standard::HEADER_SIGNATURE)
            .map(|(_, v)| v)
            .unwrap_or_default())
    }

    /// Verify a delivery and return its parsed JSON body (`undefined` for an empty body, or
    /// always with `{ jsonParse: false }`). Throws `WebhookVerificationError` with a `code` when it
    /// does not verify. Typed in `types.rs`, generic over the payload.
    #[wasm_bindgen(skip_typescript)]
    pub fn verify(
        &self,
        payload: &types::PayloadInput,
        headers: &types::HeadersInput,
        options: Option<types::WebhookVerifyOptions>,
    ) -> Result<types::Unknown, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let json_parse = json_parse_from(&options)?;
        let body = payload_within(payload, self.verifier.max_payload_bytes())?;
        with_headers(headers, |h| self.verifier.verify(h, &body, clock_seconds()))?;
        if !json_parse {
            return Ok(JsValue::UNDEFINED.unchecked_into());
        }
        Ok(parse_json(&body, NOT_JSON_WEBHOOK)?.unchecked_into())
    }

    #[wasm_bindgen(js_name = toString)]
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        "Webhook { scheme: standard-webhooks, secret: <redacted> }".to_owned()
    }

    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> types::Unknown {
        let o = Object::new();
        let _ = set(&o, "scheme", &"standard-webhooks".into());
        let _ = set(&o, "secret", &"<redacted>".into());
        o.unchecked_into()
    }
}

/// A receiver for every scheme: keys are prepared once; `verify` detects the scheme from the
/// headers unless `scheme` was given. Keep one per endpoint and reuse it.
#[wasm_bindgen(js_name = Verifier)]
pub struct JsVerifier {
    inner: Verifier,
    labels: Vec<String>,
    /// `jsonParse: false`: results carry no parsed `payload`.
    raw: bool,
}

#[wasm_bindgen(js_class = Verifier)]
impl JsVerifier {
    #[wasm_bindgen(constructor)]
    pub fn new(options: &types::VerifierOptions) -> Result<JsVerifier, JsValue> {
        let options: &JsValue = options;
        if !options.is_object() {
            return Err(bad_argument(
                "new Verifier(options) needs an options object with keys",
            ));
        }
        let keys = keys_from(options)?;
        let inputs: Vec<KeyInput> = keys.iter().map(|(k, _)| k.input()).collect();
        let (scheme, custom) = scheme_from(options)?;
        let mut inner =
            Verifier::new(scheme, custom, &inputs, tolerance_from(options)?).map_err(js_err)?;
        inner.set_mac_host(&HOST_MAC);
        Ok(JsVerifier {
            inner,
            labels: keys.into_iter().map(|(_, l)| l).collect(),
            raw: !json_parse_from(options)?,
        })
    }

    /// Verify and describe a delivery; throws `WebhookVerificationError` when it does not verify.
    /// `options.now` (a Date or unix seconds) replaces the clock. Typed in `types.rs`, generic
    /// over the payload.
    #[wasm_bindgen(skip_typescript)]
    pub fn verify(
        &self,
        payload: &types::PayloadInput,
        headers: &types::HeadersInput,
        options: Option<types::NowOptions>,
    ) -> Result<types::VerifiedWebhook, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let body = payload_within(payload, self.inner.max_payload_bytes())?;
        let now = now_from(&options)?;
        let v = with_headers(headers, |h| self.inner.verify(h, &body, now))?;
        verified_to_js(&v, &self.labels, &body, self.raw)
    }

    #[wasm_bindgen(js_name = toString)]
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        format!("Verifier {{ keys: {} <redacted> }}", self.labels.len())
    }

    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> types::Unknown {
        let o = Object::new();
        let scheme = self.inner.fixed_scheme().map_or("auto", Scheme::name);
        let _ = set(&o, "scheme", &scheme.into());
        let _ = set(&o, "keys", &(self.labels.len() as u32).into());
        o.unchecked_into()
    }
}

/// The one-call receivers' verifier from their options, and the time to judge at.
fn verifier_for(options: &JsValue) -> Result<(JsVerifier, i64), JsValue> {
    if !options.is_object() {
        return Err(bad_argument(
            "options with a secret or public key are required",
        ));
    }
    Ok((
        JsVerifier::new(options.unchecked_ref())?,
        now_from(options)?,
    ))
}

/// The verifier, the core's verdict, the body bytes and the time it was judged at.
fn verify_parts(
    payload: &JsValue,
    headers: &JsValue,
    options: &JsValue,
) -> Result<(JsVerifier, Verified, Vec<u8>, i64), JsValue> {
    let (v, now) = verifier_for(options)?;
    let body = payload_within(payload, v.inner.max_payload_bytes())?;
    let verified = with_headers(headers, |h| v.inner.verify(h, &body, now))?;
    Ok((v, verified, body, now))
}

fn verify_detailed(
    payload: &JsValue,
    headers: &JsValue,
    options: &JsValue,
) -> Result<types::VerifiedWebhook, JsValue> {
    let (v, verified, body, _) = verify_parts(payload, headers, options)?;
    verified_to_js(&verified, &v.labels, &body, v.raw)
}

/// `options.dedupe` (a store with `claim(key, expiresAtMs)`) and `options.dedupeRetention`
/// (seconds), when a dedupe store is given.
fn dedupe_from(options: &JsValue) -> Result<Option<(JsValue, js_sys::Function, u64)>, JsValue> {
    let store = get(options, "dedupe")?;
    if store.is_undefined() {
        return Ok(None);
    }
    let claim = if store.is_object() {
        // A hostile getter is the same mistake as a missing claim: a typed error, not its throw.
        Reflect::get(&store, &"claim".into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    let Some(claim) = claim.dyn_ref::<js_sys::Function>().cloned() else {
        return Err(bad_argument(
            "dedupe must be a store with claim(key, expiresAtMs) resolving to true (first time) \
             or false (seen before)",
        ));
    };
    let retention = get(options, "dedupeRetention")?;
    let retention = if retention.is_undefined() {
        crate::dedupe::DEFAULT_RETENTION_SECS
    } else {
        match retention.as_f64() {
            Some(n)
                if n.fract() == 0.0
                    && n >= 1.0
                    && n <= crate::dedupe::MAX_RETENTION_SECS as f64 =>
            {
                n as u64
            }
            _ => {
                return Err(bad_argument(
                    "dedupeRetention must be a whole number of seconds from 1 to 1e9",
                ))
            }
        }
    };
    Ok(Some((store, claim, retention)))
}

/// Ask the store to claim the delivery's dedupe entry: Ok when it is the first time. The
/// store's exceptions and rejections stay JS values (they never unwind through wasm) and become
/// `dedupe_unavailable`, with the store's error as `cause`.
async fn claim_once(
    store: &JsValue,
    claim: &js_sys::Function,
    entry: &crate::dedupe::DedupeEntry,
) -> Result<(), JsValue> {
    let unavailable = |reason: &'static str, cause: Option<JsValue>| {
        with_cause(
            js_err(Error::DedupeUnavailable { reason }),
            cause.unwrap_or(JsValue::UNDEFINED),
        )
    };
    let called = claim
        .call2(
            store,
            &JsValue::from_str(&entry.key),
            &JsValue::from_f64(entry.expires_at_ms as f64),
        )
        .map_err(|e| unavailable("the store's claim threw", Some(e)))?;
    let answer = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&called))
        .await
        .map_err(|e| unavailable("the store's claim rejected", Some(e)))?;
    match answer.as_bool() {
        Some(true) => Ok(()),
        Some(false) => Err(js_err(Error::Duplicate {
            key: entry.key.clone(),
        })),
        None => Err(unavailable(
            "the store's claim answered neither true nor false",
            None,
        )),
    }
}

/// Verify a delivery of any scheme in one call and return its parsed JSON body, or `undefined`
/// with `{ jsonParse: false }` (which accepts any body bytes). The scheme is detected from the
/// headers unless `options.scheme` names it. Typed in `types.rs`, generic over the payload.
#[wasm_bindgen(skip_typescript)]
pub fn verify(
    payload: &types::PayloadInput,
    headers: &types::HeadersInput,
    options: &types::VerifyOptionsInput,
) -> Result<types::Unknown, JsValue> {
    let (v, _, body, _) = verify_parts(payload, headers, options)?;
    if v.raw {
        return Ok(JsValue::UNDEFINED.unchecked_into());
    }
    Ok(parse_json(&body, NOT_JSON_OPTIONS)?.unchecked_into())
}

/// Verify a delivery of any scheme and describe it: scheme, which key matched, id, timestamp,
/// event type and the body (parsed JSON when it is JSON). Typed in `types.rs`, generic over the
/// payload.
#[wasm_bindgen(js_name = verifyWebhook, skip_typescript)]
pub fn verify_webhook(
    payload: &types::PayloadInput,
    headers: &types::HeadersInput,
    options: &types::VerifyOptionsInput,
) -> Result<types::VerifiedWebhook, JsValue> {
    verify_detailed(payload, headers, options)
}

/// Verify a Fetch API `Request` (Node 20+, Deno, Bun, workerd, browsers): reads the raw body once
/// and returns what `verifyWebhook` returns plus `body`, the raw bytes. With `options.dedupe`, a
/// verified delivery the store has already claimed throws `duplicate`. Typed in `types.rs`,
/// generic over the payload.
#[wasm_bindgen(js_name = verifyRequest, skip_typescript)]
pub async fn verify_request(
    request: types::RequestInput,
    options: types::VerifyRequestOptionsInput,
) -> Result<types::VerifiedRequest, JsValue> {
    let request: JsValue = request.into();
    let options: JsValue = options.into();
    if !request.is_object() {
        return Err(not_a_request());
    }
    if Reflect::get(&request, &"bodyUsed".into())?.is_truthy() {
        return Err(js_err(Error::InvalidPayload {
            reason: "the request body was already read; verify before parsing it",
        }));
    }
    // The options first: a bad verifier or dedupe store is refused before the body is read, and
    // the body is read no further than the verifier's limit.
    let (v, now) = verifier_for(&options)?;
    let dedupe = dedupe_from(&options)?;
    let limit = v
        .inner
        .max_payload_bytes()
        .unwrap_or(DEFAULT_REQUEST_BODY_BYTES);
    let read = wasm_bindgen_futures::JsFuture::from(read_body(&request, limit as f64)).await?;
    let bytes = match read.dyn_into::<Uint8Array>() {
        Ok(bytes) => bytes,
        Err(other) if other.as_string().as_deref() == Some("too_large") => {
            return Err(js_err(Error::PayloadTooLarge {
                size: limit.saturating_add(1),
                limit,
            }))
        }
        Err(_) => return Err(not_a_request()),
    };
    let headers = Reflect::get(&request, &"headers".into())?;
    let body = bytes.to_vec();
    let verified = with_headers(&headers, |h| v.inner.verify(h, &body, now))?;
    // The result is built before the claim: a body that fails to parse is never remembered.
    let result: JsValue = verified_to_js(&verified, &v.labels, &body, v.raw)?.into();
    if let Some((store, claim, retention)) = dedupe {
        let tolerance = v.inner.tolerance_secs(verified.scheme).unwrap_or(0);
        let entry = crate::dedupe::dedupe_entry(&verified, &body, tolerance, retention, now);
        claim_once(&store, &claim, &entry).await?;
    }
    Reflect::set(&result, &"body".into(), &bytes)?;
    Ok(result.unchecked_into())
}

/// The most `verifyRequest` reads of a body when the verifier sets no `maxPayloadBytes`: 25 MiB,
/// GitHub's largest webhook payload.
const DEFAULT_REQUEST_BODY_BYTES: usize = 25 * 1024 * 1024;

fn not_a_request() -> JsValue {
    bad_argument(
        "verifyRequest needs a Fetch API Request; for node:http or Express pass the raw body and \
         headers to verifyWebhook",
    )
}

#[cfg(feature = "sender")]
/// A new `whsec_` secret of 32 bytes from the platform's secure random source.
#[wasm_bindgen(js_name = generateSecret)]
pub fn generate_secret() -> Result<String, JsValue> {
    Ok(Secret::from_random(random_bytes::<GENERATED_SECRET_LEN>()?).expose_encoded())
}

#[cfg(feature = "sender")]
/// A new Standard Webhooks ed25519 key pair: `secretKey` (`whsk_`, keep it on the sender) and
/// `publicKey` (`whpk_`, give it to receivers), plus the public key in hex (Discord's form).
#[wasm_bindgen(js_name = generateKeyPair)]
pub fn generate_key_pair() -> Result<types::KeyPair, JsValue> {
    key_pair_to_js(&SigningKey::from_seed(random_bytes::<32>()?))
}

#[cfg(feature = "sender")]
/// The public key (`whpk_` and hex) of a `whsk_` secret key.
#[wasm_bindgen(js_name = publicKeyFromSecretKey)]
pub fn public_key_from_secret_key(
    secret_key: &types::StringInput,
) -> Result<types::KeyPair, JsValue> {
    let text = string_arg(secret_key, "secretKey")?;
    key_pair_to_js(&SigningKey::parse_whsk(&text).map_err(js_err)?)
}

#[cfg(feature = "sender")]
fn key_pair_to_js(key: &SigningKey) -> Result<types::KeyPair, JsValue> {
    let out = Object::new();
    set(&out, "secretKey", &key.expose_whsk().into())?;
    set(&out, "publicKey", &key.public_key().to_whpk().into())?;
    set(&out, "publicKeyHex", &key.public_key().to_hex().into())?;
    Ok(out.unchecked_into())
}

/// The size in bytes of this instance's WebAssembly memory: a diagnostic for leak monitoring (it
/// grows when the core needs more room and never shrinks).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<ArrayBuffer>()
        .byte_length() as f64
}
