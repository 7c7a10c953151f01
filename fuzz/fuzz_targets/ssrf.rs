//! The SSRF decision on arbitrary URLs, URL parts, hosts and addresses.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hookline::ssrf::{check_ip, check_target, check_url, TargetOptions, UrlParts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (String, String, Option<u16>, [u8; 16], Vec<String>, bool)| {
    let (url, host, port, addr, allow, https_only) = input;
    let options = TargetOptions {
        https_only,
        allow: allow.into_iter().take(8).collect(),
        allow_single_label: false,
    };
    let _ = check_url(&url, &options);
    let _ = check_url(&url, &TargetOptions::default());
    let parts = UrlParts {
        scheme: "https".into(),
        username: String::new(),
        password: String::new(),
        host,
        port,
    };
    let _ = check_target(&parts, &TargetOptions::default());
    let _ = check_target(&parts, &options);
    let _ = check_ip(IpAddr::V6(Ipv6Addr::from(addr)), &TargetOptions::default());
    let v4 = Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]);
    let _ = check_ip(IpAddr::V4(v4), &options);
});
