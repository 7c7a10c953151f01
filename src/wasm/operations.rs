//! Bindings for what operators and tracers see ([`crate::readiness`], [`crate::trace`]). They
//! convert; the core decides.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::sender::{from_js, sender_err, to_js};
use super::{bad_argument, types};
use crate::readiness::{self, Facts, Policy};
use crate::trace;

/// The readiness verdict on what a health check saw (`facts`) under `policy` (default: a worker
/// stalls after 30 s, a backlog is late after 5 minutes): `{ status: "ok" | "degraded" |
/// "unavailable", ready, checks, oldestDueAgeMs }`. Throws `invalid_policy` for a bad policy.
#[wasm_bindgen(js_name = readiness)]
pub fn readiness_of(
    facts: &types::ReadinessFactsInput,
    policy: Option<types::ReadinessPolicyInput>,
) -> Result<types::ReadinessJs, JsValue> {
    let facts: Facts = from_js(facts, "readiness facts")?;
    let policy: Policy = match policy.map(JsValue::from) {
        Some(p) if !p.is_null_or_undefined() => from_js(&p, "readiness policy")?,
        _ => Policy::default(),
    };
    policy.validate().map_err(sender_err)?;
    Ok(to_js(&readiness::readiness(&facts, &policy))?.unchecked_into())
}

/// A W3C `traceparent` header's value in its version-00 form, or `null` when it is absent or
/// invalid: an invalid one is ignored, as W3C Trace Context asks of a receiver.
#[wasm_bindgen(js_name = traceparent)]
pub fn traceparent_of(header: &JsValue) -> Result<types::StringOrNull, JsValue> {
    let read = if header.is_null_or_undefined() {
        None
    } else {
        let text = header
            .as_string()
            .ok_or_else(|| bad_argument("traceparent must be a string"))?;
        trace::parse(&text).map(|t| t.header())
    };
    // Through JSON, as the other results: `null` when there is none.
    Ok(to_js(&read)?.unchecked_into())
}

/// The `traceparent` of one delivery attempt: the same trace and flags as `traceparent` (a
/// valid header, as `traceparent()` gives it), with `span` (8 random bytes, drawn by the caller)
/// as its parent id. Throws `invalid_argument` for an invalid header or a span of another size.
#[wasm_bindgen(js_name = traceChild)]
pub fn trace_child(traceparent: &types::StringInput, span: &JsValue) -> Result<String, JsValue> {
    let text = traceparent
        .as_string()
        .ok_or_else(|| bad_argument("traceparent must be a string"))?;
    let parent = trace::parse(&text)
        .ok_or_else(|| super::bad_value("traceparent is not a valid W3C traceparent"))?;
    let bytes: [u8; 8] = span
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| bad_argument("span must be a Uint8Array of 8 random bytes"))?;
    Ok(parent.child(bytes).header())
}
