//! Bindings for signing: `signHeaders`, `Signer`, Stripe's test header, and the key reading the
//! sender's endpoints share. It converts (keys and schemes the receiver's way, through
//! `crate::input`); the core signs.

use super::*;
use crate::input::{self, OwnedKey};
use crate::scheme::keys::KeyInput;
use crate::scheme::Scheme;

/// Sign a payload and return the headers to send. `scheme` defaults to Standard Webhooks, whose
/// `id` defaults to a new time-sortable `msg_...` id; `timestamp` (a Date or unix seconds)
/// defaults to now.
#[wasm_bindgen(js_name = signHeaders)]
pub fn sign_headers(options: &types::SignHeadersInput) -> Result<types::SignedHeaders, JsValue> {
    let options: &JsValue = options;
    if !options.is_object() {
        return Err(bad_argument(
            "options with a secret and a payload are required",
        ));
    }
    let signer = signer_from(options)?;
    sign_with(
        &signer,
        &get(options, "payload")?,
        &get(options, "id")?,
        &get(options, "timestamp")?,
    )
}

/// The signer an options bag describes: `scheme` (default Standard Webhooks), `custom`, keys.
/// The glue encodes the options (running their getters in JS, catching what they throw) and the
/// receiver's converter reads them: one set of rules for a key, a scheme and a custom layout.
pub(crate) fn signer_from(options: &JsValue) -> Result<Signer, JsValue> {
    let encoded = encode_options(options);
    let options = decoded(&encoded);
    let keys: Vec<(OwnedKey, String)> = input::keys_from(&options).map_err(js_error)?;
    let inputs: Vec<KeyInput> = keys.iter().map(|(k, _)| k.input()).collect();
    let (scheme, custom) = input::scheme_from(&options).map_err(js_error)?;
    match (scheme, custom) {
        (None | Some(Scheme::Custom), Some(c)) => Signer::custom(c, &inputs),
        (scheme, _) => Signer::new(scheme.unwrap_or(Scheme::StandardWebhooks), &inputs),
    }
    .map(host_signer)
    .map_err(js_err)
}

fn sign_with(
    signer: &Signer,
    payload: &JsValue,
    id: &JsValue,
    timestamp: &JsValue,
) -> Result<types::SignedHeaders, JsValue> {
    let body = payload_bytes(payload)?;
    // The clock is read only for what the caller left out.
    let ts = if timestamp.is_undefined() {
        clock_seconds()
    } else {
        seconds_of(timestamp, "timestamp")?
    };
    // A given id is a string (checked below); its header value is handed back as that string.
    let given_id = (!id.is_undefined()).then_some(id);
    let id = if given_id.is_none() {
        let now_ms = js_sys::Date::now();
        crate::id::message_id("msg_", now_ms as u64, pooled_random::<10>()?)
    } else {
        id.as_string()
            .ok_or_else(|| bad_argument("options.id must be a string"))?
    };
    let headers = signer.sign(&id, ts, &body).map_err(js_err)?;
    if headers.len() <= 4 {
        // One call builds the object: signing sits on every delivery attempt's path. Names come
        // from a cache, and a value equal to the id given is that same JS string.
        let pair = |i: usize| match headers.get(i) {
            None => (JsValue::UNDEFINED, JsValue::UNDEFINED),
            Some((n, v)) => {
                let value = match given_id {
                    Some(given) if *v == id => given.clone(),
                    _ => JsValue::from_str(v),
                };
                (header_name(n), value)
            }
        };
        let [(n0, v0), (n1, v1), (n2, v2), (n3, v3)] = [pair(0), pair(1), pair(2), pair(3)];
        let count = headers.len() as u32;
        return Ok(headers_object(count, &n0, &v0, &n1, &v1, &n2, &v2, &n3, &v3).unchecked_into());
    }
    let out = Object::new();
    for (name, value) in &headers {
        Reflect::set(&out, &name.as_str().into(), &value.as_str().into())?;
    }
    Ok(out.unchecked_into())
}

/// Keys prepared once for signing many payloads, e.g. one per endpoint in a sender: the same
/// options as `signHeaders` without the per-message fields. Reuse it; each `sign` then skips
/// decoding and checking the secrets.
#[wasm_bindgen(js_name = Signer)]
pub struct JsSigner {
    inner: Signer,
}

#[wasm_bindgen(js_class = Signer)]
impl JsSigner {
    #[wasm_bindgen(constructor)]
    pub fn new(options: &types::SignerOptions) -> Result<JsSigner, JsValue> {
        let options: &JsValue = options;
        if !options.is_object() {
            return Err(bad_argument("options with a secret are required"));
        }
        Ok(JsSigner {
            inner: signer_from(options)?,
        })
    }

    /// The headers for `payload` (exactly the bytes to send). `id` (Standard Webhooks) defaults
    /// to a new `msg_...` id and `timestamp` (a Date or unix seconds) to now.
    pub fn sign(
        &self,
        payload: &types::PayloadInput,
        id: Option<types::StringInput>,
        timestamp: Option<types::TimeInput>,
    ) -> Result<types::SignedHeaders, JsValue> {
        sign_with(
            &self.inner,
            payload,
            &id.map(Into::into).unwrap_or(JsValue::UNDEFINED),
            &timestamp.map(Into::into).unwrap_or(JsValue::UNDEFINED),
        )
    }

    /// Never the keys: `Signer { scheme, keys: <redacted> }`.
    #[wasm_bindgen(js_name = toString)]
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        format!(
            "Signer {{ scheme: {}, keys: <redacted> }}",
            self.inner.scheme().name()
        )
    }
}

/// Stripe's test helper, as in stripe-node: the `Stripe-Signature` value for `payload` signed with
/// `secret` at `timestamp` (unix seconds, default now), or carrying `signature` if given.
#[wasm_bindgen(js_name = generateTestHeaderString)]
pub fn generate_test_header_string(
    options: &types::StripeTestHeaderInput,
) -> Result<String, JsValue> {
    let options: &JsValue = options;
    let encoded = encode_options(options);
    let read = decoded(&encoded);
    let ts = match input::get(&read, "timestamp").map_err(js_error)? {
        Value::Undefined => clock_seconds(),
        t => input::seconds_from(t, "timestamp").map_err(js_error)?,
    };
    let scheme = input::string_option(&read, "scheme").map_err(js_error)?;
    if scheme.is_some_and(|s| s != "v1") {
        return Err(bad_argument("only the v1 scheme is supported"));
    }
    if let Some(signature) = input::string_option(&read, "signature").map_err(js_error)? {
        return Ok(format!("t={ts},v1={signature}"));
    }
    let Some(secret) = input::string_option(&read, "secret").map_err(js_error)? else {
        return Err(js_err(Error::InvalidSecret {
            reason: "options.secret is required",
        }));
    };
    let signer = Signer::new(Scheme::Stripe, &[KeyInput::Text(secret)])
        .map(host_signer)
        .map_err(js_err)?;
    let body = payload_bytes(&get(options, "payload")?)?;
    let headers = signer.sign("", ts, &body).map_err(js_err)?;
    Ok(headers
        .into_iter()
        .map(|(_, v)| v)
        .next()
        .unwrap_or_default())
}
