//! The JavaScript binding: converts JS values to core types and core errors to JS errors.
//!
//! Nothing here decides anything about webhooks; it only converts, reads the clock and the random
//! source that the core is not allowed to touch, and throws typed errors.

use std::borrow::Cow;

use js_sys::{ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::Error;
use crate::headers::HeaderSource;
use crate::scheme::{standard, Scheme};
use crate::secret::{Secret, GENERATED_SECRET_LEN};
use crate::verify::{Verifier, VerifyOptions};

mod types;

#[wasm_bindgen(module = "/src/wasm/edge.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(kind: u32, code: &str, message: &str, hint: Option<String>) -> JsValue;
    #[wasm_bindgen(js_name = headerValue)]
    fn header_value(headers: &JsValue, name: &str) -> Option<String>;
}

const KIND_VERIFICATION: u32 = 0;
const KIND_GENERAL: u32 = 1;
const KIND_TYPE: u32 = 2;

/// Core error to `WebhookVerificationError` (verdicts and receiver set-up) or `HooklineError`.
pub(crate) fn to_js(err: &Error) -> JsValue {
    let kind = match err {
        Error::InvalidArgument { .. } => KIND_GENERAL,
        _ => KIND_VERIFICATION,
    };
    make_error(
        kind,
        err.code(),
        &err.to_string(),
        err.hint().map(str::to_owned),
    )
}

/// A `TypeError` with a `code`, for a value of the wrong JS type.
pub(crate) fn type_error(code: &str, message: &str, hint: Option<&str>) -> JsValue {
    make_error(KIND_TYPE, code, message, hint.map(str::to_owned))
}

/// Headers as the user holds them: `Headers`, `Map` or a plain object.
struct JsHeaders<'a>(&'a JsValue);

impl HeaderSource for JsHeaders<'_> {
    fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        header_value(self.0, name).map(Cow::Owned)
    }
}

fn check_headers(headers: &JsValue) -> Result<JsHeaders<'_>, JsValue> {
    if headers.is_object() && !Array::is_array(headers) {
        Ok(JsHeaders(headers))
    } else {
        Err(type_error(
            "invalid_header",
            "headers must be a Headers, a Map or a plain object of header names to values",
            None,
        ))
    }
}

use js_sys::Array;

/// The raw body as bytes. Strings are UTF-8 encoded; byte inputs are copied as they are.
pub(crate) fn payload_bytes(payload: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = payload.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(bytes) = payload.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(buf) = payload.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buf).to_vec());
    }
    if ArrayBuffer::is_view(payload) {
        let buffer = Reflect::get(payload, &"buffer".into())?;
        let offset = Reflect::get(payload, &"byteOffset".into())?
            .as_f64()
            .unwrap_or(0.0);
        let length = Reflect::get(payload, &"byteLength".into())?
            .as_f64()
            .unwrap_or(0.0);
        if let Some(buf) = buffer.dyn_ref::<ArrayBuffer>() {
            // NOTE: byteOffset and byteLength of a live view always fit in u32 in wasm32 JS engines.
            return Ok(Uint8Array::new_with_byte_offset_and_length(
                buf,
                offset as u32,
                length as u32,
            )
            .to_vec());
        }
    }
    if payload.is_undefined() || payload.is_null() {
        return Err(to_js(&Error::InvalidPayload {
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

/// A secret given as `whsec_...`/base64 text, or as raw bytes.
fn secret_from_js(value: &JsValue, raw: bool) -> Result<Secret, JsValue> {
    if let Some(text) = value.as_string() {
        if raw {
            // Like the spec libraries: a raw string secret is its UTF-16 code units taken as bytes.
            let bytes: Option<Vec<u8>> =
                text.encode_utf16().map(|u| u8::try_from(u).ok()).collect();
            let bytes = bytes.ok_or_else(|| {
                to_js(&Error::InvalidSecret {
                    reason: "a raw string secret may only hold characters up to U+00FF",
                })
            })?;
            return Secret::from_bytes(&bytes).map_err(|e| to_js(&e));
        }
        return Secret::parse(&text).map_err(|e| to_js(&e));
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Secret::from_bytes(&bytes.to_vec()).map_err(|e| to_js(&e));
    }
    if value.is_undefined() || value.is_null() {
        return Err(to_js(&Error::InvalidSecret {
            reason: "secret is required",
        }));
    }
    Err(type_error(
        "invalid_secret",
        "invalid secret: expected a whsec_ string or a Uint8Array",
        None,
    ))
}

fn get(options: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    if !options.is_object() {
        return Err(type_error(
            "invalid_argument",
            "options must be an object",
            None,
        ));
    }
    Reflect::get(options, &JsValue::from_str(key))
}

fn is_raw_format(options: &JsValue) -> Result<bool, JsValue> {
    let format = get(options, "format")?;
    if format.is_undefined() {
        return Ok(false);
    }
    match format.as_string().as_deref() {
        Some("raw") => Ok(true),
        Some("whsec") | Some("base64") => Ok(false),
        _ => Err(type_error(
            "invalid_argument",
            "format must be \"raw\" or omitted",
            None,
        )),
    }
}

fn tolerance_from(options: &JsValue) -> Result<VerifyOptions, JsValue> {
    let mut out = VerifyOptions::default();
    let t = get(options, "tolerance")?;
    if t.is_undefined() {
        return Ok(out);
    }
    match t.as_f64() {
        Some(secs) if secs.is_finite() && secs >= 0.0 && secs.fract() == 0.0 && secs <= 1e9 => {
            out.tolerance_secs = secs as u64;
            Ok(out)
        }
        _ => Err(type_error(
            "invalid_argument",
            "tolerance must be a whole number of seconds between 0 and 1e9",
            None,
        )),
    }
}

/// Unix seconds from a `Date` or a number of seconds.
fn seconds_from(value: &JsValue, what: &str) -> Result<i64, JsValue> {
    let secs = if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        date.get_time() / 1000.0
    } else if let Some(n) = value.as_f64() {
        n
    } else {
        return Err(type_error(
            "invalid_argument",
            &format!("{what} must be a Date or unix seconds"),
            None,
        ));
    };
    if !secs.is_finite() || !(0.0..=9.0e15).contains(&secs) {
        return Err(type_error(
            "invalid_argument",
            &format!("{what} is not a valid time"),
            None,
        ));
    }
    Ok(secs.floor() as i64)
}

fn now_from(options: &JsValue) -> Result<i64, JsValue> {
    let now = get(options, "now")?;
    if now.is_undefined() {
        return Ok((js_sys::Date::now() / 1000.0).floor() as i64);
    }
    seconds_from(&now, "now")
}

fn string_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        type_error(
            "invalid_argument",
            &format!("{what} must be a string"),
            None,
        )
    })
}

