//! Bindings for support ([`crate::support`]: the delivery log's filters, cancel, recover) and
//! tenant tokens ([`crate::token`]). It converts; the core decides.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use wasm_bindgen::JsCast;

use super::sender::{from_js, sender_err, to_js};
use super::{bad_argument, types};
use crate::support::{self, DeliveryNow, Listing};
use crate::token::{Access, IssueOptions, TokenKey};

#[wasm_bindgen(typescript_custom_section)]
const TS_SUPPORT_TYPES: &'static str = r#"
/** The lists support staff read, each with its own query parameters (see `supportQuery`); `item`: a route that takes none. */
export type SupportListing = "attempts" | "deliveries" | "events" | "endpoints" | "item";

/**
 * A list's filters as the core read them from its query parameters. `outcomes`: the attempt
 * record outcomes a `status` word stands for (attempts); `states`: the delivery state it names
 * (deliveries); `statusClass`: `{ range: [min, max] }` of the receiver's status, or `"none"` for
 * no response; times are unix ms (`since` inclusive, `until` exclusive).
 */
export interface SupportQuery {
  limit: number;
  cursor: string | null;
  status: string | null;
  outcomes: string[] | null;
  states: DeliveryState[] | null;
  statusClass: { range: [number, number] } | "none" | null;
  sinceMs: number | null;
  untilMs: number | null;
  endpoint: string | null;
  event: string | null;
  type: string | null;
}

/** A delivery as cancelling it sees it: its state and, while an attempt is in flight, its lease. */
export interface DeliveryNow {
  state: DeliveryState;
  leaseUntilMs?: number | null;
}

/** What cancelling a delivery does (see `cancelDelivery`). */
export interface DeliveryCancelled {
  /** false: it was cancelled already, and stays as it is. */
  changed: boolean;
  state: "cancelled";
  /** `cancelled_by_owner` when it changes. */
  endedReason: string | null;
  /** An attempt is in flight: its record stays, completed by its worker. */
  inFlight: boolean;
}

/** Which deliveries of an endpoint a recovery sends again (see `recoveryPlan`). */
export interface RecoveryPlan {
  /** Deliveries created at or after this time (unix ms). */
  sinceMs: number;
  /** At most this many in one call. */
  limit: number;
  states: DeliveryState[];
  /** Cancelled deliveries that ended for one of these reasons are sent again too. */
  cancelledReasons: string[];
}

/** What a request asks of a tenant token: to read, to change, or to issue tokens (never allowed). */
export type TokenAccess = "read" | "write" | "issue";

/** A tenant token as issued: `token` is shown once; it expires at `expiresAtMs` (`expiresAt` the same in RFC 3339). */
export interface IssuedToken {
  token: string;
  tenant: string;
  readOnly: boolean;
  expiresAtMs: number;
  expiresAt: string;
}

/** What a checked tenant token lets its bearer do. */
export interface TokenGrant {
  tenant: string;
  readOnly: boolean;
  expiresAtMs: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `Array.from(value)`, its exception caught in JS and returned (never unwound through wasm).
    #[wasm_bindgen(catch, js_namespace = Array, js_name = from)]
    fn array_from(value: &JsValue) -> Result<js_sys::Array, JsValue>;
    #[wasm_bindgen(typescript_type = "SupportListing")]
    pub type ListingInput;
    #[wasm_bindgen(typescript_type = "Iterable<[string, string]> | [string, string][]")]
    pub type ParamsInput;
    #[wasm_bindgen(typescript_type = "SupportQuery")]
    pub type QueryJs;
    #[wasm_bindgen(typescript_type = "DeliveryNow")]
    pub type DeliveryNowInput;
    #[wasm_bindgen(typescript_type = "DeliveryCancelled")]
    pub type CancelledJs;
    #[wasm_bindgen(typescript_type = "RecoveryPlan")]
    pub type RecoveryJs;
    #[wasm_bindgen(typescript_type = "TokenAccess")]
    pub type AccessInput;
    #[wasm_bindgen(typescript_type = "IssuedToken")]
    pub type IssuedJs;
    #[wasm_bindgen(typescript_type = "TokenGrant")]
    pub type GrantJs;
}

/// A string argument; anything else is a `TypeError` with code `invalid_argument`.
fn text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| bad_argument(&format!("{what} must be a string")))
}

fn ms(value: f64, what: &str) -> Result<i64, JsValue> {
    super::sender::ms_from(value, what)
}

/// The filters of a list (`"attempts"`, `"deliveries"`, `"events"`, `"endpoints"`; `"item"` for
/// any other route, which takes none) from its query
/// parameters (`[...url.searchParams]`, or `[name, value]` pairs): each must be one the list
/// takes, given once, with a value of its form. Throws a `SenderError` `invalid_argument` naming
/// the parameter.
#[wasm_bindgen(js_name = supportQuery)]
pub fn support_query(listing: &ListingInput, params: &ParamsInput) -> Result<QueryJs, JsValue> {
    let listing: Listing = from_js(listing, "listing")?;
    // Array.from throws on undefined, null or a throwing iterator: caught by the import.
    let pairs = array_from(params).map_err(|_| {
        bad_argument("params must be an iterable of [name, value] pairs, such as URLSearchParams")
    })?;
    // Each pair read as two strings (no JSON round trip: a query is a list of texts).
    let mut params = Vec::with_capacity(pairs.length() as usize);
    for pair in pairs.iter() {
        let pair = pair
            .dyn_into::<js_sys::Array>()
            .ok()
            .filter(|p| p.length() == 2)
            .ok_or_else(|| bad_argument("each query parameter must be a [name, value] pair"))?;
        let (name, value) = (pair.get(0).as_string(), pair.get(1).as_string());
        match (name, value) {
            (Some(n), Some(v)) => params.push((n, v)),
            _ => {
                return Err(bad_argument(
                    "query parameter names and values must be strings",
                ))
            }
        }
    }
    let query = support::read_query(listing, &params).map_err(sender_err)?;
    Ok(to_js(&query)?.into())
}

