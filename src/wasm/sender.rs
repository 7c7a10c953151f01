//! Bindings for the sender's decisions: envelopes, matching, retry, SSRF and health.
//!
//! Plain data crosses as JSON through serde (the core's types are camelCase on purpose), so each
//! function's input and output is exactly the shape in `tests/vectors/*.json` and the `.d.ts`.

use js_sys::{Array, Object, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{bad_argument, get, name_value, pooled_random, set, types};
use crate::envelope::{self, EnvelopeOptions, EventInput};
use crate::error::Error;
use crate::matching::{EventMeta, Matcher as CoreMatcher, Subscription};
use crate::ssrf::{self, TargetOptions, UrlParts};

/// A core error as the sender's exports throw it: a `SenderError`.
pub(crate) fn sender_err(err: Error) -> JsValue {
    super::sender_error(&err)
}

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
        super::bad_value(&format!("invalid {what}: {e}"))
    })
}

/// A core value out to JS through JSON.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|_| {
        sender_err(Error::InvalidArgument {
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
    // A number first (the common case): each check is a call into JS.
    let ms = if let Some(n) = now.as_f64() {
        n
    } else if let Some(d) = now.dyn_ref::<js_sys::Date>() {
        d.get_time()
    } else {
        return Err(bad_argument("now must be a Date or unix milliseconds"));
    };
    ms_from(ms, "now")
}

/// Unix milliseconds as a number: finite and in the Date range; `what` names it in the error.
pub(crate) fn ms_from(ms: f64, what: &str) -> Result<i64, JsValue> {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return Err(super::bad_value(&format!("{what} is not a valid time")));
    }
    Ok(ms.floor() as i64)
}

/// A jitter draw given as a number: a whole number from 0 to 2^32-1.
pub(crate) fn rand_value(n: Option<f64>) -> Result<u32, JsValue> {
    match n {
        Some(n) if n.fract() == 0.0 && (0.0..=4_294_967_295.0).contains(&n) => Ok(n as u32),
        _ => Err(super::bad_value("rand must be an integer from 0 to 2^32-1")),
    }
}

/// An IP address as text (IPv6 in brackets or not), as a URL host or a resolver writes it.
pub(crate) fn ip_text(text: &str) -> Option<std::net::IpAddr> {
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// `options.random` (exactly N bytes, for deterministic tests) or N bytes from the platform.
pub(crate) fn random_from<const N: usize>(options: &JsValue) -> Result<[u8; N], JsValue> {
    let r = get(options, "random")?;
    if r.is_undefined() {
        return pooled_random::<N>();
    }
    let bytes = r
        .dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .ok_or_else(|| bad_argument(&format!("random must be a Uint8Array of {N} bytes")))?;
    bytes
        .try_into()
        .map_err(|_| super::bad_value(&format!("random must be a Uint8Array of {N} bytes")))
}

/// Check an event type: dot-separated `[A-Za-z0-9_-]` segments, at most 256 characters. Throws a
/// `HooklineError` with code `invalid_event_type`.
#[wasm_bindgen(js_name = validateEventType)]
pub fn validate_event_type(event_type: &types::StringInput) -> Result<(), JsValue> {
    let t = event_type
        .as_string()
        .ok_or_else(|| bad_argument("event type must be a string"))?;
    envelope::validate_event_type(&t).map_err(sender_err)
}

/// Check an event-type pattern a subscription would hold (`invoice.*`, `*.created`): throws a
/// `SenderError` with code `invalid_event_type` when the core would refuse it. Check patterns
/// when they are saved, so a stored one never fails a later match.
#[wasm_bindgen(js_name = validateEventTypePattern)]
pub fn validate_event_type_pattern(pattern: &types::StringInput) -> Result<(), JsValue> {
    let pattern = pattern
        .as_string()
        .ok_or_else(|| bad_argument("an event type pattern must be a string"))?;
    crate::matching::validate_pattern(&pattern).map_err(sender_err)
}

/// A new time-sortable event id: `prefix` (default `msg_`) and a ULID.
#[wasm_bindgen(js_name = eventId)]
pub fn event_id(
    prefix: Option<types::StringInput>,
    options: Option<types::ClockOptions>,
) -> Result<String, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    // NOTE: taken as a JsValue, not a String: the generated glue reads a non-string's `length`
    // and would hand wasm a bad pointer.
    let prefix = match prefix.map(JsValue::from) {
        None => "msg_".to_owned(),
        Some(p) if p.is_undefined() => "msg_".to_owned(),
        Some(p) => p
            .as_string()
            .ok_or_else(|| bad_argument("prefix must be a string"))?,
    };
    envelope::event_id(
        &prefix,
        now_ms_from(&options)?,
        random_from::<10>(&options)?,
    )
    .map_err(sender_err)
}

