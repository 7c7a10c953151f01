//! Binding for the delivery state machine ([`crate::delivery`]): one public class,
//! `DeliveryEndpoint`, and the connect-time address check. It converts; the core decides.

use js_sys::Object;
use wasm_bindgen::prelude::*;

use super::health::health_state;
use super::sender::{
    from_js, ip_text, ms_from, policy_from, policy_js, rand_value, sender_err, target_options,
    to_js, url_parts,
};
use super::{bad_argument, get, payload_bytes, set, signer_from, types};
use crate::delivery::{Begin, Endpoint, Message};
use crate::health::HealthPolicy;
use crate::retry::Outcome;
use crate::ssrf::{self, UrlParts};

/// A number argument; anything else (a string, a Symbol, a BigInt) is an `invalid_argument`.
fn number(value: &JsValue, what: &str) -> Result<f64, JsValue> {
    value
        .as_f64()
        .ok_or_else(|| bad_argument(&format!("{what} must be a number")))
}

fn ms(value: &JsValue, what: &str) -> Result<i64, JsValue> {
    ms_from(number(value, what)?, what)
}

fn attempt_number(value: &JsValue) -> Result<u32, JsValue> {
    let value = number(value, "attempt")?;
    if value.fract() == 0.0 && (1.0..=4_294_967_295.0).contains(&value) {
        Ok(value as u32)
    } else {
        Err(super::bad_value("attempt must be a whole number from 1"))
    }
}

fn ip_from(address: &JsValue) -> Result<std::net::IpAddr, JsValue> {
    let text = address
        .as_string()
        .ok_or_else(|| bad_argument("address must be a string"))?;
    ip_text(&text).ok_or_else(|| super::bad_value("address must be an IPv4 or IPv6 address"))
}

/// One subscriber as a sender drives it: its keys, URL, SSRF guard, retry policy and health,
/// in wasm memory. Per attempt, `begin` (send these headers, or skip with the result) and then
/// `finish` (what was observed → the record's outcome, the plan, the new health).
#[wasm_bindgen(js_name = DeliveryEndpoint)]
pub struct JsDeliveryEndpoint {
    endpoint: Endpoint,
    url: String,
}

