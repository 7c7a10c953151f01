//! Bindings for throttled and ordered delivery ([`crate::throttle`], [`crate::ordering`]): plain
//! JSON in and out. They convert; the core decides.

use js_sys::Object;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::sender::{from_js, ms_from, sender_err, to_js};
use super::{bad_argument, get, set, types};
use crate::delivery::AttemptOutcome;
use crate::ordering::{self, OrderingPolicy};
use crate::throttle::{self, Pace, RateLimit, Sent, Throttle};

fn ms(value: &JsValue, what: &str) -> Result<i64, JsValue> {
    let n = value
        .as_f64()
        .ok_or_else(|| bad_argument(&format!("{what} must be a number")))?;
    ms_from(n, what)
}

/// The attempt result given, handed back as it is.
fn same(finished: &types::FinishedJs) -> types::FinishedJs {
    let value: &JsValue = finished;
    value.clone().unchecked_into()
}

// Results with fractional milliseconds are built here, not through serde: the wasm then carries
// no float formatting (the JS numbers are the floats themselves).

/// A JS object of `fields`, in order.
fn object(fields: &[(&'static str, JsValue)]) -> Result<JsValue, JsValue> {
    let out = Object::new();
    for (key, value) in fields {
        set(&out, key, value)?;
    }
    Ok(out.into())
}

fn throttle_js(t: &Throttle) -> Result<JsValue, JsValue> {
    object(&[
        ("tatMs", t.tat_ms.into()),
        ("lineEndMs", t.line_end_ms.into()),
        ("slowLevel", f64::from(t.slow_level).into()),
        ("slowUntilMs", (t.slow_until_ms as f64).into()),
        ("pausedUntilMs", (t.paused_until_ms as f64).into()),
        ("resetAtMs", (t.reset_at_ms as f64).into()),
    ])
}

fn rate_limit(value: &JsValue) -> Result<RateLimit, JsValue> {
    let limit: RateLimit = from_js(value, "rate limit")?;
    limit.validate().map_err(sender_err)?;
    Ok(limit)
}

/// Field `key` of `value`: a number (fractional milliseconds kept), or `default` when absent.
fn number_field(value: &JsValue, key: &'static str, default: f64) -> Result<f64, JsValue> {
    let field = get(value, key)?;
    if field.is_null_or_undefined() {
        return Ok(default);
    }
    field
        .as_f64()
        .filter(|n| n.is_finite() && n.abs() <= 8.64e15)
        .ok_or_else(|| super::bad_value(&format!("{key} must be a number of milliseconds")))
}

/// Field `key` of `value` as whole milliseconds, or 0 when absent.
fn ms_field(value: &JsValue, key: &'static str) -> Result<i64, JsValue> {
    ms_from(number_field(value, key, 0.0)?, key)
}

// The bucket and the pace are read field by field (plain numbers), not through serde.
fn throttle_state(value: &JsValue) -> Result<Throttle, JsValue> {
    if value.is_null_or_undefined() {
        return Ok(Throttle::default());
    }
    if !value.is_object() {
        return Err(super::bad_value("throttle must be an object"));
    }
    let level = number_field(value, "slowLevel", 0.0)?;
    if level.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&level) {
        return Err(super::bad_value("slowLevel must be a whole number"));
    }
    Ok(Throttle {
        tat_ms: number_field(value, "tatMs", 0.0)?,
        line_end_ms: number_field(value, "lineEndMs", 0.0)?,
        slow_level: level as u32,
        slow_until_ms: ms_field(value, "slowUntilMs")?,
        paused_until_ms: ms_field(value, "pausedUntilMs")?,
        reset_at_ms: ms_field(value, "resetAtMs")?,
    })
}

fn ordering_policy(value: &JsValue) -> Result<OrderingPolicy, JsValue> {
    let policy: OrderingPolicy = if value.is_null_or_undefined() {
        OrderingPolicy::default()
    } else {
        from_js(value, "ordering policy")?
    };
    policy.validate().map_err(sender_err)?;
    Ok(policy)
}

/// An endpoint's rate limit checked and with its defaults: `{ rateLimit, rateLimitBurst }`.
/// Throws `invalid_argument` for a rate outside 0.001 to 10,000 per second or a burst outside 1
/// to 1000.
#[wasm_bindgen(js_name = checkRateLimit)]
pub fn check_rate_limit(limit: &types::RateLimitInput) -> Result<types::RateLimitJs, JsValue> {
    let limit = rate_limit(limit)?;
    Ok(object(&[
        ("rateLimit", limit.per_second.into()),
        ("rateLimitBurst", f64::from(limit.burst).into()),
    ])?
    .unchecked_into())
}

/// When may the due deliveries of an endpoint with rate limit `limit` and bucket `throttle` start,
/// decided at `nowMs` by a claim that holds them for `leaseMs`? `reservedAtMs` holds, per delivery
/// in the order they should go, when an earlier `throttleAdmit` gave it its place in line (its
/// wait has ended), or null. Returns `{ throttle, starts }`: the bucket to store and, per
/// delivery, `{ kind: "start", atMs }` (send it then: now, or up to min(1 s, leaseMs / 4) ahead)
/// or `{ kind: "wait", untilMs }` (put it back until then).
#[wasm_bindgen(js_name = throttleAdmit)]
pub fn throttle_admit(
    limit: &types::RateLimitInput,
    throttle: Option<types::ThrottleJs>,
    now_ms: &types::NumberInput,
    lease_ms: &types::NumberInput,
    reserved_at_ms: &types::ReservedInput,
) -> Result<types::AdmittedJs, JsValue> {
    let lease_ms = lease_ms
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(n))
        .ok_or_else(|| super::bad_value("leaseMs must be a whole number of milliseconds"))?;
    let limit = rate_limit(limit)?;
    let state = throttle_state(&throttle.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let list = reserved_at_ms
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| bad_argument("reservedAtMs must be an array"))?;
    if list.length() > 1000 {
        return Err(super::bad_value(
            "reservedAtMs: at most 1000 deliveries at once",
        ));
    }
    let reserved = list
        .iter()
        .map(|r| {
            if r.is_null_or_undefined() {
                Ok(None)
            } else {
                ms(&r, "reservedAtMs").map(Some)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let admitted = throttle::admit(
        &limit,
        &state,
        ms(now_ms, "nowMs")?,
        lease_ms as u64,
        &reserved,
    );
    let pace = object(&[
        ("intervalMs", admitted.pace.interval_ms.into()),
        ("toleranceMs", admitted.pace.tolerance_ms.into()),
    ])?;
    Ok(object(&[
        ("throttle", throttle_js(&admitted.throttle)?),
        ("starts", to_js(&admitted.starts)?),
        ("pace", pace),
    ])?
    .unchecked_into())
}

/// The bucket after a response (`{ status, retryAfter? }`, the `Retry-After` header as sent) to
/// a request that started at `startedAtMs`, seen at `nowMs`: a 429 or a 503 slows the endpoint
/// down; any other status leaves it as it is.
#[wasm_bindgen(js_name = throttleObserve)]
pub fn throttle_observe(
    throttle: Option<types::ThrottleJs>,
    response: &types::ThrottleResponseInput,
    started_at_ms: &types::NumberInput,
    now_ms: &types::NumberInput,
) -> Result<types::ThrottleJs, JsValue> {
    let state = throttle_state(&throttle.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let status = get(response, "status")?
        .as_f64()
        .filter(|s| s.fract() == 0.0 && (100.0..=599.0).contains(s))
        .ok_or_else(|| super::bad_value("status must be an HTTP status from 100 to 599"))?;
    let retry_after = get(response, "retryAfter")?.as_string();
    let next = throttle::observe(
        &state,
        status as u16,
        retry_after.as_deref(),
        ms(started_at_ms, "startedAtMs")?,
        ms(now_ms, "nowMs")?,
    );
    Ok(throttle_js(&next)?.unchecked_into())
}

/// When a worker sends a delivery `throttleAdmit` gave the start `startMs` at `pace` (its answer's
/// `pace`): `sent` is where the worker's sends to that endpoint stand (`{}` before the first) and
/// `previousMs` when the one before this really went out (omit it for the first). Returns `{ atMs,
/// sent }`: send at `atMs` (its start, or later if an earlier send went out late, by the burst's
/// tolerance at most), and keep `sent` for the next.
#[wasm_bindgen(js_name = throttlePace)]
pub fn throttle_pace(
    pace: &types::PaceJs,
    sent: Option<types::SentJs>,
    start_ms: &types::NumberInput,
    previous_ms: Option<types::NumberInput>,
) -> Result<types::PacedJs, JsValue> {
    let pace_js: &JsValue = pace;
    if !pace_js.is_object() {
        return Err(bad_argument("pace must be an object"));
    }
    let pace = Pace {
        interval_ms: number_field(pace_js, "intervalMs", f64::NAN)
            .ok()
            .filter(|n| *n > 0.0)
            .ok_or_else(|| super::bad_value("pace.intervalMs must be a positive number"))?,
        tolerance_ms: number_field(pace_js, "toleranceMs", f64::NAN)
            .ok()
            .filter(|n| *n >= 0.0)
            .ok_or_else(|| super::bad_value("pace.toleranceMs must be a number"))?,
    };
    let sent = match sent.map(JsValue::from) {
        Some(v) if !v.is_null_or_undefined() => Sent {
            tat_ms: number_field(&v, "tatMs", 0.0)?,
        },
        _ => Sent::default(),
    };
    let previous = match previous_ms.map(JsValue::from) {
        Some(v) if !v.is_null_or_undefined() => Some(ms(&v, "previousMs")?),
        _ => None,
    };
    let paced = throttle::pace(&pace, &sent, ms(start_ms, "startMs")?, previous);
    let sent = object(&[("tatMs", paced.sent.tat_ms.into())])?;
    Ok(object(&[("atMs", (paced.at_ms as f64).into()), ("sent", sent)])?.unchecked_into())
}

/// A bucket at rest for a rate limit set at `nowMs`: waits given under an earlier limit no
/// longer hold.
#[wasm_bindgen(js_name = throttleReset)]
pub fn throttle_reset(now_ms: &types::NumberInput) -> Result<types::ThrottleJs, JsValue> {
    Ok(throttle_js(&throttle::reset(ms(now_ms, "nowMs")?))?.unchecked_into())
}

/// The key a delivery to an endpoint is ordered by: null when the endpoint is not `ordered`,
/// else the event's `orderingKey`, or `""` (the endpoint's own key) without one. Throws
/// `invalid_argument` for a key that is not 1 to 256 bytes of text without control characters,
/// whether or not the endpoint is ordered.
#[wasm_bindgen(js_name = orderingKeyFor)]
pub fn ordering_key_for(
    ordered: &types::BooleanInput,
    ordering_key: Option<types::StringInput>,
) -> Result<Option<String>, JsValue> {
    let ordered = ordered
        .as_bool()
        .ok_or_else(|| bad_argument("ordered must be true or false"))?;
    let key = match ordering_key.map(JsValue::from) {
        None => None,
        Some(k) if k.is_undefined() || k.is_null() => None,
        Some(k) => Some(
            k.as_string()
                .ok_or_else(|| bad_argument("orderingKey must be a string"))?,
        ),
    };
    ordering::key_for(ordered, key.as_deref()).map_err(sender_err)
}

/// An ordering policy checked and with its defaults: `{ maxBlockMs }` (default one hour).
/// Throws `invalid_policy` for a `maxBlockMs` that is not positive.
#[wasm_bindgen(js_name = checkOrderingPolicy)]
pub fn check_ordering_policy(
    policy: Option<types::OrderingPolicyJs>,
) -> Result<types::OrderingPolicyJs, JsValue> {
    let policy = ordering_policy(&policy.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    Ok(to_js(&policy)?.unchecked_into())
}

/// An attempt's result (`finished`, as `DeliveryEndpoint.finish` or `unstartedAttempt` gave it)
/// for the head of an ordering key since `headSinceMs`, at `nowMs`, under `policy`: the same
/// result, unless it plans a retry past `maxBlockMs` from `headSinceMs`, which gives the delivery
/// up (`giveUp`, reason `ordering_blocked`) so the rest of its key can go.
#[wasm_bindgen(js_name = orderedAttempt)]
pub fn ordered_attempt(
    finished: &types::FinishedJs,
    head_since_ms: &types::NumberInput,
    now_ms: &types::NumberInput,
    policy: Option<types::OrderingPolicyJs>,
) -> Result<types::FinishedJs, JsValue> {
    let policy = ordering_policy(&policy.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let head_since_ms = ms(head_since_ms, "headSinceMs")?;
    let now_ms = ms(now_ms, "nowMs")?;
    // Only a retry's time is read to decide; the rest only when the core gives the head up.
    let plan = get(finished, "plan")?;
    if get(&plan, "kind")?.as_string().as_deref() != Some("retry") {
        if plan.is_object() {
            return Ok(same(finished));
        }
        return Err(super::bad_value("an attempt result has a plan with a kind"));
    }
    let at_ms = ms(&get(&plan, "atMs")?, "plan.atMs")?;
    if !ordering::past_block(head_since_ms, &policy, at_ms) {
        return Ok(same(finished));
    }
    let outcome: AttemptOutcome = from_js(&get(finished, "outcome")?, "outcome")?;
    let status = get(finished, "status")?
        .as_f64()
        .filter(|s| s.fract() == 0.0 && (100.0..=599.0).contains(s))
        .map(|s| s as u16);
    let error = get(finished, "error")?.as_string();
    let given = ordering::give_up(outcome, status, error, head_since_ms, &policy, now_ms);
    Ok(to_js(&given)?.unchecked_into())
}
