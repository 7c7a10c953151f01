//! Bindings for endpoint health ([`crate::health`]): the stored state as plain JSON in and out,
//! and `HealthTracker`, which keeps it in wasm memory. It converts; the core decides.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::sender::{from_js, now_ms_from, policy_js, sender_err, to_js};
use super::{bad_argument, get, types};
use crate::health::{self, AttemptResult, EndpointHealth, HealthPolicy};

#[wasm_bindgen(module = "/src/wasm/edge.js")]
extern "C" {
    #[wasm_bindgen(js_name = admissionObject)]
    fn admission_object(kind: &str, until_ms: Option<f64>, reason: &str) -> JsValue;
}

pub(crate) fn health_state(state: &JsValue) -> Result<EndpointHealth, JsValue> {
    if state.is_null_or_undefined() {
        return Ok(EndpointHealth::default());
    }
    from_js(state, "endpoint health")
}

fn health_policy(options: &JsValue) -> Result<HealthPolicy, JsValue> {
    let p = get(options, "policy")?;
    if p.is_undefined() {
        return Ok(HealthPolicy::default());
    }
    let policy: HealthPolicy = policy_js(&p, "health policy")?;
    policy.validate().map_err(sender_err)?;
    Ok(policy)
}

/// Fold one attempt's result into an endpoint's health and return the new state (plain JSON to
/// store). `state` undefined is a new, healthy endpoint.
#[wasm_bindgen(js_name = recordAttempt)]
pub fn record_attempt(
    state: Option<types::EndpointHealthJs>,
    result: &types::AttemptResultInput,
    options: Option<types::HealthOptions>,
) -> Result<types::EndpointHealthJs, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let state = health_state(&state.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let result: AttemptResult = from_js(result, "attempt result")?;
    let next = health::record(
        &state,
        &health_policy(&options)?,
        &result,
        now_ms_from(&options)?,
    );
    Ok(to_js(&next)?.unchecked_into())
}

/// May an attempt go to this endpoint now? `allow`, `probe` (half-open: one trial), `deny` until a
/// time (circuit open) or `disabled` with the reason.
#[wasm_bindgen(js_name = endpointAdmission)]
pub fn endpoint_admission(
    state: Option<types::EndpointHealthJs>,
    options: Option<types::HealthOptions>,
) -> Result<types::AdmissionJs, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let state = health_state(&state.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let a = health::admission(&state, &health_policy(&options)?, now_ms_from(&options)?);
    Ok(to_js(&a)?.unchecked_into())
}

/// Mark a half-open circuit's probe as started, so other workers sharing the state wait for it.
#[wasm_bindgen(js_name = beginProbe)]
pub fn begin_probe(
    state: Option<types::EndpointHealthJs>,
    options: Option<types::HealthOptions>,
) -> Result<types::EndpointHealthJs, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let state = health_state(&state.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let next = health::begin_probe(&state, &health_policy(&options)?, now_ms_from(&options)?);
    Ok(to_js(&next)?.unchecked_into())
}

