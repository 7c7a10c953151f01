//! The caller's values as the JS glue hands them over, and their conversion into the core's
//! types: the one converter both bindings use (`abi/`, the receiver's raw wasm ABI, and
//! `src/wasm/`, the sender's wasm-bindgen binding, which has the glue encode a signer's options
//! the same way). The glue (`pkg-template/lib/encode.js`) reads the caller's objects, catching
//! what their getters and Proxy traps throw, and writes what it found in a small tag-length-value
//! encoding; every judgement of those values is made here or in the core, and every refusal is a
//! [`JsError`]: the JS class, code, message and hint of the error to throw.
//!
//! Encoding, little-endian: one tag byte, then
//! - `UNDEFINED`, `NULL`, `FALSE`, `TRUE`, `DETACHED`, `NOT_ARRAY`, `OTHER`: nothing;
//! - `NUMBER`, `DATE`: an f64 (a Date's time in ms, NaN when it is not a Date);
//! - `STRING`, `BYTES`: a u32 length and the UTF-8 or the bytes;
//! - `STRING_SIZE`, `BYTES_SIZE`: a u32 length (a payload whose bytes come separately);
//! - `THREW`, `LIST_THREW`, `FUNCTION`: a u32 slot (the glue keeps the thrown value or the
//!   function); `LIST_THREW` is a list whose items could not be read, `THREW` any other read;
//! - `ARRAY`: a u32 count and the items; `OBJECT`: a u32 count and (string key, value) pairs.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::{Described, Error};
use crate::scheme::keys::{KeyInput, MAX_KEYS, MAX_KEY_BYTES};
use crate::scheme::{CustomScheme, Encoding, Format, Scheme};
use crate::verify::{Target, VerifyOptions};

pub type Result<T> = core::result::Result<T, JsError>;

// ---------------------------------------------------------------- the encoding

pub const UNDEFINED: u8 = 0;
pub const NULL: u8 = 1;
pub const FALSE: u8 = 2;
pub const TRUE: u8 = 3;
pub const NUMBER: u8 = 4;
pub const STRING: u8 = 5;
pub const BYTES: u8 = 6;
pub const DETACHED: u8 = 7;
pub const THREW: u8 = 8;
pub const DATE: u8 = 9;
pub const ARRAY: u8 = 10;
pub const OBJECT: u8 = 11;
pub const FUNCTION: u8 = 12;
pub const OTHER: u8 = 13;
pub const NOT_ARRAY: u8 = 14;
pub const STRING_SIZE: u8 = 15;
pub const BYTES_SIZE: u8 = 16;
pub const LIST_THREW: u8 = 17;

/// Nesting the glue never writes deeper than (options > list > key object > key).
const MAX_DEPTH: usize = 6;

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    Str(&'a str),
    Bytes(&'a [u8]),
    Detached,
    Threw(u32),
    ListThrew(u32),
    Date(f64),
    Array(Vec<Value<'a>>),
    NotArray,
    Object(Vec<(&'a str, Value<'a>)>),
    Function(u32),
    /// A symbol, a bigint or anything else the options never take.
    Other,
    StrSize(u32),
    BytesSize(u32),
}

impl<'a> Value<'a> {
    /// A member of an object (undefined when absent or when this is not an object).
    pub fn get(&self, key: &str) -> &Value<'a> {
        match self {
            Value::Object(entries) => entries
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(&Value::Undefined, |(_, v)| v),
            _ => &Value::Undefined,
        }
    }

    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }

    /// JS truthiness for what a flag may be.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null | Value::Bool(false) => false,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            _ => true,
        }
    }
}

