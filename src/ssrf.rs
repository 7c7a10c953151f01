//! The SSRF guard: whether a webhook delivery target may be called.
//!
//! A webhook sender calls URLs that its customers typed in, from inside the sender's own network.
//! Without a guard, an endpoint such as `http://169.254.169.254/latest/meta-data/` or
//! `http://localhost:6379/` turns the sender against itself. The guard runs in two steps:
//!
//! 1. [`check_target`] (JS: with the parts of a `new URL()`) or [`check_url`] (a URL string) when an
//!    endpoint is saved and before each delivery: the scheme, credentials, and the host. Addresses
//!    written as IP literals are checked by range, including the cloud metadata addresses that sit
//!    outside the private ranges (Azure's WireServer `168.63.129.16` is public address space that
//!    every Azure VM reaches as its host). Names are checked against a short list: `localhost`,
//!    cloud metadata names, names only cluster DNS answers (`kubernetes`, `kubernetes.default`,
//!    `.svc`, `.cluster.local`, `.consul`), other internal-only suffixes (`.internal`, `.local`,
//!    `.home.arpa`, `.localdomain`) and single-label names. The name list is a first line only:
//!    [`check_resolved`] still has to see where a name leads.
//! 2. [`check_resolved`] (or [`check_ip`]) on every address the host name resolves to, right before
//!    connecting. Then connect to that checked address; do not resolve the name again, since a
//!    DNS-rebinding attacker can change the answer between two lookups.
//!
//! The host is never trusted to be normalized: whatever the caller passes is read the way the WHATWG
//! URL standard reads it, so `0x7f.1`, `2130706433`, `0177.0.0.1` and `[::ffff:7f00:1]` are all
//! `127.0.0.1`.
//!
//! An allow-list (`allow`) lets tests and internal deployments reach chosen hosts or ranges; it
//! lifts the address and name refusals but never the scheme, `httpsOnly` or credentials rules.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// What the guard lets through, beyond the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TargetOptions {
    /// Refuse `http:` targets (default `false`: both `http:` and `https:` are allowed).
    pub https_only: bool,
    /// Hosts and ranges that are allowed even though the guard would refuse them: host names
    /// (`"hooks.internal"`, matched exactly, case-insensitively, trailing dot ignored), IP addresses
    /// (`"127.0.0.1"`, `"::1"`) and CIDR ranges (`"10.0.0.0/8"`, `"fd00::/8"`). Meant for tests and
    /// internal deployments. A listed host also vouches for the addresses it resolves to (see
    /// [`check_resolved`]).
    pub allow: Vec<String>,
    /// Allow host names without a dot, such as `http://billing/` (default `false`). Such names are
    /// completed by the resolver's DNS search domains and usually reach internal hosts.
    pub allow_single_label: bool,
}

impl TargetOptions {
    /// Check the allow-list once, when the options are loaded, rather than at the first delivery.
    pub fn validate(&self) -> Result<(), Error> {
        parse_allow_list(&self.allow).map(|_| ())
    }
}

/// A URL already taken apart, as the JS edge gets it from `new URL(url)`: `scheme` is `protocol`
/// (the trailing `:` may be kept or dropped), `host` is `hostname` (an IPv6 address in brackets), and
/// `port` is `port` as a number, or `null` when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UrlParts {
    pub scheme: String,
    pub username: String,
    pub password: String,
    pub host: String,
    pub port: Option<u16>,
}

/// How the target's host is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostKind {
    /// A name: resolve it, then check every address with [`check_resolved`].
    Domain,
    /// An IPv4 literal: already checked, connect to `ip`.
    Ipv4,
    /// An IPv6 literal: already checked, connect to `ip`.
    Ipv6,
}

impl HostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HostKind::Domain => "domain",
            HostKind::Ipv4 => "ipv4",
            HostKind::Ipv6 => "ipv6",
        }
    }
}

/// An allowed target, as the guard read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub host_kind: HostKind,
    /// The host in WHATWG form, as `new URL(url).hostname` writes it: a lowercase name (trailing dot
    /// kept), a dotted-decimal IPv4 address, or a compressed IPv6 address in brackets.
    pub host: String,
    /// The address, when the host is an IP literal.
    pub ip: Option<IpAddr>,
    /// The port, or `None` for the scheme's default (80 for http, 443 for https).
    pub port: Option<u16>,
    /// Whether an `allow` entry let the host through. The resolved addresses of an allow-listed name
    /// need no further check.
    pub allow_listed: bool,
}