/// A stored (possibly partial, possibly absent) health record with every field filled in; a new
/// endpoint's is healthy.
#[wasm_bindgen(js_name = endpointHealth)]
pub fn endpoint_health(
    state: Option<types::EndpointHealthJs>,
) -> Result<types::EndpointHealthJs, JsValue> {
    let state = health_state(&state.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    Ok(to_js(&state)?.unchecked_into())
}

/// Re-enable a disabled endpoint: clears the failure streak and the circuit.
#[wasm_bindgen(js_name = enableEndpoint)]
pub fn enable_endpoint(
    state: Option<types::EndpointHealthJs>,
) -> Result<types::EndpointHealthJs, JsValue> {
    let state = health_state(&state.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    Ok(to_js(&health::enable(&state))?.unchecked_into())
}

/// Disable an endpoint by hand; `reason` is `[a-z0-9_]{1,64}` (e.g. `manual`).
#[wasm_bindgen(js_name = disableEndpoint)]
pub fn disable_endpoint(
    state: Option<types::EndpointHealthJs>,
    reason: &types::StringInput,
    options: Option<types::ClockOptions>,
) -> Result<types::EndpointHealthJs, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let state = health_state(&state.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let reason = reason
        .as_string()
        .ok_or_else(|| bad_argument("reason must be a string"))?;
    let next = health::disable(&state, &reason, now_ms_from(&options)?).map_err(sender_err)?;
    Ok(to_js(&next)?.unchecked_into())
}

/// The one state an endpoint's stored health puts it in: `{ state: "enabled" }` or
/// `{ state: "disabled", reason, sinceMs }`.
#[wasm_bindgen(js_name = endpointStatus)]
pub fn endpoint_status(
    state: Option<types::EndpointHealthJs>,
) -> Result<types::EndpointStatusJs, JsValue> {
    let state = health_state(&state.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    Ok(to_js(&crate::lifecycle::status(&state))?.unchecked_into())
}

/// What an owner's change (`{ enabled?, urlChanged?, deleted? }`) does to an endpoint whose
/// stored health is `state`, at `nowMs`: the health and state to store, whether attempts begun
/// before must not write over it, and whether its pending deliveries end (and why).
#[wasm_bindgen(js_name = endpointChange)]
pub fn endpoint_change(
    state: Option<types::EndpointHealthJs>,
    change: &types::EndpointChangeInput,
    options: Option<types::ClockOptions>,
) -> Result<types::EndpointChangedJs, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let state = health_state(&state.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let change: crate::lifecycle::Change = from_js(change, "endpoint change")?;
    let changed = crate::lifecycle::owner_change(&state, &change, now_ms_from(&options)?);
    Ok(to_js(&changed)?.unchecked_into())
}

/// The operational event of an endpoint's health going from `before` to `after` (an attempt's
/// result, an owner's change) at `options.now` under `options.policy`: `endpoint.failing` (a
/// warning: the streak reached a percent of the failing window), `endpoint.disabled`,
/// `endpoint.enabled` or `endpoint.recovered`, with its `key`; `null` when the state did not
/// change.
#[wasm_bindgen(js_name = endpointEvent)]
pub fn endpoint_event(
    before: Option<types::EndpointHealthJs>,
    after: Option<types::EndpointHealthJs>,
    options: Option<types::HealthOptions>,
) -> Result<types::EndpointEventOrNull, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let before = health_state(&before.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let after = health_state(&after.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let event = crate::lifecycle::event(
        &before,
        &after,
        &health_policy(&options)?,
        now_ms_from(&options)?,
    );
    Ok(to_js(&event)?.unchecked_into())
}

fn admission_to_js(a: &health::Admission) -> Result<JsValue, JsValue> {
    use health::Admission;
    Ok(match a {
        Admission::Allow => admission_object("allow", None, ""),
        Admission::Probe => admission_object("probe", None, ""),
        Admission::Deny { until_ms } => admission_object("deny", Some(*until_ms as f64), ""),
        Admission::Disabled { reason } => admission_object("disabled", None, reason),
    })
}

/// One endpoint's health kept in wasm memory, for a sender that records every attempt: the
/// same decisions as `recordAttempt` / `endpointAdmission`, without passing the state back and
/// forth each time. `state` is the plain JSON to store.
#[wasm_bindgen(js_name = HealthTracker)]
pub struct JsHealthTracker {
    state: EndpointHealth,
    policy: HealthPolicy,
}

#[wasm_bindgen(js_class = HealthTracker)]
impl JsHealthTracker {
    /// `state`: a stored health record, or undefined for a new, healthy endpoint.
    #[wasm_bindgen(constructor)]
    pub fn new(
        state: Option<types::EndpointHealthJs>,
        options: Option<types::HealthOptions>,
    ) -> Result<JsHealthTracker, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        Ok(JsHealthTracker {
            state: health_state(&state.map(Into::into).unwrap_or(JsValue::UNDEFINED))?,
            policy: health_policy(&options)?,
        })
    }

    /// May an attempt go to this endpoint now? As `endpointAdmission`.
    pub fn admission(
        &self,
        options: Option<types::ClockOptions>,
    ) -> Result<types::AdmissionJs, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let a = health::admission(&self.state, &self.policy, now_ms_from(&options)?);
        Ok(admission_to_js(&a)?.unchecked_into())
    }

    /// Fold one attempt's result into the state, as `recordAttempt`.
    pub fn record(
        &mut self,
        result: &types::AttemptResultInput,
        options: Option<types::ClockOptions>,
    ) -> Result<(), JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let result: AttemptResult = from_js(result, "attempt result")?;
        self.state = health::record(&self.state, &self.policy, &result, now_ms_from(&options)?);
        Ok(())
    }

    /// Mark a half-open circuit's probe as started, as `beginProbe`.
    #[wasm_bindgen(js_name = beginProbe)]
    pub fn begin_probe(&mut self, options: Option<types::ClockOptions>) -> Result<(), JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        self.state = health::begin_probe(&self.state, &self.policy, now_ms_from(&options)?);
        Ok(())
    }

    /// The state as plain JSON, every field filled in.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> Result<types::EndpointHealthJs, JsValue> {
        Ok(to_js(&self.state)?.unchecked_into())
    }

    /// The same as `state`, so `JSON.stringify(tracker)` writes what to store.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Result<types::EndpointHealthJs, JsValue> {
        self.state()
    }
}