/// Reads values off the input buffer; `None` for a malformed buffer (a glue bug, never input).
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.bytes.split_at_checked(n)?;
        self.bytes = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        core::str::from_utf8(self.take(n)?).ok()
    }

    pub fn value(&mut self) -> Option<Value<'a>> {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: usize) -> Option<Value<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match self.u8()? {
            UNDEFINED => Value::Undefined,
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            NUMBER => Value::Number(self.f64()?),
            STRING => Value::Str(self.str()?),
            BYTES => {
                let n = self.u32()? as usize;
                Value::Bytes(self.take(n)?)
            }
            DETACHED => Value::Detached,
            THREW => Value::Threw(self.u32()?),
            LIST_THREW => Value::ListThrew(self.u32()?),
            DATE => Value::Date(self.f64()?),
            ARRAY => {
                let n = self.u32()? as usize;
                let mut items = Vec::with_capacity(n.min(self.bytes.len()));
                for _ in 0..n {
                    items.push(self.value_at(depth.saturating_add(1))?);
                }
                Value::Array(items)
            }
            OBJECT => {
                let n = self.u32()? as usize;
                let mut entries = Vec::with_capacity(n.min(self.bytes.len()));
                for _ in 0..n {
                    let key = self.str()?;
                    entries.push((key, self.value_at(depth.saturating_add(1))?));
                }
                Value::Object(entries)
            }
            FUNCTION => Value::Function(self.u32()?),
            OTHER => Value::Other,
            NOT_ARRAY => Value::NotArray,
            STRING_SIZE => Value::StrSize(self.u32()?),
            BYTES_SIZE => Value::BytesSize(self.u32()?),
            _ => return None,
        })
    }
}

// ---------------------------------------------------------------- errors as JS sees them

/// `KIND`: the JS class of an error.
pub const KIND_VERIFICATION: f64 = 0.0;
pub const KIND_GENERAL: f64 = 1.0;
pub const KIND_TYPE: f64 = 2.0;

/// An error as JS will see it: its class and what went wrong (the message and hint are written
/// from its description by `pkg-template/lib/messages.js`), and the caller's thrown value to
/// attach as its `cause`, or to rethrow as it was instead of any error of ours.
#[derive(Debug)]
pub struct JsError {
    pub kind: f64,
    pub detail: Detail,
    pub cause: Option<u32>,
    pub rethrow: Option<u32>,
}

/// What went wrong: a core error, or a value the converter refused (a code, a reason key of the
/// message table, and the option or argument it is about).
#[derive(Debug)]
pub enum Detail {
    Core(Error),
    Refused {
        code: &'static str,
        reason: &'static str,
        name: &'static str,
    },
}

impl JsError {
    fn refused(kind: f64, code: &'static str, reason: &'static str) -> Self {
        JsError {
            kind,
            detail: Detail::Refused {
                code,
                reason,
                name: "",
            },
            cause: None,
            rethrow: None,
        }
    }

    /// A `TypeError` with a `code`, for a value of the wrong JS type.
    pub fn type_error(code: &'static str, reason: &'static str) -> Self {
        Self::refused(KIND_TYPE, code, reason)
    }

    pub fn bad_argument(reason: &'static str) -> Self {
        Self::type_error("invalid_argument", reason)
    }

    /// The same, naming the option or argument it is about (the message's first text).
    pub fn named(mut self, what: &'static str) -> Self {
        if let Detail::Refused { name, .. } = &mut self.detail {
            *name = what;
        }
        self
    }

    /// The caller's own error, rethrown unchanged once the call has returned.
    pub fn rethrow(slot: u32) -> Self {
        let mut e = Self::refused(KIND_GENERAL, "internal", "");
        e.rethrow = Some(slot);
        e
    }

    /// A TypeError for a value that threw while the glue read it, with what it threw as cause.
    pub fn unreadable(code: &'static str, reason: &'static str, slot: Option<u32>) -> Self {
        let mut e = Self::type_error(code, reason);
        e.cause = slot;
        e
    }

    pub fn with_cause(mut self, slot: Option<u32>) -> Self {
        self.cause = slot;
        self
    }

    /// The code, reason and parameters the message is written from.
    pub fn described(&self) -> Described<'_> {
        match &self.detail {
            Detail::Core(e) => e.describe(),
            Detail::Refused { code, reason, name } => Described {
                code,
                reason,
                texts: [name, ""],
                numbers: [None, None],
            },
        }
    }
}