/// JSON.parse of the verified body, `undefined` for an empty one.
fn parse_json(payload: &[u8]) -> Result<JsValue, JsValue> {
    if payload.is_empty() {
        return Ok(JsValue::UNDEFINED);
    }
    let text = std::str::from_utf8(payload).map_err(|_| {
        to_js(&Error::InvalidPayload {
            reason: "verified body is not UTF-8 JSON; use { raw: true } for other bodies",
        })
    })?;
    js_sys::JSON::parse(text).map_err(|_| {
        to_js(&Error::InvalidPayload {
            reason: "verified body is not valid JSON; use { raw: true } for other bodies",
        })
    })
}

fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|_| {
        make_error(
            KIND_GENERAL,
            "random_unavailable",
            "no secure random source is available here",
            Some("Cloudflare Workers allow random values only inside a request handler".to_owned()),
        )
    })?;
    Ok(buf)
}

/// A Standard Webhooks receiver and signer for one secret, a drop-in for the `Webhook` class of the
/// `standardwebhooks` and `svix` packages. The key is prepared once, in the constructor.
#[wasm_bindgen]
pub struct Webhook {
    verifier: Verifier,
}

#[wasm_bindgen]
impl Webhook {
    /// `secret` is `whsec_<base64>` (the prefix is optional), or raw key bytes with
    /// `{ format: "raw" }`. `options.tolerance` (seconds, default 300) bounds the timestamp window.
    #[wasm_bindgen(constructor)]
    pub fn new(
        secret: &types::SecretInput,
        options: Option<types::WebhookOptions>,
    ) -> Result<Webhook, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let secret = secret_from_js(secret, is_raw_format(&options)?)?;
        let verifier = Verifier::new(
            Scheme::StandardWebhooks,
            &[secret],
            tolerance_from(&options)?,
        )
        .map_err(|e| to_js(&e))?;
        Ok(Webhook { verifier })
    }

    /// Sign a message: returns the `webhook-signature` value, `v1,<base64>`.
    pub fn sign(
        &self,
        msg_id: &types::StringInput,
        timestamp: &types::TimeInput,
        payload: &types::PayloadInput,
    ) -> Result<String, JsValue> {
        let id = string_arg(msg_id, "msgId")?;
        let ts = seconds_from(timestamp, "timestamp")?;
        let body = payload_bytes(payload)?;
        self.verifier.sign(&id, ts, &body).map_err(|e| to_js(&e))
    }

    /// Verify a delivery and return its parsed JSON body (`undefined` for an empty body, or
    /// always with `{ jsonParse: false }`). Throws `WebhookVerificationError` with a `code` when it
    /// does not verify.
    pub fn verify(
        &self,
        payload: &types::PayloadInput,
        headers: &types::HeadersInput,
        options: Option<types::WebhookVerifyOptions>,
    ) -> Result<types::Unknown, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let body = payload_bytes(payload)?;
        let now = (js_sys::Date::now() / 1000.0).floor() as i64;
        self.verifier
            .verify(&check_headers(headers)?, &body, now)
            .map_err(|e| to_js(&e))?;
        let json_parse = get(&options, "jsonParse")?;
        if !json_parse.is_undefined() && !json_parse.is_truthy() {
            return Ok(JsValue::UNDEFINED.unchecked_into());
        }
        Ok(parse_json(&body)?.unchecked_into())
    }

    /// The name of this object's scheme, `"standard-webhooks"`.
    #[wasm_bindgen(getter)]
    pub fn scheme(&self) -> String {
        self.verifier.scheme().name().to_owned()
    }

    #[wasm_bindgen(js_name = toString)]
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        "Webhook { secret: <redacted> }".to_owned()
    }

    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> types::Unknown {
        let o = Object::new();
        let _ = Reflect::set(&o, &"scheme".into(), &self.scheme().into());
        let _ = Reflect::set(&o, &"secret".into(), &"<redacted>".into());
        o.unchecked_into()
    }
}