/// Decide whether a delivery may go to the URL whose parts are given.
///
/// In order: the scheme must be `http` or `https`; the host must be readable; with `httpsOnly` the
/// scheme must be `https`; the URL must carry no username or password; then, unless an `allow` entry
/// matches, an IP literal must be a public unicast address other than a cloud metadata address, and
/// a name must not be `localhost`, a cloud metadata name, an internal-only name (`kubernetes`,
/// `kubernetes.default`, `.svc`, `.cluster.local`, `.consul`, `.local`, `.internal`, `.home.arpa`,
/// `.localdomain`) or, without `allowSingleLabel`, a name without a dot.
///
/// Errors: `target_not_allowed` with a reason such as `"loopback address"`; `invalid_url` for a
/// missing scheme or a host that cannot be read; `invalid_argument` for a malformed `allow` entry.
pub fn check_target(parts: &UrlParts, options: &TargetOptions) -> Result<Target, Error> {
    let allow = parse_allow_list(&options.allow)?;
    let scheme = parts.scheme.strip_suffix(':').unwrap_or(&parts.scheme);
    let https = check_scheme(scheme)?;
    let host = parse_host(&parts.host)?;
    if options.https_only && !https {
        return Err(refused("https required"));
    }
    if !parts.username.is_empty() || !parts.password.is_empty() {
        return Err(refused("credentials in url"));
    }
    let default_port = if https { 443 } else { 80 };
    let port = parts.port.filter(|&p| p != default_port);
    let (host_kind, ip, allow_listed) = match &host {
        Host::Domain(name) => {
            let bare = name.strip_suffix('.').unwrap_or(name);
            let listed = allow.iter().any(|entry| match entry {
                AllowEntry::Name(n) => n == bare,
                AllowEntry::Net(_) => false,
            });
            if !listed {
                check_name(bare, options.allow_single_label)?;
            }
            (HostKind::Domain, None, listed)
        }
        Host::Ip(addr) => {
            let listed = allowed_ip(&allow, *addr);
            if !listed {
                ip_verdict(*addr).map_or(Ok(()), |reason| Err(refused(reason)))?;
            }
            let kind = match addr {
                IpAddr::V4(_) => HostKind::Ipv4,
                IpAddr::V6(_) => HostKind::Ipv6,
            };
            (kind, Some(*addr), listed)
        }
    };
    Ok(Target {
        host_kind,
        host: host.to_whatwg(),
        ip,
        port,
        allow_listed,
    })
}

/// [`check_target`] for a URL string, for Rust callers without a URL parser at hand.
///
/// The parse is deliberately small: `scheme:` then `//host` (with optional `user:pass@` and
/// `:port`), ending at `/`, `?`, `#` or `\`, as the WHATWG parser splits an http(s) URL; the path is
/// not looked at. It is stricter than `new URL()`: a host with a percent sign or non-ASCII characters
/// (pass the punycode form) and any space or control character inside the scheme or authority are
/// refused as `invalid_url` instead of being decoded, mapped or dropped.
pub fn check_url(url: &str, options: &TargetOptions) -> Result<Target, Error> {
    check_target(&split_url(url)?, options)
}

/// A URL string as [`UrlParts`], read by [`check_url`]'s small parser, for Rust callers without `new URL()`.
pub fn url_parts(url: &str) -> Result<UrlParts, Error> {
    split_url(url)
}

/// Decide whether an address may be connected to: for each address a host name resolves to, before
/// connecting. IPv4 addresses embedded in IPv6 (`::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
/// `2002::/16`) are judged by the IPv4 address.
pub fn check_ip(addr: IpAddr, options: &TargetOptions) -> Result<(), Error> {
    let allow = parse_allow_list(&options.allow)?;
    if allowed_ip(&allow, addr) {
        return Ok(());
    }
    ip_verdict(addr).map_or(Ok(()), |reason| Err(refused(reason)))
}

/// [`check_ip`] for an address that `target`'s host name resolved to; an allow-listed target passes
/// with any address.
pub fn check_resolved(target: &Target, addr: IpAddr, options: &TargetOptions) -> Result<(), Error> {
    if target.allow_listed {
        return Ok(());
    }
    check_ip(addr, options)
}

// ---------------------------------------------------------------------------------------------
// errors

fn refused(reason: &'static str) -> Error {
    Error::TargetNotAllowed { reason }
}

fn invalid(reason: &'static str) -> Error {
    Error::InvalidUrl { reason }
}

fn bad_allow(reason: &'static str) -> Error {
    Error::InvalidArgument { reason }
}

// ---------------------------------------------------------------------------------------------
// scheme and names

/// Whether the scheme is https (`Ok(false)` for http).
fn check_scheme(scheme: &str) -> Result<bool, Error> {
    if scheme.is_empty() {
        return Err(invalid("missing scheme"));
    }
    if scheme.eq_ignore_ascii_case("https") {
        Ok(true)
    } else if scheme.eq_ignore_ascii_case("http") {
        Ok(false)
    } else {
        Err(refused("scheme must be http or https"))
    }
}

/// Names that only cloud instance metadata services answer to.
const METADATA_NAMES: [&str; 4] = [
    "metadata.google.internal",
    "metadata",
    "instance-data",
    "instance-data.ec2.internal",
];

/// The Kubernetes API server as a pod's DNS search list (`<ns>.svc.cluster.local`,
/// `svc.cluster.local`, ...) completes it; these resolve even where single-label names are allowed.
const INTERNAL_NAMES: [&str; 2] = ["kubernetes", "kubernetes.default"];

/// Suffixes that never resolve on the public internet: mDNS (RFC 6762, which also covers
/// Kubernetes' default `cluster.local`), home networks (RFC 8375), the private-use `.internal` TLD
/// (ICANN, 2024), the `/etc/hosts` habit `.localdomain`, Kubernetes service names short of the
/// cluster domain (`<service>.<namespace>.svc`) and Consul's DNS interface (`.consul`). Neither
/// `svc` nor `consul` is a delegated TLD.
const INTERNAL_SUFFIXES: [&str; 6] = [
    "local",
    "localdomain",
    "internal",
    "home.arpa",
    "svc",
    "consul",
];