/// A core error: `WebhookVerificationError` (verdicts and receiver set-up) or `HooklineError`
/// (a bad argument; a dedupe store that failed, which says nothing about the webhook). The one
/// mapping of both bindings.
impl From<Error> for JsError {
    fn from(err: Error) -> Self {
        let kind = match err {
            Error::InvalidArgument { .. } | Error::DedupeUnavailable { .. } => KIND_GENERAL,
            _ => KIND_VERIFICATION,
        };
        JsError {
            kind,
            detail: Detail::Core(err),
            cause: None,
            rethrow: None,
        }
    }
}

// ---------------------------------------------------------------- conversions

/// An option of the options bag; the caller's own error back if its getter threw.
pub fn get<'v, 'a>(options: &'v Value<'a>, key: &str) -> Result<&'v Value<'a>> {
    match options {
        Value::Object(_) => match options.get(key) {
            Value::Threw(slot) => Err(JsError::rethrow(*slot)),
            v => Ok(v),
        },
        Value::Undefined | Value::Null => Ok(&Value::Undefined),
        _ => Err(JsError::bad_argument("options_not_object")),
    }
}

pub fn string_option<'a>(options: &Value<'a>, key: &'static str) -> Result<Option<&'a str>> {
    match get(options, key)? {
        Value::Undefined => Ok(None),
        Value::Str(s) => Ok(Some(s)),
        _ => Err(JsError::bad_argument("option_not_string").named(key)),
    }
}

/// A key as given in JS, owned until the core has prepared it.
pub enum OwnedKey<'a> {
    Text(&'a str),
    Bytes(Vec<u8>),
}

impl OwnedKey<'_> {
    pub fn input(&self) -> KeyInput<'_> {
        match self {
            OwnedKey::Text(t) => KeyInput::Text(t),
            OwnedKey::Bytes(b) => KeyInput::Bytes(b),
        }
    }
}

fn invalid_secret(reason: &'static str) -> JsError {
    Error::InvalidSecret { reason }.into()
}

/// One key: a string or bytes, or `{ id, key }` to name it for rotation telemetry.
fn key_from<'a>(
    value: &Value<'a>,
    raw: bool,
    what: &'static str,
    nested: bool,
) -> Result<(OwnedKey<'a>, Option<&'a str>)> {
    match value {
        Value::Str(text) if raw => {
            // As the spec libraries do: a raw string secret is its UTF-16 code units as bytes
            // (the glue wrote UTF-8; a unit above U+00FF, a lone surrogate included, is refused).
            let bytes: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(c).ok()).collect();
            let bytes = bytes.ok_or_else(|| invalid_secret("raw_string_range"))?;
            Ok((OwnedKey::Bytes(bytes), None))
        }
        Value::Str(text) => Ok((OwnedKey::Text(text), None)),
        Value::Bytes(bytes) => {
            if bytes.len() > MAX_KEY_BYTES {
                return Err(invalid_secret("raw_secret_too_long"));
            }
            Ok((OwnedKey::Bytes(bytes.to_vec()), None))
        }
        Value::Detached | Value::Threw(_) => Err(JsError::unreadable(
            "invalid_secret",
            "key_unreadable",
            match value {
                Value::Threw(slot) => Some(*slot),
                _ => None,
            },
        )
        .named(what)),
        Value::Undefined | Value::Null => Err(invalid_secret("secret_required")),
        Value::Object(_) if !nested => {
            let key = match value.get("key") {
                Value::Threw(slot) => return Err(JsError::rethrow(*slot)),
                k => k,
            };
            let id = match value.get("id") {
                Value::Threw(slot) => return Err(JsError::rethrow(*slot)),
                Value::Str(s) => Some(*s),
                _ => None,
            };
            // Bytes one level down, never deeper (a key that holds itself must not recurse).
            if matches!(key, Value::Str(_) | Value::Bytes(_))
                || matches!(
                    key,
                    Value::Number(_) | Value::Bool(_) | Value::Null | Value::Other
                )
            {
                let (k, _) = key_from(key, raw, what, true)?;
                return Ok((k, id));
            }
            Err(wrong_key(what))
        }
        _ => Err(wrong_key(what)),
    }
}

