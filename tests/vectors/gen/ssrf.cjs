// Run from the repository root:  node tests/vectors/gen/ssrf.cjs
//
// Writes tests/vectors/ssrf.json: SSRF guard cases, read by tests/ssrf_vectors.rs and the JS suite.
//
// The expectations below are written by hand. Everything WHATWG decides is computed here by
// Node's own URL parser, never by hookline: each case's "parts" is what `new URL(url)` gives (null
// when it throws), an allowed case's normalized "host" and "port" are its `hostname` and `port`, and
// each raw host's "whatwg" is the hostname `new URL("http://" + host + "/")` reads. The script
// stops when a hand-written expectation contradicts the parser (an allowed URL that does not
// parse, a refused-for-range URL that new URL() rejects).
"use strict";

const fs = require("node:fs");

const OUT = `${__dirname}/../ssrf.json`;

// ---------------------------------------------------------------------------------------------
// expectation helpers

const refused = (reason) => ({ error: "target_not_allowed", reason });
const invalid = (reason) => ({ error: "invalid_url", reason });
const ok = (hostKind, allowListed = false) => ({ hostKind, allowListed });

const LOOPBACK = refused("loopback address");
const PRIVATE = refused("private address");
const METADATA = refused("metadata address");
const LINK_LOCAL = refused("link-local address");
const CGNAT = refused("cgnat address");
const MULTICAST = refused("multicast address");
const DOCS = refused("documentation address");
const UNSPECIFIED = refused("unspecified address");
const BROADCAST = refused("broadcast address");
const RESERVED = refused("reserved address");
const LOCALHOST = refused("localhost");
const INTERNAL = refused("internal name");
const SINGLE = refused("single-label host");
const CREDENTIALS = refused("credentials in url");
const SCHEME = refused("scheme must be http or https");
const HTTPS = refused("https required");

// ---------------------------------------------------------------------------------------------
// cases: [name, url, expect, extra?]  extra: { options, urlExpect }
// urlExpect: what the Rust check_url (its own small parser) answers when it differs from what
// check_target answers on new URL()'s parts; only for hosts that new URL() percent-decodes,
// IDNA-maps or strips of tabs.