/// `name` is lowercase, without its trailing dot.
fn check_name(name: &str, allow_single_label: bool) -> Result<(), Error> {
    if METADATA_NAMES.contains(&name) {
        return Err(refused("metadata address"));
    }
    if has_suffix(name, "localhost") {
        return Err(refused("localhost"));
    }
    if INTERNAL_NAMES.contains(&name) || INTERNAL_SUFFIXES.iter().any(|s| has_suffix(name, s)) {
        return Err(refused("internal name"));
    }
    if !allow_single_label && !name.contains('.') {
        return Err(refused("single-label host"));
    }
    Ok(())
}

/// `name` is `suffix` or ends in `.suffix`.
fn has_suffix(name: &str, suffix: &str) -> bool {
    match name.strip_suffix(suffix) {
        Some("") => true,
        Some(rest) => rest.ends_with('.'),
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// hosts

#[derive(Debug, Clone, PartialEq, Eq)]
enum Host {
    /// Lowercase, trailing dot kept.
    Domain(String),
    Ip(IpAddr),
}

impl Host {
    fn to_whatwg(&self) -> String {
        match self {
            Host::Domain(name) => name.clone(),
            Host::Ip(IpAddr::V4(a)) => a.to_string(),
            Host::Ip(IpAddr::V6(a)) => format!("[{}]", whatwg_ipv6(*a)),
        }
    }
}

/// Read a host the way the WHATWG URL parser does for http(s), minus percent-decoding and IDNA
/// (refused instead): IPv6 in brackets or bare, IPv4 in all its number forms, or a name.
fn parse_host(raw: &str) -> Result<Host, Error> {
    if raw.is_empty() {
        return Err(invalid("missing host"));
    }
    if let Some(rest) = raw.strip_prefix('[') {
        let inner = rest
            .strip_suffix(']')
            .ok_or_else(|| invalid("invalid ipv6 address"))?;
        return parse_ipv6(inner);
    }
    if raw.contains(':') {
        return parse_ipv6(raw);
    }
    if !raw.is_ascii() {
        return Err(invalid("non-ascii host"));
    }
    if raw.contains('%') {
        return Err(invalid("percent sign in host"));
    }
    if raw.bytes().any(forbidden_in_domain) {
        return Err(invalid("invalid character in host"));
    }
    let host = raw.to_ascii_lowercase();
    if ends_in_number(&host) {
        return parse_ipv4(&host)
            .map(|a| Host::Ip(IpAddr::V4(a)))
            .ok_or_else(|| invalid("invalid ipv4 address"));
    }
    let bare = host.strip_suffix('.').unwrap_or(&host);
    if bare.split('.').any(str::is_empty) {
        return Err(invalid("empty label in host"));
    }
    Ok(Host::Domain(host))
}

/// The WHATWG "forbidden domain code points" (ASCII only; `%` is handled before).
fn forbidden_in_domain(b: u8) -> bool {
    b <= 0x20
        || b == 0x7f
        || matches!(
            b,
            b'#' | b'/' | b':' | b'<' | b'>' | b'?' | b'@' | b'[' | b'\\' | b']' | b'^' | b'|'
        )
}

fn parse_ipv6(text: &str) -> Result<Host, Error> {
    if text.contains('%') {
        // NOTE: a zone id names a local interface; such a URL is never a public target.
        return Err(invalid("zone id in host"));
    }
    text.parse::<Ipv6Addr>()
        .map(|a| Host::Ip(IpAddr::V6(a)))
        .map_err(|_| {
            if text
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                invalid("invalid ipv6 address")
            } else {
                invalid("invalid character in host")
            }
        })
}

/// The WHATWG "ends in a number" checker: whether the host must be read as IPv4 (and is invalid if
/// it cannot be). `1.2.3.4.` counts, `1.2.3.4..` does not; `a.1` does (and is invalid).
fn ends_in_number(host: &str) -> bool {
    let last = host
        .strip_suffix('.')
        .unwrap_or(host)
        .rsplit('.')
        .next()
        .unwrap_or("");
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || parse_ipv4_number(last).is_some()
}

/// The WHATWG IPv4 parser: one to four dot-separated numbers, each decimal, `0x` hex or `0` octal;
/// the last fills the bytes left (`127.1` is `127.0.0.1`, `2130706433` too). A single trailing dot is
/// allowed.
fn parse_ipv4(host: &str) -> Option<Ipv4Addr> {
    let body = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = body.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let (last, leading) = parts.split_last()?;
    let mut addr: u64 = 0;
    for part in leading {
        let n = parse_ipv4_number(part)?;
        if n > 255 {
            return None;
        }
        addr = addr.checked_mul(256)?.checked_add(n)?;
    }
    let room_bytes = 4_u32.checked_sub(u32::try_from(leading.len()).ok()?)?;
    let limit = 1_u64.checked_shl(room_bytes.checked_mul(8)?)?;
    let last = parse_ipv4_number(last)?;
    if last >= limit {
        return None;
    }
    let addr = addr.checked_mul(limit)?.checked_add(last)?;
    u32::try_from(addr).ok().map(Ipv4Addr::from)
}

/// The WHATWG IPv4 number parser; `None` is failure. Values saturate: anything that large is out of
/// range anyway, and the caller still learns the text was a number.
fn parse_ipv4_number(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(oct) = text.strip_prefix('0').filter(|o| !o.is_empty()) {
        (oct, 8)
    } else {
        (text, 10)
    };
    let mut value: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        value = value
            .saturating_mul(u64::from(radix))
            .saturating_add(u64::from(d));
    }
    Some(value)
}