/// Build an event envelope: `{ id, type, timestamp, [api_version], [tenant_id], ...fields, data }`
/// serialized canonically. `body` holds the exact bytes to sign and send.
#[wasm_bindgen(js_name = buildEnvelope)]
pub fn build_envelope(
    event: &types::EventInputJs,
    options: Option<types::EnvelopeOptionsJs>,
) -> Result<types::EnvelopeJs, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let opts = envelope_options(&options)?;
    envelope_with(&opts, event, &options)
}

fn envelope_options(options: &JsValue) -> Result<EnvelopeOptions, JsValue> {
    let bag = Object::new();
    for key in ["maxPayloadBytes", "idPrefix", "offload"] {
        let v = get(options, key)?;
        if !v.is_undefined() {
            set(&bag, key, &v)?;
        }
    }
    from_js(&bag, "envelope options")
}

/// Build with options read before; `clock` carries `now` and `random` (or neither).
fn envelope_with(
    opts: &EnvelopeOptions,
    event: &JsValue,
    clock: &JsValue,
) -> Result<types::EnvelopeJs, JsValue> {
    let input: EventInput = from_js(event, "event")?;
    let env =
        envelope::build_envelope(&input, opts, now_ms_from(clock)?, random_from::<10>(clock)?)
            .map_err(sender_err)?;
    let body = Uint8Array::from(env.body.as_slice());
    envelope_to_js(&env, &body)
}

fn envelope_to_js(env: &envelope::Envelope, body: &JsValue) -> Result<types::EnvelopeJs, JsValue> {
    let channels: Array = env.channels.iter().map(|c| JsValue::from_str(c)).collect();
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
    Ok(envelope_object(
        &env.id,
        &env.event_type,
        &env.timestamp,
        env.timestamp_ms as f64,
        env.tenant.clone(),
        &channels,
        body,
        &parts,
    )
    .unchecked_into())
}

/// The dispatcher's envelope: the event as JSON text in, the envelope out with `body` as text
/// (the bytes sent are its UTF-8), which is what a delivery job carries.
fn build_envelope_text(
    builder: &JsEnvelopeBuilder,
    event_json: &JsValue,
    now_ms: f64,
) -> Result<JsValue, JsValue> {
    if !event_json.is_string() {
        return Err(bad_argument("the event must be JSON text"));
    }
    let input: EventInput = serde_json::from_slice(&super::string_bytes(event_json))
        .map_err(|e| super::bad_value(&format!("invalid event: {e}")))?;
    let env = envelope::build_envelope(
        &input,
        &builder.options,
        ms_from(now_ms, "nowMs")?,
        pooled_random::<10>()?,
    )
    .map_err(sender_err)?;
    let text = std::str::from_utf8(&env.body).map_err(|_| {
        sender_err(Error::InvalidPayload {
            reason: "cannot serialize the event",
        })
    })?;
    // The dispatcher's options refuse `offload`, so there are no parts to hand back.
    if !env.offloaded.is_empty() {
        return Err(super::bad_value("offloaded parts are not supported here"));
    }
    let channels = if env.channels.is_empty() {
        JsValue::UNDEFINED
    } else {
        env.channels
            .iter()
            .map(|c| JsValue::from_str(c))
            .collect::<Array>()
            .into()
    };
    Ok(job_envelope_object(
        &env.id,
        &env.event_type,
        env.tenant.clone(),
        &channels,
        text,
    ))
}

/// Envelope options read once, for a sender that builds many envelopes: `build(event)` is
/// `buildEnvelope(event, options)` without re-reading the options.
#[wasm_bindgen(js_name = EnvelopeBuilder)]
pub struct JsEnvelopeBuilder {
    options: EnvelopeOptions,
}