const cases = [
  // every form of 127.0.0.1 that new URL() accepts
  ["loopback dotted", "http://127.0.0.1/", LOOPBACK],
  ["loopback short 127.1", "http://127.1/", LOOPBACK],
  ["loopback short 127.0.1", "http://127.0.1/", LOOPBACK],
  ["loopback decimal", "http://2130706433/", LOOPBACK],
  ["loopback hex", "http://0x7f000001/", LOOPBACK],
  ["loopback hex first part", "http://0x7f.0.0.1/", LOOPBACK],
  ["loopback uppercase hex short", "http://0X7F.1/", LOOPBACK],
  ["loopback hex every part", "http://0x7f.0x0.0x0.0x1/", LOOPBACK],
  ["loopback octal first part", "http://0177.0.0.1/", LOOPBACK],
  ["loopback octal short", "http://0177.1/", LOOPBACK],
  ["loopback octal whole", "http://017700000001/", LOOPBACK],
  ["loopback padded octal", "http://0000000177.1/", LOOPBACK],
  ["loopback leading zeros", "http://127.000.000.001/", LOOPBACK],
  ["loopback trailing dot", "http://127.0.0.1./", LOOPBACK],
  ["loopback end of 127/8", "http://127.255.255.254/", LOOPBACK],
  ["loopback with port", "https://127.0.0.1:8443/hook", LOOPBACK],
  ["loopback ipv6", "http://[::1]/", LOOPBACK],
  ["loopback ipv6 with port", "http://[::1]:8080/", LOOPBACK],
  ["loopback ipv6 long", "http://[0:0:0:0:0:0:0:1]/", LOOPBACK],
  ["loopback ipv4-mapped dotted", "http://[::ffff:127.0.0.1]/", LOOPBACK],
  ["loopback ipv4-mapped hex", "http://[::ffff:7f00:1]/", LOOPBACK],
  ["loopback ipv4-mapped uppercase long", "http://[0:0:0:0:0:FFFF:127.0.0.1]/", LOOPBACK],
  ["loopback ipv4-compatible", "http://[::127.0.0.1]/", LOOPBACK],
  ["loopback ipv4-translated", "http://[::ffff:0:127.0.0.1]/", LOOPBACK],
  ["loopback nat64", "http://[64:ff9b::7f00:1]/", LOOPBACK],
  ["loopback 6to4", "http://[2002:7f00:1::]/", LOOPBACK],

  // 10/8 and the other private ranges
  ["private 10 dotted", "http://10.0.0.1/", PRIVATE],
  ["private 10 short", "http://10.1/", PRIVATE],
  ["private 10 decimal", "http://167772161/", PRIVATE],
  ["private 10 hex", "http://0xa000001/", PRIVATE],
  ["private 10 hex first part", "http://0xa.0.0.1/", PRIVATE],
  ["private 10 octal", "http://012.0.0.1/", PRIVATE],
  ["private 10 octal short", "http://012.1/", PRIVATE],
  ["private 10 trailing dot", "http://10.0.0.1./", PRIVATE],
  ["private 10 end", "http://10.255.255.255/", PRIVATE],
  ["private 10 ipv4-mapped", "http://[::ffff:10.0.0.1]/", PRIVATE],
  ["private 10 nat64", "http://[64:ff9b::a00:1]/", PRIVATE],
  ["private 10 6to4", "http://[2002:a00:1::]/", PRIVATE],
  ["private 172.16", "http://172.16.0.1/", PRIVATE],
  ["private 172.31 end", "http://172.31.255.255/", PRIVATE],
  ["public 172.32 just past 172.16/12", "http://172.32.0.1/", ok("ipv4")],
  ["private 192.168", "http://192.168.1.1/", PRIVATE],
  ["private 192.168 decimal", "http://3232235777/", PRIVATE],
  ["private unique local fc00", "http://[fc00::1]/", PRIVATE],
  ["private unique local fd", "http://[fd12:3456:789a::1]/", PRIVATE],
  ["private deprecated site-local", "http://[fec0::1]/", PRIVATE],

  // cloud metadata
  ["metadata dotted", "http://169.254.169.254/latest/meta-data/", METADATA],
  ["metadata decimal", "http://2852039166/", METADATA],
  ["metadata hex", "http://0xa9fea9fe/", METADATA],
  ["metadata octal", "http://0251.0376.0251.0376/", METADATA],
  ["metadata short form", "http://169.254.43518/", METADATA],
  ["metadata ipv4-mapped", "http://[::ffff:169.254.169.254]/", METADATA],
  ["metadata nat64", "http://[64:ff9b::a9fe:a9fe]/", METADATA],
  ["metadata aws ipv6", "http://[fd00:ec2::254]/", METADATA],
  ["metadata alibaba", "http://100.100.100.200/", METADATA],
  ["metadata alibaba nat64", "http://[64:ff9b::6464:64c8]/", METADATA],
  ["metadata gcp ipv6", "http://[fd20:ce::254]/", METADATA],
  ["metadata azure wireserver", "http://168.63.129.16/", METADATA],
  ["metadata azure wireserver decimal", "http://2822734096/", METADATA],
  ["metadata azure wireserver hex", "http://0xa83f8110/", METADATA],
  ["metadata azure wireserver ipv4-mapped", "http://[::ffff:168.63.129.16]/", METADATA],
  ["metadata azure wireserver nat64", "http://[64:ff9b::a83f:8110]/", METADATA],
  ["metadata azure wireserver 6to4", "http://[2002:a83f:8110::1]/", METADATA],
  ["public just below azure wireserver", "http://168.63.129.15/", ok("ipv4")],
  ["public just above azure wireserver", "http://168.63.129.17/", ok("ipv4")],
  ["metadata gcp name", "http://metadata.google.internal/computeMetadata/v1/", METADATA],
  ["metadata gcp name uppercase trailing dot", "http://METADATA.Google.Internal./", METADATA],
  ["metadata single-label name", "http://metadata/", METADATA],
  ["metadata aws name", "http://instance-data/latest/", METADATA],
  ["metadata name allowed single labels", "http://metadata/", METADATA, { options: { allowSingleLabel: true } }],

  // link-local, cgnat, multicast, documentation, unspecified, broadcast, reserved
  ["link-local v4", "http://169.254.1.1/", LINK_LOCAL],
  ["link-local ecs task metadata", "http://169.254.170.2/v2/credentials", LINK_LOCAL],
  ["link-local v6", "http://[fe80::1]/", LINK_LOCAL],
  ["link-local v6 end", "http://[febf::1]/", LINK_LOCAL],
  ["cgnat start", "http://100.64.0.1/", CGNAT],
  ["cgnat end", "http://100.127.255.255/", CGNAT],
  ["public just past cgnat", "http://100.128.0.1/", ok("ipv4")],
  ["multicast v4", "http://224.0.0.1/", MULTICAST],
  ["multicast v4 ssdp", "http://239.255.255.250/", MULTICAST],
  ["multicast v6", "http://[ff02::1]/", MULTICAST],
  ["documentation test-net-1", "http://192.0.2.1/", DOCS],
  ["documentation test-net-2", "http://198.51.100.7/", DOCS],
  ["documentation test-net-3", "http://203.0.113.9/", DOCS],
  ["documentation v6", "http://[2001:db8::1]/", DOCS],
  ["documentation v6 3fff::/20", "http://[3fff::1]/", DOCS],
  ["unspecified dotted", "http://0.0.0.0/", UNSPECIFIED],
  ["unspecified single zero", "http://0/", UNSPECIFIED],
  ["unspecified bare 0x", "http://0x/", UNSPECIFIED],
  ["this network 0/8", "http://0.1.2.3/", UNSPECIFIED],
  ["unspecified v6", "http://[::]/", UNSPECIFIED],
  ["unspecified ipv4-mapped", "http://[::ffff:0.0.0.0]/", UNSPECIFIED],
  ["broadcast", "http://255.255.255.255/", BROADCAST],
  ["broadcast decimal", "http://4294967295/", BROADCAST],
  ["broadcast hex", "http://0xffffffff/", BROADCAST],
  ["reserved 240/4", "http://240.0.0.1/", RESERVED],
  ["reserved 192.0.0/24", "http://192.0.0.170/", RESERVED],
  ["reserved benchmarking", "http://198.18.0.1/", RESERVED],
  ["reserved benchmarking end", "http://198.19.255.255/", RESERVED],
  ["reserved 6to4 relay anycast", "http://192.88.99.1/", RESERVED],
  ["reserved local-use nat64", "http://[64:ff9b:1::a00:1]/", RESERVED],
  ["reserved discard-only", "http://[100::1]/", RESERVED],
  ["reserved ietf 2001::/23", "http://[2001:2::1]/", RESERVED],
  ["reserved teredo", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", RESERVED],
  ["reserved outside 2000::/3", "http://[4000::1]/", RESERVED],
  ["reserved ipv4-compatible public", "http://[::8.8.8.8]/", RESERVED],

  // public addresses
  ["public google dns", "http://8.8.8.8/", ok("ipv4")],
  ["public cloudflare dns", "https://1.1.1.1/dns-query", ok("ipv4")],
  ["public decimal form", "http://134744072/", ok("ipv4")],
  ["public hex parts", "http://0x8.0x8.0x8.0x8/", ok("ipv4")],
  ["public v6 cloudflare", "http://[2606:4700:4700::1111]/", ok("ipv6")],
  ["public v6 google long form", "https://[2001:4860:4860:0:0:0:0:8888]:8443/", ok("ipv6")],
  ["public ipv4-mapped", "http://[::ffff:8.8.8.8]/", ok("ipv6")],
  ["public nat64", "http://[64:ff9b::808:808]/", ok("ipv6")],
  ["public 6to4", "http://[2002:808:808::1]/", ok("ipv6")],
  ["public v6 just past 2001::/23", "http://[2001:200::1]/", ok("ipv6")],

  // names
  ["domain", "https://example.com/webhooks", ok("domain")],
  ["domain multi-level", "https://hooks.example.co.uk/in", ok("domain")],
  ["domain uppercase", "HTTPS://EXAMPLE.COM/", ok("domain")],
  ["domain trailing dot kept", "https://example.com./", ok("domain")],
  ["domain custom port", "https://example.com:8443/", ok("domain")],
  ["domain default port dropped", "https://example.com:443/", ok("domain")],
  ["domain default port with zeros dropped", "http://example.com:0080/", ok("domain")],
  ["domain http on 443 keeps port", "http://example.com:443/", ok("domain")],
  ["domain punycode", "https://xn--r8jz45g.jp/", ok("domain")],
  ["domain starting with localhost", "https://localhost.example.com/", ok("domain")],
  ["domain ending like localhost", "https://mylocalhost.com/", ok("domain")],
  ["domain with numeric first label", "https://0x7f.1.example.com/", ok("domain")],
  ["domain last label not a number", "http://1.a/", ok("domain")],
  ["localhost", "http://localhost/", LOCALHOST],
  ["localhost uppercase", "http://LOCALHOST/", LOCALHOST],
  ["localhost trailing dot", "http://localhost./", LOCALHOST],
  ["localhost with port", "http://localhost:3000/", LOCALHOST],
  ["localhost subdomain", "http://foo.localhost/", LOCALHOST],
  ["localhost subdomain mixed case trailing dot", "http://Foo.LOCALHOST./", LOCALHOST],
  ["internal mdns", "http://printer.local/", INTERNAL],
  ["internal tld", "http://billing.internal/", INTERNAL],
  ["internal home.arpa", "http://router.home.arpa/", INTERNAL],
  ["internal localdomain", "http://localhost.localdomain/", INTERNAL],
  ["internal kubernetes api", "http://kubernetes/", INTERNAL],
  ["internal kubernetes api allowed single labels", "http://kubernetes/", INTERNAL, { options: { allowSingleLabel: true } }],
  ["internal kubernetes.default", "http://kubernetes.default/", INTERNAL],
  ["internal kubernetes.default.svc", "https://kubernetes.default.svc/api", INTERNAL],
  ["internal kubernetes.default.svc uppercase trailing dot", "http://KUBERNETES.default.svc./", INTERNAL],
  ["internal kubernetes fully qualified", "https://kubernetes.default.svc.cluster.local:443/", INTERNAL],
  ["internal kubernetes service .svc", "http://redis.prod.svc:6379/", INTERNAL],
  ["internal kubernetes service cluster.local", "http://my-svc.my-ns.svc.cluster.local:8080/", INTERNAL],
  ["internal kubernetes pod cluster.local", "http://10-1-2-3.default.pod.cluster.local/", INTERNAL],
  ["internal consul", "http://consul-server.service.consul/", INTERNAL],
  ["internal consul datacenter uppercase trailing dot", "http://Vault.Service.DC1.CONSUL./", INTERNAL],
  ["internal gcp name under .internal", "http://my-vm.us-central1-a.c.my-project.internal/", INTERNAL],
  ["public consul.io", "https://consul.io/", ok("domain")],
  ["public name under consul.io", "https://example.consul.io/", ok("domain")],
  ["public svc first label", "https://svc.example.com/", ok("domain")],
  ["public internal first label", "https://internal.example.com/", ok("domain")],
  ["public kubernetes.io", "https://kubernetes.io/", ok("domain")],
  ["public kubernetes.default under a public name", "https://kubernetes.default.example.com/", ok("domain")],
  ["public cluster.local under a public name", "https://svc.cluster.local.example.com/", ok("domain")],
  ["public name ending in svc letters", "https://mysvc.com/", ok("domain")],
  ["single-label", "http://intranet/", SINGLE],
  ["single-label trailing dot", "http://intranet./", SINGLE],
  ["single-label allowed by option", "http://intranet/", ok("domain"), { options: { allowSingleLabel: true } }],
  ["localhost despite single-label option", "http://localhost/", LOCALHOST, { options: { allowSingleLabel: true } }],

  // credentials
  ["credentials", "http://user:pass@example.com/", CREDENTIALS],
  ["credentials username only", "https://user@example.com/", CREDENTIALS],
  ["credentials password only", "https://:pass@example.com/", CREDENTIALS],
  ["empty userinfo is no credentials", "https://@example.com/", ok("domain")],
  ["empty user and password is no credentials", "https://:@example.com/", ok("domain")],
  ["credentials host after last at", "http://example.com@127.0.0.1/", CREDENTIALS],
  ["credentials two at signs", "http://a@b@127.0.0.1/", CREDENTIALS],

  // schemes and https-only
  ["scheme ftp", "ftp://example.com/", SCHEME],
  ["scheme file", "file:///etc/passwd", SCHEME],
  ["scheme javascript", "javascript:alert(1)", SCHEME],
  ["scheme gopher", "gopher://127.0.0.1:6379/_INFO", SCHEME],
  ["scheme ws", "ws://example.com/", SCHEME],
  ["scheme wss", "wss://example.com/", SCHEME],
  ["scheme data", "data:text/plain,hi", SCHEME],
  ["host:port without scheme", "example.com:80", SCHEME],
  ["https-only refuses http", "http://example.com/", HTTPS, { options: { httpsOnly: true } }],
  ["https-only allows https", "https://example.com/", ok("domain"), { options: { httpsOnly: true } }],
  ["https-only refuses http before the address", "http://127.0.0.1/", HTTPS, { options: { httpsOnly: true } }],

  // the allow-list
  ["allow exact ip", "http://127.0.0.1:8080/", ok("ipv4", true), { options: { allow: ["127.0.0.1"] } }],
  ["allow exact ip matches other spelling", "http://127.1/", ok("ipv4", true), { options: { allow: ["127.0.0.1"] } }],
  ["allow exact ip matches ipv4-mapped", "http://[::ffff:127.0.0.1]/", ok("ipv6", true), { options: { allow: ["127.0.0.1"] } }],
  ["allow exact ip only that ip", "http://127.0.0.2/", LOOPBACK, { options: { allow: ["127.0.0.1"] } }],
  ["allow cidr", "http://10.1.2.3/", ok("ipv4", true), { options: { allow: ["10.0.0.0/8"] } }],
  ["allow cidr hex spelling", "http://0xa.0x1.0x2.0x3/", ok("ipv4", true), { options: { allow: ["10.0.0.0/8"] } }],
  ["allow cidr not other ranges", "http://192.168.1.1/", PRIVATE, { options: { allow: ["10.0.0.0/8"] } }],
  ["allow cidr public outside is not listed", "http://11.0.0.1/", ok("ipv4"), { options: { allow: ["10.0.0.0/8"] } }],
  ["allow v6 ip", "http://[::1]:3000/", ok("ipv6", true), { options: { allow: ["::1"] } }],
  ["allow v6 cidr", "http://[fd12::1]/", ok("ipv6", true), { options: { allow: ["fd00::/8"] } }],
  ["allow hostname", "http://hooks.internal/", ok("domain", true), { options: { allow: ["hooks.internal"] } }],
  ["allow hostname any case and dot", "http://HOOKS.internal./", ok("domain", true), { options: { allow: ["Hooks.Internal"] } }],
  ["allow hostname exact only", "http://other.internal/", INTERNAL, { options: { allow: ["hooks.internal"] } }],
  ["allow localhost for tests", "http://localhost:3000/", ok("domain", true), { options: { allow: ["localhost"] } }],
  ["allow single-label name", "http://billing/", ok("domain", true), { options: { allow: ["billing"] } }],
  ["allow kubernetes api", "http://kubernetes/", ok("domain", true), { options: { allow: ["kubernetes"] } }],
  ["allow kubernetes service any case and dot", "http://KUBERNETES.default.svc./", ok("domain", true), { options: { allow: ["Kubernetes.Default.Svc"] } }],
  ["allow kubernetes service exact only", "http://other.default.svc/", INTERNAL, { options: { allow: ["kubernetes.default.svc"] } }],
  ["allow consul name", "http://consul-server.service.consul/", ok("domain", true), { options: { allow: ["consul-server.service.consul"] } }],
  ["allow azure wireserver", "http://168.63.129.16/", ok("ipv4", true), { options: { allow: ["168.63.129.16"] } }],
  ["allow azure wireserver matches ipv4-mapped", "http://[::ffff:168.63.129.16]/", ok("ipv6", true), { options: { allow: ["168.63.129.16"] } }],
  ["allow hostname not its address", "http://127.0.0.1/", LOOPBACK, { options: { allow: ["localhost"] } }],
  ["allow never lifts credentials", "http://u:p@127.0.0.1/", CREDENTIALS, { options: { allow: ["127.0.0.1"] } }],
  ["allow never lifts https-only", "http://127.0.0.1/", HTTPS, { options: { allow: ["127.0.0.1"], httpsOnly: true } }],
  ["allow never lifts the scheme", "ftp://127.0.0.1/", SCHEME, { options: { allow: ["127.0.0.1"] } }],

  // parser differentials: the authority ends at / \ ? #, any run of slashes leads to it
  ["backslash ends the authority", "http://127.0.0.1\\@example.com/", LOOPBACK],
  ["backslash after port", "http://127.0.0.1:80\\@example.com/", LOOPBACK],
  ["backslashes as slashes", "http:\\\\127.0.0.1\\", LOOPBACK],
  ["no slashes", "http:127.0.0.1/", LOOPBACK],
  ["three slashes", "http:///127.0.0.1/", LOOPBACK],
  ["at sign in query", "https://example.com?@127.0.0.1", ok("domain")],
  ["at sign in fragment", "https://example.com#@127.0.0.1", ok("domain")],
  ["surrounding spaces trimmed", "  http://127.0.0.1/  ", LOOPBACK],

  // hosts new URL() accepts but the guard cannot read
  ["empty label", "http://a..b/", invalid("empty label in host")],
  ["only a dot", "http://./", invalid("empty label in host")],
  ["two trailing dots is a name with an empty label", "http://1.2.3.4../", invalid("empty label in host")],

  // new URL() throws: check_url answers invalid_url on its own
  ["too many ipv4 parts", "http://1.2.3.4.5/", invalid("invalid ipv4 address")],
  ["ipv4 out of range", "http://4294967296/", invalid("invalid ipv4 address")],
  ["ipv4 part over 255", "http://256.1/", invalid("invalid ipv4 address")],
  ["ipv4 bad octal", "http://09.1/", invalid("invalid ipv4 address")],
  ["name ending in a number", "http://a.1/", invalid("invalid ipv4 address")],
  ["name ending in a hex number", "http://foo.0x1/", invalid("invalid ipv4 address")],
  ["unclosed bracket", "http://[::1/", invalid("invalid ipv6 address")],
  ["bad ipv6", "http://[1::2::3]/", invalid("invalid ipv6 address")],
  ["zone id", "http://[fe80::1%25eth0]/", invalid("zone id in host")],
  ["port out of range", "http://example.com:65536/", invalid("invalid port")],
  ["port not a number", "http://example.com:8a/", invalid("invalid port")],
  ["forbidden character", "http://a<b/", invalid("invalid character in host")],
  ["missing host", "http://user@/", invalid("missing host")],
  ["empty authority", "http:///", invalid("missing host")],
  ["no scheme", "//example.com/", invalid("missing scheme")],

  // new URL() repairs these; check_url refuses them as invalid_url instead
  ["percent-encoded localhost", "http://%6c%6fcalhost/", LOCALHOST, { urlExpect: invalid("percent sign in host") }],
  ["percent-encoded loopback", "http://%31%32%37.0.0.1/", LOOPBACK, { urlExpect: invalid("percent sign in host") }],
  ["fullwidth digits map to loopback", "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/", LOOPBACK, { urlExpect: invalid("non-ascii host") }],
  ["unicode name", "https://\u4f8b\u3048.jp/", ok("domain"), { urlExpect: invalid("non-ascii host") }],
  ["tab inside host", "https://exa\tmple.com/", ok("domain"), { urlExpect: invalid("space or control character in url") }],
];

// ---------------------------------------------------------------------------------------------
// raw hosts handed to check_target as they are (scheme "http", default options): the core must
// read them like new URL() does even when nobody normalized them first.

const hosts = [
  ["127.0.0.1", LOOPBACK],
  ["0x7f.1", LOOPBACK],
  ["0X7F.1", LOOPBACK],
  ["2130706433", LOOPBACK],
  ["0177.0.0.1", LOOPBACK],
  ["017700000001", LOOPBACK],
  ["127.1", LOOPBACK],
  ["127.0.0.1.", LOOPBACK],
  ["127.000.000.001", LOOPBACK],
  ["::1", LOOPBACK],
  ["[::1]", LOOPBACK],
  ["0:0:0:0:0:0:0:1", LOOPBACK],
  ["::ffff:127.0.0.1", LOOPBACK],
  ["[::FFFF:7F00:1]", LOOPBACK],
  ["::127.0.0.1", LOOPBACK],
  ["64:ff9b::127.0.0.1", LOOPBACK],
  ["2002:7f00:1::", LOOPBACK],
  ["0xa9fea9fe", METADATA],
  ["2852039166", METADATA],
  ["0251.0376.0251.0376", METADATA],
  ["169.254.43518", METADATA],
  ["168.63.129.16", METADATA],
  ["0xa83f8110", METADATA],
  ["168.63.33040", METADATA],
  ["::ffff:168.63.129.16", METADATA],
  ["64:ff9b::a83f:8110", METADATA],
  ["[FD20:CE::254]", METADATA],
  ["0xa.1", PRIVATE],
  ["0", UNSPECIFIED],
  ["0x", UNSPECIFIED],
  ["4294967295", BROADCAST],
  ["LOCALHOST.", LOCALHOST],
  ["Foo.LocalHost", LOCALHOST],
  ["kubernetes", INTERNAL],
  ["Kubernetes.Default", INTERNAL],
  ["KUBERNETES.default.svc.", INTERNAL],
  ["api.prod.SVC.Cluster.Local.", INTERNAL],
  ["Consul-Server.Service.Consul", INTERNAL],
  ["svc.example.com", ok("domain")],
  ["example.consul.io", ok("domain")],
  ["8.8.8.8", ok("ipv4")],
  ["134744072", ok("ipv4")],
  ["0x08.0x08.0x08.0x08", ok("ipv4")],
  ["[2606:4700:4700::1111]", ok("ipv6")],
  ["2606:4700:4700:0:0:0:0:1111", ok("ipv6")],
  ["::ffff:8.8.8.8", ok("ipv6")],
  ["Example.COM", ok("domain")],
  ["example.com.", ok("domain")],
  ["1.a", ok("domain")],
  ["fe80::1%eth0", invalid("zone id in host")],
  ["[fe80::1%25eth0]", invalid("zone id in host")],
  ["%6c%6fcalhost", invalid("percent sign in host")],
  ["ex%41mple.com", invalid("percent sign in host")],
  ["\uff11\uff12\uff17.\uff10.\uff10.\uff11", invalid("non-ascii host")],
  ["a..b", invalid("empty label in host")],
  ["1.2.3.4..", invalid("empty label in host")],
  ["4294967296", invalid("invalid ipv4 address")],
  ["1.2.3.4.5", invalid("invalid ipv4 address")],
  ["a.1", invalid("invalid ipv4 address")],
  ["09.1", invalid("invalid ipv4 address")],
  ["[::1", invalid("invalid ipv6 address")],
  ["example.com:80", invalid("invalid character in host")],
  ["user@example.com", invalid("invalid character in host")],
  ["exa mple.com", invalid("invalid character in host")],
  ["", invalid("missing host")],
];

// ---------------------------------------------------------------------------------------------
// build

function parse(url) {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function kindOf(hostname) {
  if (hostname.startsWith("[")) return "ipv6";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(hostname)) return "ipv4";
  return "domain";
}

/** Fill an "ok" expectation's host and port from what new URL() made of the URL. */
function complete(expect, u, what) {
  if (expect.error !== undefined) return expect;
  if (u === null) throw new Error(`${what}: expected allowed, but new URL() throws`);
  if (kindOf(u.hostname) !== expect.hostKind) {
    throw new Error(`${what}: hostKind ${expect.hostKind}, but new URL() gives ${u.hostname}`);
  }
  return {
    hostKind: expect.hostKind,
    host: u.hostname,
    port: u.port === "" ? null : Number(u.port),
    allowListed: expect.allowListed,
  };
}

const names = new Set();
const outCases = cases.map(([name, url, expect, extra = {}]) => {
  if (names.has(name)) throw new Error(`duplicate case name: ${name}`);
  names.add(name);
  const u = parse(url);
  if (u === null && expect.error !== "invalid_url") {
    throw new Error(`${name}: new URL() throws, so expect must be invalid_url`);
  }
  const parts =
    u === null
      ? null
      : {
          scheme: u.protocol.replace(/:$/, ""),
          username: u.username,
          password: u.password,
          host: u.hostname,
          port: u.port === "" ? null : Number(u.port),
        };
  const out = { name, url, parts };
  if (extra.options !== undefined) out.options = extra.options;
  out.expect = complete(expect, u, name);
  out.urlAgrees = extra.urlExpect === undefined;
  if (extra.urlExpect !== undefined) out.urlExpect = extra.urlExpect;
  return out;
});

const outHosts = hosts.map(([host, expect]) => {
  // A bare IPv6 host needs its brackets inside a URL.
  const inUrl = host.includes(":") && !host.startsWith("[") && !host.includes("%") ? `[${host}]` : host;
  const u = parse(`http://${inUrl}/`);
  const whatwg = u !== null && u.port === "" && u.username === "" && u.password === "" ? u.hostname : null;
  return { host, whatwg, expect: complete(expect, whatwg === null ? null : u, host) };
});

const doc = {
  description:
    "SSRF guard vectors (src/ssrf.rs). cases: `parts` is what `new URL(url)` gives (scheme without ':', " +
    "port as a number or null; null when new URL() throws) and `expect` is check_target(parts, options)'s " +
    "answer: {error, reason} or the Target {hostKind, host, port, allowListed}. When `parts` is null, " +
    "`expect` is check_url(url)'s answer. `urlAgrees` says whether the Rust check_url(url) (its own small " +
    "parser) gives `expect` too; when false, `urlExpect` is its answer. hosts: a raw host string passed as " +
    "parts.host with scheme \"http\" and default options; `whatwg` is the hostname new URL(\"http://\" + host + " +
    "\"/\") reads (bare IPv6 bracketed), null when it throws or reads a port or userinfo. " +
    "Generated by tests/vectors/gen/ssrf.cjs with Node's URL parser.",
  cases: outCases,
  hosts: outHosts,
};

fs.writeFileSync(OUT, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`wrote ${OUT}: ${outCases.length} cases, ${outHosts.length} hosts`);
