//! GitLab: `X-Gitlab-Token: <secret>`, the webhook's secret token itself, sent as it is. Nothing
//! binds it to the body or a time: it is a shared password, verified only when named
//! (`scheme: "gitlab"`). `X-Gitlab-Event-UUID` (or `X-Gitlab-Webhook-UUID`) and `X-Gitlab-Event`
//! are carried into the result.

use super::check_length;
use super::keys::{Keys, Verified};
use crate::error::Error;
use crate::headers::HeaderSource;
#[allow(unused_imports)]
use crate::prelude::*;

pub const HEADER_TOKEN: &str = "x-gitlab-token";
pub const HEADER_EVENT: &str = "x-gitlab-event";
pub const HEADER_EVENT_UUID: &str = "x-gitlab-event-uuid";
pub const HEADER_WEBHOOK_UUID: &str = "x-gitlab-webhook-uuid";

#[cfg_attr(not(feature = "sender"), inline(never))]
pub(crate) fn verify(
    keys: &Keys,
    headers: &(impl HeaderSource + ?Sized),
) -> Result<Verified, Error> {
    let value = super::required(headers, HEADER_TOKEN)?;
    check_length(&value, HEADER_TOKEN)?;
    // NOTE: the token is compared as sent, not trimmed: a token is the secret's exact bytes.
    let key_index = keys
        .hmac
        .iter()
        .find(|(_, key)| key.is_key(value.as_bytes()))
        .map(|(index, _)| *index)
        .ok_or(Error::NoMatchingSignature)?;
    Ok(Verified {
        scheme: super::Scheme::GitLab,
        key_index,
        id: super::optional(headers, HEADER_EVENT_UUID)
            .or_else(|| super::optional(headers, HEADER_WEBHOOK_UUID)),
        timestamp: None,
        event_type: super::optional(headers, HEADER_EVENT),
    })
}