fn secrets_from(options: &JsValue) -> Result<Vec<Secret>, JsValue> {
    let raw = is_raw_format(options)?;
    let one = get(options, "secret")?;
    let many = get(options, "secrets")?;
    let mut out = Vec::new();
    if !one.is_undefined() {
        out.push(secret_from_js(&one, raw)?);
    }
    if !many.is_undefined() {
        let Some(list) = many.dyn_ref::<Array>() else {
            return Err(type_error(
                "invalid_secret",
                "secrets must be an array",
                None,
            ));
        };
        if list.length() > crate::verify::MAX_KEYS as u32 {
            return Err(to_js(&Error::InvalidSecret {
                reason: "more than 64 secrets",
            }));
        }
        for s in list.iter() {
            out.push(secret_from_js(&s, raw)?);
        }
    }
    if out.is_empty() {
        return Err(to_js(&Error::InvalidSecret {
            reason: "options.secret or options.secrets is required",
        }));
    }
    Ok(out)
}

/// Verify a Standard Webhooks delivery in one call. Returns the parsed JSON body, or `undefined`
/// with `{ raw: true }` (which accepts any body bytes). `options.secrets` accepts several secrets
/// for rotation; `options.now` (a Date or unix seconds) replaces the clock in tests.
#[wasm_bindgen]
pub fn verify(
    payload: &types::PayloadInput,
    headers: &types::HeadersInput,
    options: &types::VerifyOptionsInput,
) -> Result<types::Unknown, JsValue> {
    let options: &JsValue = options;
    if !options.is_object() {
        return Err(type_error(
            "invalid_argument",
            "options with a secret are required",
            None,
        ));
    }
    let verifier = Verifier::new(
        Scheme::StandardWebhooks,
        &secrets_from(options)?,
        tolerance_from(options)?,
    )
    .map_err(|e| to_js(&e))?;
    let body = payload_bytes(payload)?;
    let now = now_from(options)?;
    verifier
        .verify(&check_headers(headers)?, &body, now)
        .map_err(|e| to_js(&e))?;
    if get(options, "raw")?.is_truthy() {
        return Ok(JsValue::UNDEFINED.unchecked_into());
    }
    Ok(parse_json(&body)?.unchecked_into())
}

/// Sign a payload and return all three Standard Webhooks headers. `id` defaults to a new
/// time-sortable `msg_...` id; `timestamp` (a Date or unix seconds) defaults to now.
#[wasm_bindgen(js_name = signHeaders)]
pub fn sign_headers(
    options: &types::SignHeadersInput,
) -> Result<types::StandardHeadersOutput, JsValue> {
    let options: &JsValue = options;
    if !options.is_object() {
        return Err(type_error(
            "invalid_argument",
            "options with a secret and a payload are required",
            None,
        ));
    }
    let verifier = Verifier::new(
        Scheme::StandardWebhooks,
        &secrets_from(options)?,
        VerifyOptions::default(),
    )
    .map_err(|e| to_js(&e))?;
    let body = payload_bytes(&get(options, "payload")?)?;
    let now_ms = js_sys::Date::now();
    let ts_value = get(options, "timestamp")?;
    let ts = if ts_value.is_undefined() {
        (now_ms / 1000.0).floor() as i64
    } else {
        seconds_from(&ts_value, "timestamp")?
    };
    let id_value = get(options, "id")?;
    let id = if id_value.is_undefined() {
        crate::id::message_id("msg_", now_ms as u64, random_bytes::<10>()?)
    } else {
        string_arg(&id_value, "id")?
    };
    let signature = verifier.sign(&id, ts, &body).map_err(|e| to_js(&e))?;
    let out = Object::new();
    Reflect::set(&out, &standard::HEADER_ID.into(), &id.into())?;
    Reflect::set(
        &out,
        &standard::HEADER_TIMESTAMP.into(),
        &ts.to_string().into(),
    )?;
    Reflect::set(&out, &standard::HEADER_SIGNATURE.into(), &signature.into())?;
    Ok(out.unchecked_into())
}

/// A new `whsec_` secret of 32 random bytes from the platform's secure random source.
#[wasm_bindgen(js_name = generateSecret)]
pub fn generate_secret() -> Result<String, JsValue> {
    Ok(Secret::from_random(random_bytes::<GENERATED_SECRET_LEN>()?).expose_encoded())
}
