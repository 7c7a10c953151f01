//! Bindings for the sender's decisions: envelopes, matching, retry, SSRF and health.
//!
//! Plain data crosses as JSON through serde (the core's types are camelCase on purpose), so each
//! function's input and output is exactly the shape in `tests/vectors/*.json` and the `.d.ts`.

use js_sys::{Array, Object, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{bad_argument, get, js_err, random_bytes, set, types};
use crate::envelope::{self, EnvelopeOptions, EventInput};
use crate::error::Error;

/// A JS value into a core type through JSON; a shape mistake is a `TypeError` naming `what`.
pub(crate) fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    let text = if value.is_undefined() {
        "null".to_owned()
    } else {
        js_sys::JSON::stringify(value)
            .map_err(|_| bad_argument(&format!("{what} cannot be serialized to JSON")))?
            .as_string()
            .unwrap_or_else(|| "null".to_owned())
    };
    serde_json::from_str(&text).map_err(|e| {
        // serde's message names the field and what it expected; it never holds key material
        // because no secret travels through these types.
        bad_argument(&format!("invalid {what}: {e}"))
    })
}

/// A core value out to JS through JSON.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|_| {
        js_err(Error::InvalidArgument {
            reason: "result cannot be serialized",
        })
    })?;
    js_sys::JSON::parse(&text)
}

/// Unix milliseconds from `options.now` (a Date or unix milliseconds), or the clock.
pub(crate) fn now_ms_from(options: &JsValue) -> Result<i64, JsValue> {
    let now = get(options, "now")?;
    if now.is_undefined() {
        return Ok(js_sys::Date::now().floor() as i64);
    }
    let ms = if let Some(d) = now.dyn_ref::<js_sys::Date>() {
        d.get_time()
    } else if let Some(n) = now.as_f64() {
        n
    } else {
        return Err(bad_argument("now must be a Date or unix milliseconds"));
    };
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return Err(bad_argument("now is not a valid time"));
    }
    Ok(ms.floor() as i64)
}

/// `options.random` (exactly N bytes, for deterministic tests) or N bytes from the platform.
pub(crate) fn random_from<const N: usize>(options: &JsValue) -> Result<[u8; N], JsValue> {
    let r = get(options, "random")?;
    if r.is_undefined() {
        return random_bytes::<N>();
    }
    let bytes = r
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .ok_or_else(|| bad_argument(&format!("random must be a Uint8Array of {N} bytes")))?;
    bytes
        .try_into()
        .map_err(|_| bad_argument(&format!("random must be a Uint8Array of {N} bytes")))
}

/// Check an event type: dot-separated `[A-Za-z0-9_-]` segments, at most 256 characters. Throws a
/// `HooklineError` with code `invalid_event_type`.
#[wasm_bindgen(js_name = validateEventType)]
pub fn validate_event_type(event_type: &types::StringInput) -> Result<(), JsValue> {
    let t = event_type
        .as_string()
        .ok_or_else(|| bad_argument("event type must be a string"))?;
    envelope::validate_event_type(&t).map_err(js_err)
}

/// A new time-sortable event id: `prefix` (default `msg_`) and a ULID.
#[wasm_bindgen(js_name = eventId)]
pub fn event_id(
    prefix: Option<String>,
    options: Option<types::ClockOptions>,
) -> Result<String, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let prefix = prefix.unwrap_or_else(|| "msg_".to_owned());
    envelope::event_id(
        &prefix,
        now_ms_from(&options)?,
        random_from::<10>(&options)?,
    )
    .map_err(js_err)
}

/// Build an event envelope: `{ id, type, timestamp, [api_version], [tenant_id], ...fields, data }`
/// serialized canonically. `body` holds the exact bytes to sign and send.
#[wasm_bindgen(js_name = buildEnvelope)]
pub fn build_envelope(
    event: &types::EventInputJs,
    options: Option<types::EnvelopeOptionsJs>,
) -> Result<types::EnvelopeJs, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let input: EventInput = from_js(event, "event")?;
    let opts: EnvelopeOptions = {
        let bag = Object::new();
        for key in ["maxPayloadBytes", "idPrefix", "offload"] {
            let v = get(&options, key)?;
            if !v.is_undefined() {
                set(&bag, key, &v)?;
            }
        }
        from_js(&bag, "envelope options")?
    };
    let env = envelope::build_envelope(
        &input,
        &opts,
        now_ms_from(&options)?,
        random_from::<10>(&options)?,
    )
    .map_err(js_err)?;
    let out = Object::new();
    set(&out, "id", &env.id.as_str().into())?;
    set(&out, "type", &env.event_type.as_str().into())?;
    set(&out, "timestamp", &env.timestamp.as_str().into())?;
    set(&out, "timestampMs", &(env.timestamp_ms as f64).into())?;
    if let Some(t) = &env.tenant {
        set(&out, "tenant", &t.as_str().into())?;
    }
    let channels: Array = env.channels.iter().map(|c| JsValue::from_str(c)).collect();
    set(&out, "channels", &channels)?;
    set(&out, "body", &Uint8Array::from(env.body.as_slice()))?;
    let parts = Array::new();
    for p in &env.offloaded {
        let o: JsValue = to_js(p)?;
        set(
            o.unchecked_ref(),
            "body",
            &Uint8Array::from(p.body.as_slice()),
        )?;
        parts.push(&o);
    }
    set(&out, "offloaded", &parts)?;
    Ok(out.unchecked_into())
}