fn wrong_key(what: &'static str) -> JsError {
    JsError::type_error("invalid_secret", "key_type").named(what)
}

/// The keys of an options bag: `secret`, `secrets`, `publicKey`, `publicKeys` (in that order),
/// with the label each is reported under.
pub fn keys_from<'a>(options: &Value<'a>) -> Result<Vec<(OwnedKey<'a>, String)>> {
    let raw = match string_option(options, "format")? {
        None | Some("whsec") | Some("base64") => false,
        Some("raw") => true,
        Some(_) => return Err(JsError::bad_argument("format_raw")),
    };
    let mut out = Vec::new();
    for (one, many) in [("secret", "secrets"), ("publicKey", "publicKeys")] {
        let single = get(options, one)?;
        if !single.is_undefined() {
            let (key, id) = key_from(single, raw, one, false)?;
            out.push((key, id.unwrap_or(one).to_string()));
        }
        let items = match get(options, many)? {
            Value::Undefined => continue,
            Value::Array(items) => items,
            Value::ListThrew(slot) => {
                return Err(
                    JsError::unreadable("invalid_secret", "keys_unreadable", Some(*slot))
                        .named(many),
                )
            }
            _ => return Err(JsError::type_error("invalid_secret", "keys_not_array").named(many)),
        };
        if items.len() > MAX_KEYS {
            return Err(invalid_secret("too_many_keys"));
        }
        for (i, item) in items.iter().enumerate() {
            let (key, id) = key_from(item, raw, many, false)?;
            let label = match id {
                Some(id) => id.to_string(),
                None => [many, "[", itoa::Buffer::new().format(i), "]"].concat(),
            };
            out.push((key, label));
        }
    }
    if out.is_empty() {
        return Err(invalid_secret("no_keys_given"));
    }
    Ok(out)
}

/// Whether `n` has no fractional part (`f64::fract` is std's; the callers' ranges are far
/// inside i64's).
fn is_whole(n: f64) -> bool {
    n.is_finite() && n.abs() < 9.0e15 && (n as i64) as f64 == n
}

/// `n` rounded down, for `n` within ±9e15 (`f64::floor` is std's).
pub fn floor(n: f64) -> i64 {
    let t = n as i64;
    if (t as f64) > n {
        t.saturating_sub(1)
    } else {
        t
    }
}

fn whole(value: &Value<'_>, max: f64) -> Option<f64> {
    match value {
        Value::Number(n) if (0.0..=max).contains(n) && is_whole(*n) => Some(*n),
        _ => None,
    }
}

pub fn tolerance_from(options: &Value<'_>) -> Result<VerifyOptions> {
    let mut out = VerifyOptions::default();
    let t = get(options, "tolerance")?;
    if !t.is_undefined() {
        let secs = whole(t, 1e9).ok_or_else(|| JsError::bad_argument("tolerance_range"))?;
        out.tolerance_secs = Some(secs as u64);
    }
    let m = get(options, "maxPayloadBytes")?;
    if !m.is_undefined() {
        let n =
            whole(m, 4_294_967_295.0).ok_or_else(|| JsError::bad_argument("max_payload_range"))?;
        out.max_payload_bytes = Some(n as usize);
    }
    Ok(out)
}

pub fn scheme_from(options: &Value<'_>) -> Result<(Option<Scheme>, Option<CustomScheme>)> {
    let custom = custom_from(get(options, "custom")?)?;
    let scheme = match string_option(options, "scheme")? {
        None => None,
        Some(name) => {
            Some(Scheme::from_name(name).ok_or_else(|| JsError::bad_argument("scheme_unknown"))?)
        }
    };
    if scheme == Some(Scheme::Custom) && custom.is_none() {
        return Err(JsError::bad_argument("custom_missing"));
    }
    Ok((scheme, custom))
}