#[wasm_bindgen(js_class = EnvelopeBuilder)]
impl JsEnvelopeBuilder {
    /// The envelope of an event given as JSON text, at `nowMs`, with `body` as text: what a
    /// delivery job carries (`{ id, type, body, channels, tenant? }`). Offloading is not done here.
    #[wasm_bindgen(js_name = buildText)]
    pub fn build_text(
        &self,
        event_json: &types::StringInput,
        now_ms: &types::NumberInput,
    ) -> Result<types::JobEnvelopeJs, JsValue> {
        let now_ms = now_ms
            .as_f64()
            .ok_or_else(|| bad_argument("nowMs must be a number"))?;
        Ok(build_envelope_text(self, event_json, now_ms)?.unchecked_into())
    }

    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<types::EnvelopeOptionsJs>) -> Result<JsEnvelopeBuilder, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let options = envelope_options(&options)?;
        envelope::validate_id_prefix(&options.id_prefix).map_err(sender_err)?;
        Ok(JsEnvelopeBuilder { options })
    }

    /// The envelope for `event`; `clock` may replace the time and the id's random bytes.
    pub fn build(
        &self,
        event: &types::EventInputJs,
        clock: Option<types::ClockOptions>,
    ) -> Result<types::EnvelopeJs, JsValue> {
        let clock: JsValue = clock.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        envelope_with(&self.options, event, &clock)
    }
}

pub(crate) fn policy_from(value: &JsValue) -> Result<crate::retry::RetryPolicy, JsValue> {
    // A bare preset name is the common case: "svix", "standard-webhooks".
    let bag = if let Some(name) = value.as_string() {
        let bag = Object::new();
        set(&bag, "preset", &name.into())?;
        JsValue::from(bag)
    } else if value.is_null_or_undefined() {
        return Ok(crate::retry::RetryPolicy::default());
    } else {
        value.clone()
    };
    policy_js(&bag, "retry policy")
}

/// A policy (retry, health) from JS through JSON: one of the wrong shape (an unknown preset, a
/// negative delay, a misspelt option) is a bad policy, as one the core refuses is:
/// `invalid_policy`.
pub(crate) fn policy_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| bad_argument(&format!("{what} cannot be serialized to JSON")))?
        .as_string()
        .unwrap_or_else(|| "null".to_owned());
    serde_json::from_str(&text).map_err(|e| super::bad_policy(&format!("invalid {what}: {e}")))
}

/// A random u32 for jitter: `options.rand` (for deterministic tests) or the platform's source.
fn rand_from(options: &JsValue) -> Result<u32, JsValue> {
    let r = get(options, "rand")?;
    if r.is_undefined() {
        return Ok(u32::from_le_bytes(pooled_random::<4>()?));
    }
    rand_value(r.as_f64())
}

/// Decide what happens after attempt `attemptNumber` (1-based) ended with `outcome`: delivered,
/// retry at a time (schedule, jitter, Retry-After), give up, or disable the endpoint. `policy` is
/// a preset name (`"standard-webhooks"`, `"svix"`) or a policy object; default Standard Webhooks.
#[wasm_bindgen(js_name = nextAttempt)]
pub fn next_attempt(
    policy: &types::RetryPolicyInput,
    attempt_number: &types::NumberInput,
    outcome: &types::OutcomeInput,
    options: Option<types::DecisionOptions>,
) -> Result<types::DecisionJs, JsValue> {
    decide(&policy_from(policy)?, attempt_number, outcome, options)
}

fn decide(
    policy: &crate::retry::RetryPolicy,
    attempt_number: &JsValue,
    outcome: &JsValue,
    options: Option<types::DecisionOptions>,
) -> Result<types::DecisionJs, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let attempt_number = match attempt_number.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=4_294_967_295.0).contains(&n) => n as u32,
        _ => {
            return Err(super::bad_value(
                "attemptNumber must be a whole number from 1",
            ))
        }
    };
    let outcome: crate::retry::Outcome = from_js(outcome, "outcome")?;
    let decision = crate::retry::next_attempt(
        policy,
        attempt_number,
        &outcome,
        now_ms_from(&options)?,
        rand_from(&options)?,
    )
    .map_err(sender_err)?;
    Ok(decision_to_js(&decision)?.unchecked_into())
}