#[wasm_bindgen(js_class = DeliveryEndpoint)]
impl JsDeliveryEndpoint {
    /// `options`: `url`; the keys (`secret` or `secrets`, `scheme`, `format`, `custom`);
    /// optionally `retry` (a policy, default Standard Webhooks), `healthPolicy`, a stored
    /// `health`, and `ssrf` (guard options, or `false` to send anywhere). Throws a `SenderError`
    /// (`invalid_secret`, `invalid_policy`, `invalid_url`, ...) for a bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &types::DeliveryEndpointOptions) -> Result<JsDeliveryEndpoint, JsValue> {
        let options: &JsValue = options;
        let signer = signer_from(options).map_err(super::as_sender_error)?;
        let url = get(options, "url")?;
        if !(url.is_string() || url.is_object()) {
            return Err(bad_argument("url must be a string or a URL"));
        }
        let parts_js = url_parts(&url);
        if parts_js.is_null_or_undefined() {
            return Err(sender_err(crate::error::Error::InvalidUrl {
                reason: "not a url the platform can parse",
            }));
        }
        let redacted = get(&parts_js, "redacted")?.as_string().unwrap_or_default();
        let parts: UrlParts = from_js(&parts_js, "url")?;
        let guard_js = get(options, "ssrf")?;
        let guard = if guard_js.is_falsy() && !guard_js.is_undefined() {
            None
        } else {
            Some(target_options(&guard_js)?)
        };
        let retry = policy_from(&get(options, "retry")?)?;
        let health_js = get(options, "healthPolicy")?;
        let health_policy: HealthPolicy = if health_js.is_null_or_undefined() {
            HealthPolicy::default()
        } else {
            policy_js(&health_js, "health policy")?
        };
        let health = health_state(&get(options, "health")?)?;
        let endpoint = Endpoint::new(signer, &parts, guard, retry, health_policy, health)
            .map_err(sender_err)?;
        Ok(JsDeliveryEndpoint {
            endpoint,
            url: redacted,
        })
    }

    /// The URL without credentials, for records and logs.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// New keys (`secret`/`secrets`, `scheme`, `format`, `custom`) for the same endpoint.
    pub fn rekey(&mut self, keys: &types::DeliveryKeys) -> Result<(), JsValue> {
        self.endpoint
            .rekey(signer_from(keys).map_err(super::as_sender_error)?);
        Ok(())
    }

    /// Go on from `health`, the endpoint's health as a store holds it, when it is ahead of the
    /// one held here: another sender recorded a later result, or disabled the endpoint (the
    /// core's `merge` rule). So senders sharing an endpoint agree on its failure streak.
    pub fn adopt(&mut self, health: &types::EndpointHealthJs) -> Result<(), JsValue> {
        let stored = health_state(health)?;
        self.endpoint.adopt(&stored);
        Ok(())
    }

    /// Start attempt `attempt` of message `id` with `body` (a string or bytes) at `nowMs`:
    /// `{ kind: "send", headers, probe }` or `{ kind: "skip", outcome, plan, status, error }`.
    /// The SSRF verdict on the URL comes before signing; a half-open circuit lets one `begin`
    /// through as the probe.
    pub fn begin(
        &mut self,
        attempt: &types::NumberInput,
        now_ms: &types::NumberInput,
        id: &types::StringInput,
        body: &types::PayloadInput,
    ) -> Result<types::BeginJs, JsValue> {
        let attempt = attempt_number(attempt)?;
        let now_ms = ms(now_ms, "nowMs")?;
        let id = id
            .as_string()
            .ok_or_else(|| bad_argument("id must be a string"))?;
        let bytes = payload_bytes(body)?;
        let begun = self
            .endpoint
            .begin(
                attempt,
                now_ms,
                Message {
                    id: &id,
                    body: &bytes,
                },
            )
            .map_err(sender_err)?;
        let out = Object::new();
        match begun {
            Begin::Send { headers, probe } => {
                let h = Object::new();
                for (name, value) in &headers {
                    js_sys::Reflect::set(&h, &name.into(), &value.into())?;
                }
                set(&out, "kind", &"send".into())?;
                set(&out, "headers", &h)?;
                set(&out, "probe", &probe.into())?;
                Ok(JsValue::from(out).into())
            }
            Begin::Skip(finished) => {
                let js = to_js(&finished)?;
                set(&out, "kind", &"skip".into())?;
                for key in ["outcome", "plan", "state", "status", "error"] {
                    set(&out, key, &get(&js, key)?)?;
                }
                Ok(JsValue::from(out).into())
            }
        }
    }

    /// Attempt `attempt` ended at `nowMs` with `outcome` (`{ kind: "status", status,
    /// retryAfter? }` once the response's headers arrived, `{ kind: "networkError" }`, or
    /// `{ kind: "timeout" }`); `rand` a u32 for jitter. Returns `{ outcome, plan, status, error }`
    /// and updates `health`.
    pub fn finish(
        &mut self,
        attempt: &types::NumberInput,
        outcome: &types::OutcomeInput,
        now_ms: &types::NumberInput,
        rand: &types::NumberInput,
    ) -> Result<types::FinishedJs, JsValue> {
        let attempt = attempt_number(attempt)?;
        let outcome: Outcome = from_js(outcome, "outcome")?;
        let rand = rand_value(Some(number(rand, "rand")?))?;
        let finished = self
            .endpoint
            .finish(attempt, &outcome, ms(now_ms, "nowMs")?, rand)
            .map_err(sender_err)?;
        Ok(to_js(&finished)?.into())
    }

    /// Whether the request may connect to `address`, which the URL's host name resolved to:
    /// `undefined`, or throws a `SenderError` with code `target_not_allowed`.
    #[wasm_bindgen(js_name = checkAddress)]
    pub fn check_address(&self, address: &types::StringInput) -> Result<(), JsValue> {
        self.endpoint
            .check_address(ip_from(address)?)
            .map_err(sender_err)
    }

    /// The attempt's result when the connection was refused at `address` (blocked, nothing
    /// sent): `{ outcome, plan, status, error }`.
    #[wasm_bindgen(js_name = refusedAddress)]
    pub fn refused_address(
        &self,
        address: &types::StringInput,
    ) -> Result<types::FinishedJs, JsValue> {
        ip_from(address)?;
        Ok(to_js(&self.endpoint.refused_address())?.into())
    }

    /// The endpoint's health as plain JSON, to store.
    #[wasm_bindgen(getter)]
    pub fn health(&self) -> Result<types::EndpointHealthJs, JsValue> {
        Ok(to_js(&self.endpoint.health)?.into())
    }

    /// Whether the endpoint is enabled (its health is not disabled): a store keeps this beside
    /// the health, so publishing matches no disabled endpoint.
    #[wasm_bindgen(getter)]
    pub fn enabled(&self) -> bool {
        crate::lifecycle::status(&self.endpoint.health).is_enabled()
    }
}