fn custom_from(config: &Value<'_>) -> Result<Option<CustomScheme>> {
    if config.is_undefined() {
        return Ok(None);
    }
    let Some(header) = string_option(config, "header")? else {
        return Err(JsError::bad_argument("custom_header_required"));
    };
    let mut c = CustomScheme::new(header)?;
    if let Some(p) = string_option(config, "prefix")? {
        c = c.with_prefix(p)?;
    }
    match string_option(config, "encoding")? {
        None | Some("hex") => {}
        Some("base64") => c = c.with_encoding(Encoding::Base64),
        Some(_) => return Err(JsError::bad_argument("custom_encoding")),
    }
    if let Some(h) = string_option(config, "timestampHeader")? {
        c = c.with_timestamp_header(h)?;
    }
    if let Some(h) = string_option(config, "idHeader")? {
        c = c.with_id_header(h)?;
    }
    if let Some(h) = string_option(config, "eventHeader")? {
        c = c.with_event_header(h)?;
    }
    match string_option(config, "format")? {
        None | Some("plain") => {}
        Some("stripe") => c = c.with_format(Format::Stripe),
        Some(_) => return Err(JsError::bad_argument("custom_format")),
    }
    Ok(Some(c))
}

/// The longest `url` accepted (longer is no URL a provider calls).
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// `url` and `method`: what the request was, for the schemes that sign them ([`Target`]).
pub fn target_from<'a>(options: &Value<'a>) -> Result<Target<'a>> {
    let url = string_option(options, "url")?;
    if url.is_some_and(|u| u.is_empty() || u.len() > MAX_URL_BYTES) {
        return Err(JsError::bad_argument("url_invalid").named("url"));
    }
    let method = string_option(options, "method")?;
    if method.is_some_and(|m| {
        m.is_empty() || m.len() > 16 || !m.bytes().all(|b| b.is_ascii_alphabetic())
    }) {
        return Err(JsError::bad_argument("method_invalid").named("method"));
    }
    Ok(Target { url, method })
}

/// A Request's own URL and method (verifyRequest, when the options give none). Not refused as
/// the options' are: the URL is whatever the server accepted (its length is the server's limit),
/// and a request's values are the sender's, to be judged by the signature, not an error of the
/// caller's; a method that is not letters is left out (HubSpot's default then applies).
pub fn request_target<'a>(url: &Value<'a>, method: &Value<'a>) -> Target<'a> {
    Target {
        url: match url {
            Value::Str(u) if !u.is_empty() => Some(u),
            _ => None,
        },
        method: match method {
            Value::Str(m) if is_method(m) => Some(m),
            _ => None,
        },
    }
}