/// The `Decision` object (the same shape as its JSON form), built in one call.
fn decision_to_js(decision: &crate::retry::Decision) -> Result<JsValue, JsValue> {
    use crate::retry::Decision;
    let status = |s: Option<u16>| s.map(f64::from);
    // Every kind but a retry carries only a reason, a status and perhaps a cause.
    // The kinds and reasons are the crate's literals: their JS strings are made once.
    let plain =
        |kind: &'static str, reason: &'static str, status: Option<f64>, cause: &'static str| {
            decision_object(
                &name_value(kind),
                &name_value(reason),
                status,
                None,
                None,
                None,
                None,
                &name_value(cause),
            )
        };
    Ok(match *decision {
        Decision::Delivered { status: s } => plain("delivered", "", Some(f64::from(s)), ""),
        Decision::Retry {
            at_ms,
            delay_ms,
            attempt,
            reason,
            status: s,
            retry_after_ms,
        } => decision_object(
            &name_value("retry"),
            &name_value(reason.as_str()),
            status(s),
            Some(at_ms as f64),
            Some(delay_ms as f64),
            Some(f64::from(attempt)),
            retry_after_ms.map(|ms| ms as f64),
            &name_value(""),
        ),
        Decision::GiveUp {
            reason,
            status: s,
            cause,
        } => plain(
            "giveUp",
            reason.as_str(),
            status(s),
            cause.map_or("", |c| c.as_str()),
        ),
        Decision::DisableEndpoint { reason, status: s } => {
            plain("disableEndpoint", reason.as_str(), Some(f64::from(s)), "")
        }
    })
}

/// A retry policy checked once, for a sender deciding many attempts: `next(...)` is
/// `nextAttempt(policy, ...)` without reading and checking the policy each time.
#[wasm_bindgen(js_name = RetryPlanner)]
pub struct JsRetryPlanner {
    policy: crate::retry::RetryPolicy,
}

#[wasm_bindgen(js_class = RetryPlanner)]
impl JsRetryPlanner {
    /// `policy`: a preset name or a policy object, as for `nextAttempt`; default Standard Webhooks.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: Option<types::RetryPolicyInput>) -> Result<JsRetryPlanner, JsValue> {
        let policy = policy_from(&policy.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
        policy.validate().map_err(sender_err)?;
        Ok(JsRetryPlanner { policy })
    }

    /// What happens after attempt `attemptNumber` (1-based) ended with `outcome`.
    pub fn next(
        &self,
        attempt_number: &types::NumberInput,
        outcome: &types::OutcomeInput,
        options: Option<types::DecisionOptions>,
    ) -> Result<types::DecisionJs, JsValue> {
        decide(&self.policy, attempt_number, outcome, options)
    }

    /// How many attempts the policy allows in all.
    #[wasm_bindgen(getter)]
    pub fn attempts(&self) -> u32 {
        self.policy.attempts()
    }
}

/// How an outcome is treated under `policy`: delivered, retryable, permanent or disable.
#[wasm_bindgen(js_name = classifyOutcome)]
pub fn classify_outcome(
    outcome: &types::OutcomeInput,
    policy: Option<types::RetryPolicyInput>,
) -> Result<types::ClassificationJs, JsValue> {
    let policy = policy_from(&policy.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let outcome: crate::retry::Outcome = from_js(outcome, "outcome")?;
    let c = crate::retry::classify(&policy, &outcome).map_err(sender_err)?;
    Ok(to_js(&c)?.unchecked_into())
}

/// Every attempt's offset in ms from the first (no jitter): the timeline of a policy.
#[wasm_bindgen(js_name = retrySchedule)]
pub fn retry_schedule(policy: &types::RetryPolicyInput) -> Result<types::NumberArray, JsValue> {
    let policy = policy_from(policy)?;
    let offsets = crate::retry::schedule_offsets(&policy).map_err(sender_err)?;
    Ok(to_js(&offsets)?.unchecked_into())
}

/// A `Retry-After` value (seconds or an HTTP date) as a wait in ms from `now`, or `undefined`.
#[wasm_bindgen(js_name = parseRetryAfter)]
pub fn parse_retry_after(
    value: &types::StringInput,
    options: Option<types::ClockOptions>,
) -> Result<Option<f64>, JsValue> {
    let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
    let text = value
        .as_string()
        .ok_or_else(|| bad_argument("Retry-After must be a string"))?;
    Ok(crate::retry::parse_retry_after(&text, now_ms_from(&options)?).map(|ms| ms as f64))
}

#[wasm_bindgen(module = "/src/wasm/edge.js")]
extern "C" {
    /// `new URL(url)` in the platform's WHATWG parser, as plain parts, or `null` if it throws.
    #[wasm_bindgen(js_name = urlParts)]
    pub(crate) fn url_parts(url: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = envelopeObject)]
    #[allow(clippy::too_many_arguments)]
    fn envelope_object(
        id: &str,
        event_type: &str,
        timestamp: &str,
        timestamp_ms: f64,
        tenant: Option<String>,
        channels: &Array,
        body: &JsValue,
        offloaded: &Array,
    ) -> JsValue;
    /// What the dispatcher reads of an envelope; `channels` undefined when there are none.
    #[wasm_bindgen(js_name = jobEnvelopeObject)]
    fn job_envelope_object(
        id: &str,
        event_type: &str,
        tenant: Option<String>,
        channels: &JsValue,
        body: &str,
    ) -> JsValue;
    #[wasm_bindgen(js_name = decisionObject)]
    #[allow(clippy::too_many_arguments)]
    fn decision_object(
        kind: &JsValue,
        reason: &JsValue,
        status: Option<f64>,
        at_ms: Option<f64>,
        delay_ms: Option<f64>,
        attempt: Option<f64>,
        retry_after_ms: Option<f64>,
        cause: &JsValue,
    ) -> JsValue;
}