/// The WHATWG IPv6 serializer (RFC 5952 style): lowercase hex, the first longest run of two or more
/// zero pieces as `::`, embedded IPv4 written in hex (`::ffff:7f00:1`).
fn whatwg_ipv6(addr: Ipv6Addr) -> String {
    let pieces = addr.segments();
    let (mut best_start, mut best_len) = (None, 1_usize);
    let (mut run_start, mut run_len) = (0_usize, 0_usize);
    for (i, &p) in pieces.iter().enumerate() {
        if p == 0 {
            if run_len == 0 {
                run_start = i;
            }
            run_len = run_len.saturating_add(1);
            if run_len > best_len {
                best_start = Some(run_start);
                best_len = run_len;
            }
        } else {
            run_len = 0;
        }
    }
    let mut out = String::with_capacity(39);
    let mut skipping = false;
    for (i, &p) in pieces.iter().enumerate() {
        if skipping && p == 0 {
            continue;
        }
        skipping = false;
        if best_start == Some(i) {
            out.push_str(if i == 0 { "::" } else { ":" });
            skipping = true;
            continue;
        }
        out.push_str(&format!("{p:x}"));
        if i != 7 {
            out.push(':');
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// addresses

/// IPv4 ranges that are never a delivery target, first match wins (metadata before link-local and
/// CGNAT, broadcast before the rest of 240/4). Azure's WireServer (the host's agent and DNS
/// endpoint, see Microsoft Learn "What is IP address 168.63.129.16?") sits in Microsoft's public
/// space, so only its own entry refuses it.
const V4_REFUSED: [(u32, u32, &str); 19] = [
    (0xa9fe_a9fe, 32, "metadata address"), // 169.254.169.254: AWS, GCP, Azure, OCI...
    (0x6464_64c8, 32, "metadata address"), // 100.100.100.200: Alibaba Cloud
    (0xa83f_8110, 32, "metadata address"), // 168.63.129.16: Azure WireServer
    (0x0000_0000, 8, "unspecified address"), // 0/8 "this network"
    (0x0a00_0000, 8, "private address"),   // 10/8
    (0x6440_0000, 10, "cgnat address"),    // 100.64/10
    (0x7f00_0000, 8, "loopback address"),  // 127/8
    (0xa9fe_0000, 16, "link-local address"), // 169.254/16
    (0xac10_0000, 12, "private address"),  // 172.16/12
    (0xc000_0000, 24, "reserved address"), // 192.0.0/24 IETF protocol assignments
    (0xc000_0200, 24, "documentation address"), // 192.0.2/24 TEST-NET-1
    (0xc058_6300, 24, "reserved address"), // 192.88.99/24 deprecated 6to4 relay anycast
    (0xc0a8_0000, 16, "private address"),  // 192.168/16
    (0xc612_0000, 15, "reserved address"), // 198.18/15 benchmarking
    (0xc633_6400, 24, "documentation address"), // 198.51.100/24 TEST-NET-2
    (0xcb00_7100, 24, "documentation address"), // 203.0.113/24 TEST-NET-3
    (0xe000_0000, 4, "multicast address"), // 224/4
    (0xffff_ffff, 32, "broadcast address"), // 255.255.255.255
    (0xf000_0000, 4, "reserved address"),  // 240/4
];

/// IPv6 ranges refused outright. The IPv4-embedding ranges and the global unicast test are in
/// [`v6_verdict`].
const V6_REFUSED: [(u128, u32, &str); 13] = [
    (
        0xfd00_0ec2_0000_0000_0000_0000_0000_0254,
        128,
        "metadata address",
    ), // AWS IMDS over IPv6
    (
        0xfd20_00ce_0000_0000_0000_0000_0000_0254,
        128,
        "metadata address",
    ), // GCP metadata server over IPv6 (Compute Engine docs, "About VM metadata")
    (0, 128, "unspecified address"), // ::
    (1, 128, "loopback address"),    // ::1
    (
        0x0064_ff9b_0001_0000_0000_0000_0000_0000,
        48,
        "reserved address",
    ), // local-use NAT64
    (
        0x0100_0000_0000_0000_0000_0000_0000_0000,
        64,
        "reserved address",
    ), // discard-only
    (
        0x2001_0db8_0000_0000_0000_0000_0000_0000,
        32,
        "documentation address",
    ),
    (
        0x3fff_0000_0000_0000_0000_0000_0000_0000,
        20,
        "documentation address",
    ), // RFC 9637
    (
        0x2001_0000_0000_0000_0000_0000_0000_0000,
        23,
        "reserved address",
    ), // IETF, incl. Teredo
    (
        0xfc00_0000_0000_0000_0000_0000_0000_0000,
        7,
        "private address",
    ), // unique local
    (
        0xfe80_0000_0000_0000_0000_0000_0000_0000,
        10,
        "link-local address",
    ),
    (
        0xfec0_0000_0000_0000_0000_0000_0000_0000,
        10,
        "private address",
    ), // deprecated site-local
    (
        0xff00_0000_0000_0000_0000_0000_0000_0000,
        8,
        "multicast address",
    ),
];

const V6_MAPPED: u128 = 0x0000_0000_0000_0000_0000_ffff_0000_0000; // ::ffff:0:0/96
const V6_NAT64: u128 = 0x0064_ff9b_0000_0000_0000_0000_0000_0000; // 64:ff9b::/96
const V6_6TO4: u128 = 0x2002_0000_0000_0000_0000_0000_0000_0000; // 2002::/16
const V6_SIIT: u128 = 0x0000_0000_0000_0000_ffff_0000_0000_0000; // ::ffff:0:0:0/96
const V6_GLOBAL: u128 = 0x2000_0000_0000_0000_0000_0000_0000_0000; // 2000::/3

fn mask_u32(prefix: u32) -> u32 {
    u32::MAX
        .checked_shl(32_u32.saturating_sub(prefix))
        .unwrap_or(0)
}

fn mask_u128(prefix: u32) -> u128 {
    u128::MAX
        .checked_shl(128_u32.saturating_sub(prefix))
        .unwrap_or(0)
}

fn in_v4(addr: u32, net: u32, prefix: u32) -> bool {
    addr & mask_u32(prefix) == net
}

fn in_v6(addr: u128, net: u128, prefix: u32) -> bool {
    addr & mask_u128(prefix) == net
}

/// The refusal reason for an address, or `None` if it may be connected to.
fn ip_verdict(addr: IpAddr) -> Option<&'static str> {
    match addr {
        IpAddr::V4(a) => v4_verdict(a),
        IpAddr::V6(a) => v6_verdict(a),
    }
}

fn v4_verdict(addr: Ipv4Addr) -> Option<&'static str> {
    let a = u32::from(addr);
    V4_REFUSED
        .iter()
        .find(|(net, prefix, _)| in_v4(a, *net, *prefix))
        .map(|(_, _, reason)| *reason)
}

fn v6_verdict(addr: Ipv6Addr) -> Option<&'static str> {
    let a = u128::from(addr);
    if let Some((_, _, reason)) = V6_REFUSED
        .iter()
        .find(|(net, prefix, _)| in_v6(a, *net, *prefix))
    {
        return Some(reason);
    }
    let [_, _, s0, s1, s2, s3, _, _, _, _, _, _, l0, l1, l2, l3] = addr.octets();
    let low32 = Ipv4Addr::new(l0, l1, l2, l3);
    // IPv4-mapped and NAT64 addresses reach the IPv4 address: judge that.
    if in_v6(a, V6_MAPPED, 96) || in_v6(a, V6_NAT64, 96) {
        return v4_verdict(low32);
    }
    // 6to4 tunnels to the IPv4 address in bits 16..48.
    if in_v6(a, V6_6TO4, 16) {
        return v4_verdict(Ipv4Addr::new(s0, s1, s2, s3));
    }
    // Deprecated IPv4-compatible ::/96 and SIIT ::ffff:0:0:0/96: no business as a target. Name the
    // embedded address's range when it has one (`[::127.0.0.1]` is a "loopback address").
    if in_v6(a, 0, 96) || in_v6(a, V6_SIIT, 96) {
        return Some(v4_verdict(low32).unwrap_or("reserved address"));
    }
    // Only 2000::/3 is allocated for global unicast; the rest is reserved by the IETF.
    if !in_v6(a, V6_GLOBAL, 3) {
        return Some("reserved address");
    }
    None
}