fn is_method(m: &str) -> bool {
    !m.is_empty() && m.len() <= 16 && m.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Unix seconds from a `Date` or a number of seconds.
pub fn seconds_from(value: &Value<'_>, what: &'static str) -> Result<i64> {
    let secs = match value {
        Value::Number(n) => *n,
        Value::Date(ms) => ms / 1000.0,
        _ => return Err(JsError::bad_argument("time_type").named(what)),
    };
    if !secs.is_finite() || !(0.0..=9.0e15).contains(&secs) {
        return Err(JsError::bad_argument("time_range").named(what));
    }
    Ok(floor(secs))
}

/// `options.now`, or the clock the glue read (`clock`, unix seconds).
pub fn now_from(options: &Value<'_>, clock: i64) -> Result<i64> {
    let now = get(options, "now")?;
    if now.is_undefined() {
        return Ok(clock);
    }
    seconds_from(now, "now")
}

pub fn string_arg<'a>(value: &Value<'a>, what: &'static str) -> Result<&'a str> {
    match value {
        Value::Str(s) => Ok(s),
        _ => Err(JsError::bad_argument("not_string").named(what)),
    }
}

/// Whether to parse the verified body: `jsonParse: false` is the one name for "do not". `raw`,
/// its old name in the options, is refused rather than ignored.
pub fn json_parse_from(options: &Value<'_>) -> Result<bool> {
    if !get(options, "raw")?.is_undefined() {
        return Err(JsError::bad_argument("raw_option"));
    }
    let flag = get(options, "jsonParse")?;
    Ok(flag.is_nullish() || flag.truthy())
}

/// `options.dedupe` (a store with `claim`, `complete` and `release`) and
/// `options.dedupeRetention` (seconds): the store's slot and the retention, when a store is given.
pub fn dedupe_from(options: &Value<'_>) -> Result<Option<(u32, u64)>> {
    let store = get(options, "dedupe")?;
    if store.is_undefined() {
        return Ok(None);
    }
    // A hostile getter is the same mistake as a missing function: a typed error, not its throw.
    let (Value::Function(slot), Value::Function(_), Value::Function(_)) = (
        store.get("claim"),
        store.get("complete"),
        store.get("release"),
    ) else {
        return Err(JsError::bad_argument("dedupe_store"));
    };
    let retention = match get(options, "dedupeRetention")? {
        Value::Undefined => crate::dedupe::DEFAULT_RETENTION_SECS,
        Value::Number(n)
            if is_whole(*n) && *n >= 1.0 && *n <= crate::dedupe::MAX_RETENTION_SECS as f64 =>
        {
            *n as u64
        }
        _ => return Err(JsError::bad_argument("retention_range")),
    };
    Ok(Some((*slot, retention)))
}

/// What a dedupe store answered its claim: `how` 0 it resolved with `answer`, 1 it threw, 2 it
/// rejected (the thrown value in `answer`'s slot). Done when the delivery is now claimed.
pub fn claim_answer(how: &Value<'_>, answer: &Value<'_>, key: &str) -> Result<()> {
    let slot = match answer {
        Value::Threw(slot) => Some(*slot),
        _ => None,
    };
    let unavailable = |reason: &'static str, cause: Option<u32>| {
        JsError::from(Error::DedupeUnavailable { reason }).with_cause(cause)
    };
    match (how, answer) {
        (Value::Number(n), _) if *n == 1.0 => Err(unavailable("claim_threw", slot)),
        (Value::Number(n), _) if *n == 2.0 => Err(unavailable("claim_rejected", slot)),
        (_, Value::Bool(true)) => Ok(()),
        (_, Value::Bool(false)) => Err(Error::Duplicate {
            key: key.to_string(),
        }
        .into()),
        (_, Value::Str("pending")) => Err(Error::InProgress {
            key: key.to_string(),
        }
        .into()),
        _ => Err(unavailable("claim_answer", None)),
    }
}

/// Why a payload cannot be verified, or None when it is a string or bytes.
pub fn payload_refusal(payload: &Value<'_>) -> Option<JsError> {
    match payload {
        Value::StrSize(_) | Value::BytesSize(_) | Value::Str(_) | Value::Bytes(_) => None,
        Value::Detached => Some(
            Error::InvalidPayload {
                reason: "payload_detached",
            }
            .into(),
        ),
        Value::Threw(slot) => Some(JsError::unreadable(
            "invalid_payload",
            "payload_unreadable",
            Some(*slot),
        )),
        Value::Undefined | Value::Null => Some(
            Error::InvalidPayload {
                reason: "payload_required",
            }
            .into(),
        ),
        other => {
            // Parsed JSON (an object) has its own hint: re-serializing changes the bytes.
            let reason = if matches!(
                other,
                Value::Object(_) | Value::Array(_) | Value::NotArray | Value::Date(_)
            ) {
                "payload_object"
            } else {
                "payload_type"
            };
            Some(Error::InvalidPayload { reason }.into())
        }
    }
}