pub(crate) fn target_options(options: &JsValue) -> Result<TargetOptions, JsValue> {
    let opts: TargetOptions = if options.is_null_or_undefined() {
        TargetOptions::default()
    } else {
        from_js(options, "target options")?
    };
    opts.validate().map_err(sender_err)?;
    Ok(opts)
}

/// The SSRF guard: may a webhook be delivered to `url`? The platform's WHATWG `URL` parser reads
/// the URL; the core decides. Returns what it read (`hostKind`, `host`, `port`, `allowListed`) or
/// throws a `HooklineError` with code `target_not_allowed` (and a reason) or `invalid_url`. A host
/// given by name passes; check the addresses it resolves to with `checkAddress`.
#[wasm_bindgen(js_name = checkTarget)]
pub fn check_target(
    url: &types::UrlInput,
    options: Option<types::TargetOptionsJs>,
) -> Result<types::TargetJs, JsValue> {
    let options = target_options(&options.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    if !(url.is_string() || url.is_object()) {
        return Err(bad_argument("url must be a string or a URL"));
    }
    let parts = url_parts(url);
    if parts.is_null_or_undefined() {
        return Err(sender_err(Error::InvalidUrl {
            reason: "not a url the platform can parse",
        }));
    }
    let parts: UrlParts = from_js(&parts, "url")?;
    let target = ssrf::check_target(&parts, &options).map_err(sender_err)?;
    let out = Object::new();
    set(&out, "hostKind", &target.host_kind.as_str().into())?;
    set(&out, "host", &target.host.as_str().into())?;
    set(
        &out,
        "port",
        &target.port.map_or(JsValue::NULL, JsValue::from),
    )?;
    set(&out, "allowListed", &target.allow_listed.into())?;
    Ok(out.unchecked_into())
}

/// Check an address a target's host name resolved to (IPv4 or IPv6 text), under the same rules
/// as IP literals. Throws `target_not_allowed` for loopback, private, metadata ... addresses.
#[wasm_bindgen(js_name = checkAddress)]
pub fn check_address(
    address: &types::StringInput,
    options: Option<types::TargetOptionsJs>,
) -> Result<(), JsValue> {
    let options = target_options(&options.map(Into::into).unwrap_or(JsValue::UNDEFINED))?;
    let text = address
        .as_string()
        .ok_or_else(|| bad_argument("address must be a string"))?;
    let ip = ip_text(&text).ok_or_else(|| {
        sender_err(Error::InvalidUrl {
            reason: "not an IPv4 or IPv6 address",
        })
    })?;
    ssrf::check_ip(ip, &options).map_err(sender_err)
}

/// Subscriptions indexed once for fast matching: keep one `Matcher` while the subscription list
/// is unchanged. `match(event)` returns the subscription objects that get the event, in the order
/// given. Invalid patterns throw at construction, or with `{ lenient: true }` are left out and
/// listed in `errors`.
#[wasm_bindgen(js_name = Matcher)]
pub struct JsMatcher {
    inner: CoreMatcher,
    subscriptions: Array,
    errors: Array,
}

fn event_meta(event: &JsValue) -> Result<EventMeta, JsValue> {
    if !event.is_object() {
        return Err(bad_argument("event must be an object with a type"));
    }
    // Read field by field (no JSON round trip): this runs once per event dispatched.
    let event_type = get(event, "type")?
        .as_string()
        .ok_or_else(|| bad_argument("invalid event: type must be a string"))?;
    let tenant = get(event, "tenant")?;
    let tenant = if tenant.is_null_or_undefined() {
        None
    } else {
        Some(
            tenant
                .as_string()
                .ok_or_else(|| bad_argument("invalid event: tenant must be a string"))?,
        )
    };
    let list = get(event, "channels")?;
    let mut channels = Vec::new();
    if !list.is_null_or_undefined() {
        let list = list
            .dyn_ref::<Array>()
            .ok_or_else(|| bad_argument("invalid event: channels must be an array of strings"))?;
        for c in list.iter() {
            channels.push(c.as_string().ok_or_else(|| {
                bad_argument("invalid event: channels must be an array of strings")
            })?);
        }
    }
    Ok(EventMeta {
        event_type,
        tenant,
        channels,
    })
}

#[wasm_bindgen(js_class = Matcher)]
impl JsMatcher {
    #[wasm_bindgen(constructor)]
    pub fn new(
        subscriptions: &types::SubscriptionsInput,
        options: Option<types::MatcherOptions>,
    ) -> Result<JsMatcher, JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let list: Array = subscriptions
            .dyn_ref::<Array>()
            .cloned()
            .ok_or_else(|| bad_argument("subscriptions must be an array"))?;
        let subs: Vec<Subscription> = from_js(&list, "subscriptions")?;
        let errors = Array::new();
        let inner = if get(&options, "lenient")?.is_truthy() {
            let (m, errs) = CoreMatcher::new_lenient(&subs);
            for e in errs {
                let o = Object::new();
                set(&o, "index", &(e.index as u32).into())?;
                set(&o, "code", &e.code().into())?;
                set(&o, "message", &super::error_message(&e.error).into())?;
                errors.push(&o);
            }
            m
        } else {
            CoreMatcher::new(&subs).map_err(|e| {
                let err = sender_err(e.error.clone());
                let _ = js_sys::Reflect::set(&err, &"index".into(), &(e.index as u32).into());
                err
            })?
        };
        Ok(JsMatcher {
            inner,
            subscriptions: list,
            errors,
        })
    }

    /// The subscriptions that get `event` (`{ type, tenant?, channels? }`), in input order.
    #[wasm_bindgen(js_name = match)]
    pub fn match_event(
        &self,
        event: &types::EventMetaInput,
    ) -> Result<types::SubscriptionsOutput, JsValue> {
        let meta = event_meta(event)?;
        let out = Array::new();
        for i in self.inner.try_matches(&meta).map_err(sender_err)? {
            out.push(&self.subscriptions.get(i as u32));
        }
        Ok(out.unchecked_into())
    }

    /// The indices of the subscriptions that get `event`, ascending.
    #[wasm_bindgen(js_name = matchIndices)]
    pub fn match_indices(&self, event: &types::EventMetaInput) -> Result<Vec<u32>, JsValue> {
        let meta = event_meta(event)?;
        let found = self.inner.try_matches(&meta).map_err(sender_err)?;
        Ok(found.into_iter().map(|i| i as u32).collect())
    }

    /// How many subscriptions are indexed.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }

    /// With `{ lenient: true }`: the subscriptions left out, `{ index, code, message }`.
    #[wasm_bindgen(getter)]
    pub fn errors(&self) -> types::MatcherErrors {
        self.errors.clone().unchecked_into()
    }
}

/// The subscriptions that get `event`, in one call (build a `Matcher` to match many events).
#[wasm_bindgen(js_name = matchSubscriptions)]
pub fn match_subscriptions(
    event: &types::EventMetaInput,
    subscriptions: &types::SubscriptionsInput,
) -> Result<types::SubscriptionsOutput, JsValue> {
    JsMatcher::new(subscriptions, None)?.match_event(event)
}
