//! Bindings for signing: `signHeaders`, `Signer`, Stripe's test header, and the key reading the
//! sender's endpoints share. It converts; the core signs.

use super::*;

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
pub(crate) fn signer_from(options: &JsValue) -> Result<Signer, JsValue> {
    let keys = keys_from(options)?;
    let inputs: Vec<KeyInput> = keys.iter().map(|(k, _)| k.input()).collect();
    let (scheme, custom) = scheme_from(options)?;
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
        (js_sys::Date::now() / 1000.0).floor() as i64
    } else {
        seconds_from(timestamp, "timestamp")?
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
    let ts = match get(options, "timestamp")? {
        t if t.is_undefined() => clock_seconds(),
        t => seconds_from(&t, "timestamp")?,
    };
    let scheme = string_option(options, "scheme")?.unwrap_or_else(|| "v1".to_owned());
    if scheme != "v1" {
        return Err(bad_argument("only the v1 scheme is supported"));
    }
    if let Some(signature) = string_option(options, "signature")? {
        return Ok(format!("t={ts},v1={signature}"));
    }
    let secret = string_option(options, "secret")?.ok_or_else(|| {
        js_err(Error::InvalidSecret {
            reason: "options.secret is required",
        })
    })?;
    let signer = Signer::new(Scheme::Stripe, &[KeyInput::Text(&secret)])
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
