//! Twilio: `X-Twilio-Signature: <base64>`, HMAC-SHA1 keyed with the UTF-8 of the account's auth
//! token over the full URL Twilio called followed by each POST parameter's name and value, sorted
//! by name then value (repeated pairs once, as twilio-node and twilio-python do). A JSON body is
//! signed the other way: the URL carries `bodySHA256=<hex SHA-256 of the body>` in its query and
//! only the URL is signed. No timestamp.
//!
//! The URL is signed as given, or with its scheme's default port (https 443, http 80) added when
//! it has no port or removed when it has exactly that one, as twilio-node tries it: a proxy that
//! passes `Host: example.com:443` shows the receiver a URL Twilio signed without the port, or the
//! other way round. Any other port is another origin and is not dropped (twilio-node drops any).
//!
//! NOTE: the host and port are found by `iri-string`'s parser, and the variant is cut from the URL
//! at the slices it reports, so everything else stays byte for byte (no case folding, no
//! re-encoding); a URL it does not read as an IRI is checked as given only. The query (after the
//! first `?`, before any `#`) is read with the `form_urlencoded` crate for `bodySHA256`; the form
//! body is read with the same crate. Names are sorted by their UTF-8 bytes (JavaScript sorts UTF-16 code
//! units: the two orders differ only between characters above U+FFFF and U+E000-U+FFFF).

pub const HEADER_SIGNATURE: &str = "x-twilio-signature";

#[cfg(feature = "providers")]
pub(crate) use imp::verify;

/// The verification, in the receiver's providers build only (feature `providers`).
#[cfg(feature = "providers")]
mod imp {
    use super::*;
    use crate::error::Error;
    use crate::headers::HeaderSource;
    #[allow(unused_imports)]
    use crate::prelude::*;
    use crate::scheme::keys::{Keys, Target, Verified};
    use crate::scheme::{check_length, decode_base64, decode_hex, HMAC_SHA1_LEN};
    use sha2::{Digest, Sha256};

    const BODY_HASH: &str = "bodySHA256";

    #[cfg_attr(not(feature = "sender"), inline(never))]
    pub(crate) fn verify(
        keys: &Keys,
        headers: &(impl HeaderSource + ?Sized),
        payload: &[u8],
        target: Target<'_>,
    ) -> Result<Verified, Error> {
        let value = crate::scheme::required(headers, HEADER_SIGNATURE)?;
        let url = target.url()?;
        check_length(&value, HEADER_SIGNATURE)?;
        let candidate =
            decode_base64::<HMAC_SHA1_LEN>(value.trim()).ok_or(Error::NoMatchingSignature)?;
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        let body_hash = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == BODY_HASH)
            .map(|(_, v)| v);
        let port_variant = default_port_variant(url);
        // The URL as given first, then its default-port variant: two URLs at most.
        let urls = [Some(url), port_variant.as_deref()];
        let key_index = match body_hash {
            Some(hash) => {
                let index = urls
                    .into_iter()
                    .flatten()
                    .find_map(|url| {
                        crate::scheme::keys::matching_key_sha1(keys, &[url.as_bytes()], &candidate)
                    })
                    .ok_or(Error::NoMatchingSignature)?;
                // The body's hash is no secret: the URL that carries it is signed, and the body is
                // compared with it.
                let want = decode_hex::<32>(hash.trim()).ok_or(Error::NoMatchingSignature)?;
                let got: [u8; 32] = Sha256::digest(payload).into();
                if got != want {
                    return Err(Error::NoMatchingSignature);
                }
                index
            }
            None => {
                let mut params: Vec<_> = form_urlencoded::parse(payload).collect();
                params.sort_unstable();
                params.dedup();
                let mut parts: Vec<&[u8]> =
                    Vec::with_capacity(params.len().saturating_mul(2).saturating_add(1));
                parts.push(url.as_bytes());
                for (name, value) in &params {
                    parts.push(name.as_bytes());
                    parts.push(value.as_bytes());
                }
                urls.into_iter()
                    .flatten()
                    .find_map(|url| {
                        if let Some(first) = parts.first_mut() {
                            *first = url.as_bytes();
                        }
                        crate::scheme::keys::matching_key_sha1(keys, &parts, &candidate)
                    })
                    .ok_or(Error::NoMatchingSignature)?
            }
        };
        Ok(Verified {
            scheme: crate::scheme::Scheme::Twilio,
            key_index,
            id: None,
            timestamp: None,
            event_type: None,
        })
    }

    /// `url` with its scheme's default port added (it has no port) or removed (it has exactly
    /// that one), the rest byte for byte; `None` for any other port or scheme, and for a URL
    /// `iri-string` does not read as an absolute IRI with an authority.
    pub(super) fn default_port_variant(url: &str) -> Option<String> {
        let iri = iri_string::types::IriStr::new(url).ok()?;
        let scheme = iri.scheme_str();
        let default = if scheme.eq_ignore_ascii_case("https") {
            "443"
        } else if scheme.eq_ignore_ascii_case("http") {
            "80"
        } else {
            return None;
        };
        let authority = iri.authority_components()?;
        let host = authority.host();
        let host_end = offset_in(url, host)?.checked_add(host.len())?;
        let (before, after) = (url.get(..host_end)?, url.get(host_end..)?);
        match authority.port() {
            None => Some([before, ":", default, after].concat()),
            Some(port) if port == default => {
                let port_end = offset_in(url, port)?.checked_add(port.len())?;
                Some([before, url.get(port_end..)?].concat())
            }
            Some(_) => None,
        }
    }

    /// Where `part`, a slice the parser took from `whole`, starts in it.
    fn offset_in(whole: &str, part: &str) -> Option<usize> {
        let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
        (start <= whole.len()).then_some(start)
    }
}

#[cfg(all(test, feature = "providers"))]
mod tests {
    use super::imp::default_port_variant;

    #[test]
    fn default_port_variants() {
        let cases = [
            (
                "https://h.example/a?b=1#c",
                Some("https://h.example:443/a?b=1#c"),
            ),
            (
                "https://h.example:443/a?b=1",
                Some("https://h.example/a?b=1"),
            ),
            ("http://h.example:80", Some("http://h.example")),
            ("http://h.example", Some("http://h.example:80")),
            (
                "HTTPS://u:p@H.Example/%7e",
                Some("HTTPS://u:p@H.Example:443/%7e"),
            ),
            (
                "https://[2001:db8::1]:443/x",
                Some("https://[2001:db8::1]/x"),
            ),
            (
                "https://[2001:db8::1]/x",
                Some("https://[2001:db8::1]:443/x"),
            ),
            (
                "https://h.example/caf\u{e9}",
                Some("https://h.example:443/caf\u{e9}"),
            ),
            ("https://h.example:8443/", None),
            ("https://h.example:80/", None),
            ("http://h.example:443/", None),
            ("https://h.example:0443/", None),
            ("https://h.example:/", None),
            ("ftp://h.example/", None),
            ("https://h.example/a b", None),
            ("/relative", None),
        ];
        for (url, want) in cases {
            assert_eq!(default_port_variant(url).as_deref(), want, "{url}");
        }
    }
}