/// The result of attempt `attempt` that could not start, or whose worker stopped before
/// recording it, for `why` (`"endpoint_gone"`, `"keys_unavailable"`, `"worker_lost"`), at
/// `nowMs` under `retry` (a preset name or policy; default Standard Webhooks); `rand` a u32 for
/// jitter: `{ outcome, plan, state, status, error }`, recorded and planned like any attempt.
#[wasm_bindgen(js_name = unstartedAttempt)]
pub fn unstarted_attempt(
    retry: &JsValue,
    attempt: &types::NumberInput,
    why: &types::UnstartedInput,
    now_ms: &types::NumberInput,
    rand: &types::NumberInput,
) -> Result<types::FinishedJs, JsValue> {
    let policy = policy_from(retry)?;
    let why: crate::delivery::Unstarted = from_js(why, "why")?;
    let rand = rand_value(Some(number(rand, "rand")?))?;
    let finished = crate::delivery::unstarted(
        &policy,
        attempt_number(attempt)?,
        why,
        ms(now_ms, "nowMs")?,
        rand,
    )
    .map_err(sender_err)?;
    Ok(to_js(&finished)?.into())
}

/// May a connection to `host` (a name) go to `address`, one it resolved to, under the guard
/// `options`? `undefined`, or throws a `SenderError` with code `target_not_allowed`. An
/// allow-listed name vouches for its addresses. For an HTTP client's connect-time lookup hook.
#[wasm_bindgen(js_name = checkResolved)]
pub fn check_resolved(
    host: &types::StringInput,
    address: &types::StringInput,
    options: Option<types::TargetOptionsJs>,
) -> Result<(), JsValue> {
    let options = target_options(&options.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let host = host
        .as_string()
        .ok_or_else(|| bad_argument("host must be a string"))?;
    let parts = UrlParts {
        scheme: "https".to_owned(),
        host,
        ..UrlParts::default()
    };
    let ip = ip_from(address)?;
    match ssrf::check_target(&parts, &options) {
        Ok(target) => ssrf::check_resolved(&target, ip, &options),
        // The name itself is refused: so is any address it resolves to.
        Err(refusal) => Err(refusal),
    }
    .map_err(sender_err)
}

/// Throws `invalid_argument` unless a request timeout of `timeoutMs` fits a lease of `leaseMs`
/// (at most half of it): an attempt must end well inside the lease its worker holds.
#[wasm_bindgen(js_name = checkLease)]
pub fn check_lease(
    lease_ms: &types::NumberInput,
    timeout_ms: &types::NumberInput,
) -> Result<(), JsValue> {
    let whole = |v: &JsValue, what: &str| -> Result<u64, JsValue> {
        let n = number(v, what)?;
        if n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&n) {
            Ok(n as u64)
        } else {
            Err(super::bad_value(&format!(
                "{what} must be a whole number of milliseconds"
            )))
        }
    };
    crate::delivery::check_lease(whole(lease_ms, "leaseMs")?, whole(timeout_ms, "timeoutMs")?)
        .map_err(sender_err)
}

/// How long to wait at `nowMs` for something due at `atMs` when one wait may last at most
/// `maxMs` (a queue's longest delay, the platform's longest timer): `null` when it is due.
#[wasm_bindgen(js_name = nextWait)]
pub fn next_wait(
    at_ms: &types::NumberInput,
    now_ms: &types::NumberInput,
    max_ms: &types::NumberInput,
) -> Result<Option<f64>, JsValue> {
    let max_ms = number(max_ms, "maxMs")?;
    if !(1.0..=9_007_199_254_740_991.0).contains(&max_ms) {
        return Err(super::bad_value(
            "maxMs must be a number of milliseconds from 1",
        ));
    }
    Ok(
        crate::delivery::next_wait(ms(at_ms, "atMs")?, ms(now_ms, "nowMs")?, max_ms as u64)
            .map(|w| w as f64),
    )
}