// ---------------------------------------------------------------------------------------------
// the allow-list

#[derive(Debug, Clone, PartialEq, Eq)]
enum AllowEntry {
    /// Lowercase, without a trailing dot.
    Name(String),
    Net(Net),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Net {
    V4(u32, u32),
    V6(u128, u32),
}

impl Net {
    fn contains(self, addr: IpAddr) -> bool {
        match (self, addr) {
            (Net::V4(net, prefix), IpAddr::V4(a)) => in_v4(u32::from(a), net, prefix),
            (Net::V6(net, prefix), IpAddr::V6(a)) => in_v6(u128::from(a), net, prefix),
            // `::ffff:127.0.0.1` is 127.0.0.1 on a dual-stack socket, and the other way round.
            (Net::V4(net, prefix), IpAddr::V6(a)) => a
                .to_ipv4_mapped()
                .is_some_and(|m| in_v4(u32::from(m), net, prefix)),
            (Net::V6(net, prefix), IpAddr::V4(a)) => {
                in_v6(u128::from(a.to_ipv6_mapped()), net, prefix)
            }
        }
    }
}

fn allowed_ip(allow: &[AllowEntry], addr: IpAddr) -> bool {
    allow.iter().any(|entry| match entry {
        AllowEntry::Net(net) => net.contains(addr),
        AllowEntry::Name(_) => false,
    })
}

fn parse_allow_list(entries: &[String]) -> Result<Vec<AllowEntry>, Error> {
    entries.iter().map(|e| parse_allow_entry(e)).collect()
}

fn parse_allow_entry(entry: &str) -> Result<AllowEntry, Error> {
    if entry.contains('*') {
        return Err(bad_allow(
            "invalid allow entry: wildcards are not supported, list each host",
        ));
    }
    let Some((addr, prefix)) = entry.split_once('/') else {
        return match parse_host(entry) {
            Ok(Host::Domain(name)) => Ok(AllowEntry::Name(
                name.strip_suffix('.').unwrap_or(&name).to_owned(),
            )),
            Ok(Host::Ip(IpAddr::V4(a))) => Ok(AllowEntry::Net(Net::V4(u32::from(a), 32))),
            Ok(Host::Ip(IpAddr::V6(a))) => Ok(AllowEntry::Net(Net::V6(u128::from(a), 128))),
            Err(_) => Err(bad_allow(
                "invalid allow entry: expected a host name, an ip address or a cidr range",
            )),
        };
    };
    let prefix = Some(prefix)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| p.parse::<u32>().ok())
        .ok_or_else(|| bad_allow("invalid allow cidr prefix"))?;
    let net = if let Ok(a) = addr.parse::<Ipv4Addr>() {
        if prefix > 32 {
            return Err(bad_allow("invalid allow cidr prefix"));
        }
        Net::V4(u32::from(a), prefix)
    } else if let Ok(a) = addr.parse::<Ipv6Addr>() {
        if prefix > 128 {
            return Err(bad_allow("invalid allow cidr prefix"));
        }
        Net::V6(u128::from(a), prefix)
    } else {
        return Err(bad_allow(
            "invalid allow cidr: the address must be dotted-decimal ipv4 or ipv6 without brackets",
        ));
    };
    let aligned = match net {
        Net::V4(a, p) => a & mask_u32(p) == a,
        Net::V6(a, p) => a & mask_u128(p) == a,
    };
    if !aligned {
        return Err(bad_allow(
            "invalid allow cidr: address bits set after the prefix",
        ));
    }
    Ok(AllowEntry::Net(net))
}