/// What cancelling `delivery` at `nowMs` does: a pending delivery ends `cancelled`
/// (`cancelled_by_owner`), an attempt in flight keeps its record, a cancelled one stays; a
/// delivered or failed one throws `delivery_ended`.
#[wasm_bindgen(js_name = cancelDelivery)]
pub fn cancel_delivery(
    delivery: &DeliveryNowInput,
    now_ms: &types::NumberInput,
) -> Result<CancelledJs, JsValue> {
    let delivery: DeliveryNow = from_js(delivery, "delivery")?;
    let now_ms = now_ms
        .as_f64()
        .ok_or_else(|| bad_argument("nowMs must be a number"))?;
    let cancelled = support::cancel(&delivery, ms(now_ms, "nowMs")?).map_err(sender_err)?;
    Ok(to_js(&cancelled)?.into())
}

/// The recovery a request body `{ since, limit? }` asks for: which deliveries of the endpoint are
/// sent again, and at most how many in this call. Throws `invalid_argument` naming the field.
#[wasm_bindgen(js_name = recoveryPlan)]
pub fn recovery_plan(body: &JsValue) -> Result<RecoveryJs, JsValue> {
    let body: serde_json::Value = from_js(body, "recovery")?;
    let plan = support::recovery(&body).map_err(sender_err)?;
    Ok(to_js(&plan)?.into())
}

/// Tenant-scoped tokens, signed with a key derived from the operator's secret (kept in wasm
/// memory). `issue` makes one; `check` says whether one lets a request act for a tenant.
#[wasm_bindgen(js_name = TenantTokens)]
pub struct JsTenantTokens {
    key: TokenKey,
}

#[wasm_bindgen(js_class = TenantTokens)]
impl JsTenantTokens {
    /// `secret`: the operator's (16 characters or more), such as the API's bearer token.
    /// Changing it revokes every token made with it.
    #[wasm_bindgen(constructor)]
    pub fn new(secret: &types::StringInput) -> Result<JsTenantTokens, JsValue> {
        let secret = text(secret, "secret")?;
        Ok(JsTenantTokens {
            key: TokenKey::derive(secret.as_bytes()).map_err(sender_err)?,
        })
    }

    /// A token for `tenant` at `nowMs`; `options` is the request's body (`{ expiresInMs?,
    /// readOnly? }`: one hour by default, from a minute to seven days); `nonce` 16 random bytes.
    pub fn issue(
        &self,
        tenant: &types::StringInput,
        options: &JsValue,
        now_ms: &types::NumberInput,
        nonce: &JsValue,
    ) -> Result<IssuedJs, JsValue> {
        let body: serde_json::Value = if options.is_null_or_undefined() {
            serde_json::Value::Object(serde_json::Map::new())
        } else {
            from_js(options, "token options")?
        };
        let options = IssueOptions::from_body(&body).map_err(sender_err)?;
        let now_ms = now_ms
            .as_f64()
            .ok_or_else(|| bad_argument("nowMs must be a number"))?;
        let tenant = text(tenant, "tenant")?;
        let nonce: [u8; 16] = nonce
            .dyn_ref::<Uint8Array>()
            .ok_or_else(|| bad_argument("nonce must be a Uint8Array of 16 random bytes"))?
            .to_vec()
            .try_into()
            .map_err(|_| bad_argument("nonce must be 16 random bytes"))?;
        let issued = self
            .key
            .issue(&tenant, &options, ms(now_ms, "nowMs")?, &nonce)
            .map_err(sender_err)?;
        Ok(to_js(&issued)?.into())
    }

    /// Whether `token` lets its bearer do `access` (`"read"`, `"write"`, `"issue"`) for
    /// `tenant` at `nowMs`: its grant, or a `SenderError` with code `invalid_token`,
    /// `token_expired` or `forbidden`.
    pub fn check(
        &self,
        token: &types::StringInput,
        tenant: &types::StringInput,
        access: &AccessInput,
        now_ms: &types::NumberInput,
    ) -> Result<GrantJs, JsValue> {
        let access: Access = from_js(access, "access")?;
        let now_ms = now_ms
            .as_f64()
            .ok_or_else(|| bad_argument("nowMs must be a number"))?;
        let grant = self
            .key
            .check(
                &text(token, "token")?,
                &text(tenant, "tenant")?,
                access,
                ms(now_ms, "nowMs")?,
            )
            .map_err(sender_err)?;
        Ok(to_js(&grant)?.into())
    }
}