// ---------------------------------------------------------------------------------------------
// the small URL splitter behind check_url

/// Split an absolute http(s) URL into parts the way the WHATWG parser does, refusing what it would
/// repair. Other schemes come back with only `scheme` set: [`check_target`] refuses them on that.
fn split_url(url: &str) -> Result<UrlParts, Error> {
    // WHATWG strips leading and trailing C0 controls and spaces.
    let url = url.trim_matches(|c: char| c <= ' ');
    let (scheme, rest) = url
        .split_once(':')
        .ok_or_else(|| invalid("missing scheme"))?;
    let mut chars = scheme.chars();
    let valid_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return Err(invalid("missing scheme"));
    }
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Ok(UrlParts {
            scheme,
            ..UrlParts::default()
        });
    }
    // For http(s), any run of slashes and backslashes (even none) leads to the authority, which
    // ends at the first slash, backslash, `?` or `#`.
    let rest = rest.trim_start_matches(['/', '\\']);
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or_default();
    if authority.chars().any(|c| c <= ' ' || c == '\u{7f}') {
        return Err(invalid("space or control character in url"));
    }
    let (userinfo, host_port) = authority.rsplit_once('@').unwrap_or(("", authority));
    let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = split_host_port(host_port)?;
    if host.is_empty() {
        return Err(invalid("missing host"));
    }
    Ok(UrlParts {
        scheme,
        username: username.to_owned(),
        password: password.to_owned(),
        host,
        port,
    })
}

fn split_host_port(text: &str) -> Result<(String, Option<u16>), Error> {
    let (host, port) = if text.starts_with('[') {
        let (inside, after) = text
            .split_once(']')
            .ok_or_else(|| invalid("invalid ipv6 address"))?;
        let port = if after.is_empty() {
            None
        } else {
            Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| invalid("invalid ipv6 address"))?,
            )
        };
        (format!("{inside}]"), port)
    } else {
        match text.split_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (text.to_owned(), None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(parse_port(p)?),
    };
    Ok((host, port))
}

/// Decimal digits, leading zeros allowed, at most 65535.
fn parse_port(text: &str) -> Result<u16, Error> {
    let mut value: u16 = 0;
    for b in text.bytes() {
        let digit = match b {
            b'0'..=b'9' => u16::from(b.saturating_sub(b'0')),
            _ => return Err(invalid("invalid port")),
        };
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(digit))
            .ok_or_else(|| invalid("invalid port"))?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> TargetOptions {
        TargetOptions::default()
    }

    fn reason(r: Result<Target, Error>) -> &'static str {
        match r {
            Err(Error::TargetNotAllowed { reason }) | Err(Error::InvalidUrl { reason }) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn v4(host: &str) -> Option<Ipv4Addr> {
        match parse_host(host) {
            Ok(Host::Ip(IpAddr::V4(a))) => Some(a),
            _ => None,
        }
    }

    #[test]
    fn whatwg_ipv4_forms() {
        let lo = Some(Ipv4Addr::new(127, 0, 0, 1));
        for h in [
            "127.0.0.1",
            "127.1",
            "127.0.1",
            "2130706433",
            "0x7f000001",
            "0X7F.1",
            "0177.0.0.1",
            "0177.1",
            "017700000001",
            "127.000.000.001",
            "127.0.0.1.",
            "0x7f.0x0.0x0.0x1",
            "127.0.0.0x1",
            "0000000177.1",
        ] {
            assert_eq!(v4(h), lo, "{h}");
        }
        assert_eq!(v4("0x"), Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(v4("4294967295"), Some(Ipv4Addr::BROADCAST));
        assert_eq!(v4("1.16777215"), Some(Ipv4Addr::new(1, 255, 255, 255)));
        for bad in [
            "4294967296",
            "1.16777216",
            "256.1",
            "0x100.1",
            "09.1",
            "1.09",
            "1.2.3.4.5",
            "a.1",
            "foo.0x1",
            "1..2",
            "99999999999999999999999999",
        ] {
            assert_eq!(
                parse_host(bad),
                Err(invalid("invalid ipv4 address")),
                "{bad}"
            );
        }
        // Not numbers: names.
        for name in ["1.a", "1e1", "foo.0xg", "a.b.c.d.e.f"] {
            assert!(matches!(parse_host(name), Ok(Host::Domain(_))), "{name}");
        }
        assert_eq!(parse_host("1.2.3.4.."), Err(invalid("empty label in host")));
    }

    #[test]
    fn ipv6_serialization_matches_whatwg() {
        for (text, want) in [
            ("::1", "::1"),
            ("0:0:0:0:0:0:0:0", "::"),
            ("::ffff:127.0.0.1", "::ffff:7f00:1"),
            ("::127.0.0.1", "::7f00:1"),
            ("1:0:1:1:1:1:1:1", "1:0:1:1:1:1:1:1"),
            ("1:0:0:1:0:0:1:1", "1::1:0:0:1:1"),
            ("2002:7f00:1::", "2002:7f00:1::"),
            ("FE80::1", "fe80::1"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ] {
            let a: Ipv6Addr = text.parse().unwrap();
            assert_eq!(whatwg_ipv6(a), want, "{text}");
        }
    }

    #[test]
    fn ranges() {
        let cases = [
            ("0.1.2.3", Some("unspecified address")),
            ("8.8.8.8", None),
            ("100.63.255.255", None),
            ("100.64.0.0", Some("cgnat address")),
            ("100.127.255.255", Some("cgnat address")),
            ("100.128.0.0", None),
            ("172.15.255.255", None),
            ("172.16.0.0", Some("private address")),
            ("172.31.255.255", Some("private address")),
            ("172.32.0.0", None),
            ("198.17.255.255", None),
            ("198.19.255.255", Some("reserved address")),
            ("198.20.0.0", None),
            ("223.255.255.255", None),
            ("239.255.255.255", Some("multicast address")),
            ("255.255.255.254", Some("reserved address")),
            ("255.255.255.255", Some("broadcast address")),
            ("169.254.169.254", Some("metadata address")),
            ("169.254.170.2", Some("link-local address")),
            ("168.63.129.15", None),
            ("168.63.129.16", Some("metadata address")),
            ("168.63.129.17", None),
            ("100.100.100.200", Some("metadata address")),
            ("100.100.100.201", Some("cgnat address")),
            ("::ffff:168.63.129.16", Some("metadata address")),
            ("64:ff9b::168.63.129.16", Some("metadata address")),
            ("2002:a83f:8110::1", Some("metadata address")),
            ("::168.63.129.16", Some("metadata address")),
            ("::", Some("unspecified address")),
            ("::2", Some("unspecified address")),
            ("::8.8.8.8", Some("reserved address")),
            ("::ffff:8.8.8.8", None),
            ("::ffff:10.1.2.3", Some("private address")),
            ("::ffff:0:8.8.8.8", Some("reserved address")),
            ("64:ff9b::8.8.8.8", None),
            ("64:ff9b::169.254.169.254", Some("metadata address")),
            ("2002:0808:0808::1", None),
            ("2002:c0a8:0101::1", Some("private address")),
            (
                "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                Some("reserved address"),
            ),
            ("2001:1ff::1", Some("reserved address")),
            ("2001:200::1", None),
            ("2001:db8::1", Some("documentation address")),
            ("3fff:0fff::1", Some("documentation address")),
            ("3fff:1000::1", None),
            ("2606:4700:4700::1111", None),
            ("4000::1", Some("reserved address")),
            ("fd00:ec2::254", Some("metadata address")),
            ("fd00:ec2::253", Some("private address")),
            ("fd20:ce::254", Some("metadata address")),
            ("fd20:ce::253", Some("private address")),
            ("febf::1", Some("link-local address")),
            ("fec0::1", Some("private address")),
            ("ff02::1", Some("multicast address")),
        ];
        for (text, want) in cases {
            let addr: IpAddr = text.parse().unwrap();
            assert_eq!(ip_verdict(addr), want, "{text}");
            let got = check_ip(addr, &opts());
            assert_eq!(got.err(), want.map(refused), "{text}");
        }
    }

    #[test]
    fn mapped_addresses_judged_like_ipv4() {
        for a in [
            0_u32,
            0x0a00_0001,
            0x7f00_0001,
            0x0808_0808,
            0xa9fe_a9fe,
            0xa83f_8110,
            0x6464_64c8,
            0xffff_ffff,
        ] {
            let v4 = Ipv4Addr::from(a);
            assert_eq!(v4_verdict(v4), v6_verdict(v4.to_ipv6_mapped()), "{v4}");
        }
    }

    #[test]
    fn names() {
        for (host, want) in [
            ("localhost", "localhost"),
            ("LOCALHOST.", "localhost"),
            ("foo.localhost", "localhost"),
            ("metadata.google.internal.", "metadata address"),
            ("metadata", "metadata address"),
            ("printer.local", "internal name"),
            ("router.home.arpa", "internal name"),
            ("billing.internal", "internal name"),
            ("kubernetes", "internal name"),
            ("kubernetes.default", "internal name"),
            ("Kubernetes.Default.", "internal name"),
            ("kubernetes.default.svc", "internal name"),
            ("redis.prod.svc.", "internal name"),
            ("svc", "internal name"),
            ("kubernetes.default.svc.cluster.local", "internal name"),
            ("web.service.dc1.consul", "internal name"),
            ("CONSUL.", "internal name"),
            ("intranet", "single-label host"),
            ("a..b", "empty label in host"),
            (".", "empty label in host"),
            ("ex%41mple.com", "percent sign in host"),
            ("exämple.com", "non-ascii host"),
            ("a<b", "invalid character in host"),
            ("fe80::1%eth0", "zone id in host"),
            ("[fe80::1%25eth0]", "zone id in host"),
            ("[::1", "invalid ipv6 address"),
            ("example.com:80", "invalid character in host"),
            ("", "missing host"),
        ] {
            let parts = UrlParts {
                scheme: "https".into(),
                host: host.into(),
                ..UrlParts::default()
            };
            assert_eq!(reason(check_target(&parts, &opts())), want, "{host}");
        }
        assert!(!has_suffix("notlocalhost", "localhost"));
        assert!(has_suffix("a.localhost", "localhost"));
        // Cluster names stay refused when single-label names are allowed.
        let single = TargetOptions {
            allow_single_label: true,
            ..TargetOptions::default()
        };
        assert_eq!(
            reason(check_url("http://kubernetes/", &single)),
            "internal name"
        );
        assert!(check_url("http://billing/", &single).is_ok());
        // Look-alikes on public suffixes.
        for url in [
            "https://consul.io/",
            "https://example.consul.io/",
            "https://svc.example.com/",
            "https://internal.example.com/",
            "https://kubernetes.io/",
            "https://kubernetes.default.example.com/",
            "https://mysvc.com/",
        ] {
            assert!(check_url(url, &opts()).is_ok(), "{url}");
        }
    }

    #[test]
    fn allow_list() {
        let o = TargetOptions {
            allow: vec!["10.0.0.0/8".into(), "Hooks.Internal.".into(), "::1".into()],
            ..TargetOptions::default()
        };
        o.validate().unwrap();
        let t = check_url("http://0x0a.1/", &o).unwrap();
        assert!(t.allow_listed);
        assert_eq!(t.host, "10.0.0.1");
        assert!(
            check_url("http://hooks.internal/", &o)
                .unwrap()
                .allow_listed
        );
        assert!(check_url("http://[::1]/", &o).unwrap().allow_listed);
        let cluster = TargetOptions {
            allow: vec![
                "Kubernetes.Default.Svc.".into(),
                "168.63.129.16".into(),
                "kubernetes".into(),
            ],
            ..TargetOptions::default()
        };
        for url in [
            "http://KUBERNETES.default.svc./",
            "http://kubernetes/",
            "http://168.63.129.16/",
            "http://[::ffff:168.63.129.16]/",
        ] {
            assert!(check_url(url, &cluster).unwrap().allow_listed, "{url}");
        }
        assert_eq!(
            reason(check_url("http://other.default.svc/", &cluster)),
            "internal name"
        );
        assert_eq!(
            reason(check_url("http://kubernetes.default/", &cluster)),
            "internal name"
        );
        assert_eq!(
            reason(check_url("http://127.0.0.1/", &o)),
            "loopback address"
        );
        assert!(check_ip("::ffff:10.9.9.9".parse().unwrap(), &o).is_ok());
        // Never the credentials rule.
        assert_eq!(
            reason(check_url("http://u:p@10.0.0.1/", &o)),
            "credentials in url"
        );
        for bad in [
            "10.0.0.1/8",
            "10.0.0.0/33",
            "10.0.0.0/",
            "ten/8",
            "",
            "a b",
            "::/129",
        ] {
            let o = TargetOptions {
                allow: vec![bad.into()],
                ..TargetOptions::default()
            };
            assert_eq!(
                o.validate().unwrap_err().code(),
                "invalid_argument",
                "{bad}"
            );
        }
        let all = TargetOptions {
            allow: vec!["0.0.0.0/0".into(), "::/0".into()],
            ..TargetOptions::default()
        };
        assert!(check_url("http://[fe80::1]/", &all).is_ok());
    }

    #[test]
    fn resolved_addresses() {
        let o = TargetOptions {
            allow: vec!["hooks.internal".into()],
            ..TargetOptions::default()
        };
        let listed = check_url("https://hooks.internal/", &o).unwrap();
        let plain = check_url("https://example.com/", &o).unwrap();
        let private: IpAddr = "10.1.2.3".parse().unwrap();
        assert!(check_resolved(&listed, private, &o).is_ok());
        assert_eq!(
            check_resolved(&plain, private, &o),
            Err(refused("private address"))
        );
    }

    #[test]
    fn url_splitting() {
        let p = split_url(" HTTP://u:p@[::1]:0080/x?y#z ").unwrap();
        assert_eq!(
            p,
            UrlParts {
                scheme: "http".into(),
                username: "u".into(),
                password: "p".into(),
                host: "[::1]".into(),
                port: Some(80),
            }
        );
        let t = check_url("http:\\\\example.com:80\\@127.0.0.1", &opts()).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("example.com", None));
        let t = check_url("https://example.com:8443", &opts()).unwrap();
        assert_eq!(t.port, Some(8443));
        assert_eq!(
            reason(check_url("http://example.com:65536/", &opts())),
            "invalid port"
        );
        assert_eq!(
            reason(check_url("http://exa\tmple.com/", &opts())),
            "space or control character in url"
        );
        assert_eq!(
            reason(check_url("gopher://x", &opts())),
            "scheme must be http or https"
        );
        assert_eq!(
            reason(check_url("//example.com", &opts())),
            "missing scheme"
        );
        assert_eq!(reason(check_url("http://u@/", &opts())), "missing host");
        let https = TargetOptions {
            https_only: true,
            ..TargetOptions::default()
        };
        assert_eq!(
            reason(check_url("http://example.com", &https)),
            "https required"
        );
    }

    #[test]
    fn scheme_with_colon_and_case() {
        let parts = UrlParts {
            scheme: "HTTPS:".into(),
            host: "Example.COM".into(),
            port: Some(443),
            ..UrlParts::default()
        };
        let t = check_target(&parts, &opts()).unwrap();
        assert_eq!(t.host, "example.com");
        assert_eq!(t.port, None);
        assert_eq!(t.host_kind.as_str(), "domain");
    }
}
