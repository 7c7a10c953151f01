// Run from the repository root:  node tests/vectors/gen/matching.cjs
//
// Writes tests/vectors/matching.json: which subscriptions receive an event. Every "expect" below
// is written by hand from the rules in src/matching.rs; before writing, each case is also run
// through the small reference matcher at the bottom of this file (plain JS, not hookline) and
// the script stops if the two disagree.
//
// Case shape (the serde form of hookline's Subscription and EventMeta, camelCase):
//   { name, subscriptions: [...], event: { type, tenant?, channels? },
//     expect: ["ids of the receiving subscriptions, in input order"] }
// or, when building the matcher or matching the event must fail:
//   { name, subscriptions, event, error: "invalid_event_type", errorIndex?: <subscription index> }
// errorIndex is present when a subscription is at fault, absent when the event is.
"use strict";

const fs = require("node:fs");

const OUT = `${__dirname}/../matching.json`;
const URL = "https://example.com/hooks";

/** A subscription with its id, a URL and the given fields. */
const sub = (id, fields = {}) => ({ id, url: `${URL}/${encodeURIComponent(id)}`, ...fields });
const types = (id, eventTypes, fields = {}) => sub(id, { eventTypes, ...fields });

const cases = [];
const ok = (name, subscriptions, event, expect) => cases.push({ name, subscriptions, event, expect });
const fail = (name, subscriptions, event, errorIndex) =>
  cases.push({ name, subscriptions, event, error: "invalid_event_type", ...(errorIndex === undefined ? {} : { errorIndex }) });

// ---------------------------------------------------------------------------------------------
// lists

ok("no subscriptions", [], { type: "invoice.paid" }, []);
ok("empty eventTypes receives every type", [types("all", [])], { type: "invoice.paid" }, ["all"]);
ok("absent eventTypes, channels, tenant and enabled: every event", [sub("bare")], { type: "a.b.c", tenant: "acme", channels: ["x"] }, ["bare"]);
ok("null eventTypes and channels read as empty", [sub("nulls", { eventTypes: null, channels: null, tenant: null })], { type: "ping" }, ["nulls"]);
ok(
  "unknown fields in a subscription are ignored",
  [sub("extra", { eventTypes: ["ping"], secret: "whsec_not-used-by-matching", createdAt: "2024-06-10T00:00:00Z", metadata: { team: "billing" } })],
  { type: "ping" },
  ["extra"],
);

// ---------------------------------------------------------------------------------------------
// exact names

ok("exact name", [types("paid", ["invoice.paid"]), types("other", ["invoice.created"])], { type: "invoice.paid" }, ["paid"]);
ok("exact names are case-sensitive", [types("lower", ["invoice.paid"]), types("upper", ["Invoice.Paid"])], { type: "Invoice.Paid" }, ["upper"]);
ok("exact name does not match a longer or shorter type", [types("short", ["invoice"]), types("long", ["invoice.paid.late"])], { type: "invoice.paid" }, []);
ok("any of several patterns", [types("multi", ["customer.created", "invoice.paid", "invoice.voided"])], { type: "invoice.voided" }, ["multi"]);
ok("single-segment type", [types("ping", ["ping"]), types("star", ["*"]), types("prefix", ["ping.*"])], { type: "ping" }, ["ping", "star"]);
ok("type with - and _ and digits", [types("x", ["v2.user_profile.re-indexed"])], { type: "v2.user_profile.re-indexed" }, ["x"]);

// ---------------------------------------------------------------------------------------------
// wildcards

ok("* matches a one-segment type", [types("star", ["*"])], { type: "ping" }, ["star"]);
ok("* matches a deep type", [types("star", ["*"])], { type: "a.b.c.d.e" }, ["star"]);
ok("trailing * matches one segment more", [types("inv", ["invoice.*"])], { type: "invoice.paid" }, ["inv"]);
ok("trailing * matches any depth", [types("inv", ["invoice.*"]), types("pay", ["invoice.payment.*"])], { type: "invoice.payment.failed.final" }, ["inv", "pay"]);
ok("trailing * does not match the prefix itself", [types("inv", ["invoice.*"])], { type: "invoice" }, []);
ok("trailing * needs a segment boundary", [types("inv", ["invoice.*"])], { type: "invoices.paid" }, []);
ok(
  "middle * matches exactly one segment",
  [types("mid", ["invoice.*.failed"])],
  { type: "invoice.payment.failed" },
  ["mid"],
);
ok("middle * does not match zero segments", [types("mid", ["invoice.*.failed"])], { type: "invoice.failed" }, []);
ok("middle * does not match two segments", [types("mid", ["invoice.*.failed"])], { type: "invoice.a.b.failed" }, []);
ok(
  "leading * matches one segment",
  [types("lead", ["*.created"]), types("lead2", ["*.*.created"])],
  { type: "customer.created" },
  ["lead"],
);
ok("leading * does not match a bare last segment", [types("lead", ["*.created"])], { type: "created" }, []);
ok(
  "middle and trailing * together",
  [types("a", ["a.*.*"]), types("b", ["a.*.c.*"]), types("c", ["*.*"])],
  { type: "a.b.c.d" },
  ["a", "b", "c"],
);
ok("a.*.* needs three segments or more", [types("a", ["a.*.*"]), types("c", ["*.*"])], { type: "a.b" }, ["c"]);

// ---------------------------------------------------------------------------------------------
// enabled

ok(
  "disabled subscription is skipped",
  [types("off", ["*"], { enabled: false }), types("on", ["*"], { enabled: true }), types("default", ["*"])],
  { type: "invoice.paid" },
  ["on", "default"],
);

// ---------------------------------------------------------------------------------------------
// tenants

ok("tenant must match", [types("acme", [], { tenant: "acme" }), types("globex", [], { tenant: "globex" })], { type: "invoice.paid", tenant: "globex" }, ["globex"]);
ok("tenant mismatch receives nothing", [types("acme", ["*"], { tenant: "acme" })], { type: "invoice.paid", tenant: "initech" }, []);
ok("tenant subscription does not get events without a tenant", [types("acme", [], { tenant: "acme" }), types("global", [])], { type: "invoice.paid" }, ["global"]);
ok(
  "subscription without a tenant receives every tenant's events",
  [types("global", ["invoice.*"]), types("acme", ["invoice.*"], { tenant: "acme" })],
  { type: "invoice.paid", tenant: "acme" },
  ["global", "acme"],
);
ok("tenants compare exactly", [types("Acme", [], { tenant: "Acme" }), types("acme ", [], { tenant: "acme " })], { type: "x", tenant: "acme" }, []);
ok("empty-string tenant is a tenant, not none", [types("empty", [], { tenant: "" })], { type: "x" }, []);

// ---------------------------------------------------------------------------------------------
// channels

ok("channels intersect", [types("ops", [], { channels: ["billing", "ops"] })], { type: "x", channels: ["marketing", "ops"] }, ["ops"]);
ok("channels do not intersect", [types("ops", [], { channels: ["billing", "ops"] })], { type: "x", channels: ["marketing"] }, []);
ok("event without channels misses channel-scoped subscriptions", [types("ops", [], { channels: ["ops"] }), types("any", [])], { type: "x" }, ["any"]);
ok("subscription without channels receives events on any channel", [types("any", [], { channels: [] })], { type: "x", channels: ["ops"] }, ["any"]);
ok("channels compare exactly", [types("ops", [], { channels: ["Ops"] })], { type: "x", channels: ["ops"] }, []);

// ---------------------------------------------------------------------------------------------
// duplicates, order, unicode

ok(
  "overlapping patterns in one subscription: listed once",
  [types("dup", ["invoice.paid", "invoice.paid", "invoice.*", "*.paid"])],
  { type: "invoice.paid" },
  ["dup"],
);
ok(
  "duplicate ids: each subscription listed, in input order",
  [types("same", ["invoice.paid"]), types("same", ["invoice.*"]), types("same", ["invoice.voided"])],
  { type: "invoice.paid" },
  ["same", "same"],
);
ok(
  "result keeps input order whatever matched",
  [
    types("z-prefix", ["order.*"]),
    types("y-mid", ["order.*.shipped"], { tenant: "acme" }),
    types("x-off", ["*"], { enabled: false }),
    types("w-all", []),
    types("v-exact", ["order.line.shipped"]),
    types("u-other-tenant", ["*"], { tenant: "globex" }),
    types("t-star", ["*"], { tenant: "acme", channels: ["eu"] }),
  ],
  { type: "order.line.shipped", tenant: "acme", channels: ["eu", "us"] },
  ["z-prefix", "y-mid", "w-all", "v-exact", "t-star"],
);
ok(
  "unicode in ids, tenants and channels",
  [types("訂閱-1", ["invoice.*"], { tenant: "Zürich-株式会社", channels: ["équipe", "🚀"] })],
  { type: "invoice.paid", tenant: "Zürich-株式会社", channels: ["🚀"] },
  ["訂閱-1"],
);
ok("unicode tenants compare by code point, not by look", [types("nfc", [], { tenant: "caf\u00e9" })], { type: "x", tenant: "cafe\u0301" }, []);
ok("pattern of 256 characters", [types("long", ["a".repeat(254) + ".*"])], { type: "a".repeat(254) + ".b" }, ["long"]);

// ---------------------------------------------------------------------------------------------
// errors: an invalid pattern fails the whole matcher (errorIndex names the subscription)

fail("pattern with an empty segment", [types("ok", ["a"]), types("bad", ["invoice..paid"])], { type: "a" }, 1);
fail("pattern with a leading dot", [types("bad", [".invoice"])], { type: "a" }, 0);
fail("pattern with a trailing dot", [types("bad", ["invoice."])], { type: "a" }, 0);
fail("empty pattern", [types("bad", [""])], { type: "a" }, 0);
fail("* inside a segment", [types("bad", ["invoice*"])], { type: "a" }, 0);
fail("** is not a wildcard", [types("bad", ["invoice.**"])], { type: "a" }, 0);
fail("pattern with a space", [types("bad", ["invoice paid"])], { type: "a" }, 0);
fail("pattern with non-ASCII letters", [types("bad", ["facture.payée"])], { type: "a" }, 0);
fail("pattern over 256 characters", [types("bad", ["a".repeat(255) + ".*"])], { type: "a" }, 0);
fail("invalid pattern in a disabled subscription", [types("ok", []), types("ok2", []), types("off", ["a..b"], { enabled: false })], { type: "a" }, 2);

// errors: an event type that is not a valid event type (no errorIndex)

fail("event type with a wildcard", [types("all", [])], { type: "invoice.*" });
fail("empty event type", [types("all", [])], { type: "" });
fail("event type with an empty segment", [types("all", [])], { type: "invoice..paid" });
fail("event type with non-ASCII letters", [types("all", [])], { type: "facture.payée" });
fail("event type over 256 characters", [types("all", [])], { type: "a".repeat(257) });

// ---------------------------------------------------------------------------------------------
// reference matcher: the rules of src/matching.rs, written independently

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const validType = (t) => t.length > 0 && t.length <= 256 && t.split(".").every((s) => SEGMENT.test(s));
const validPattern = (p) => p.length > 0 && p.length <= 256 && p.split(".").every((s) => s === "*" || SEGMENT.test(s));

function patternMatches(pattern, type) {
  const p = pattern.split(".");
  const t = type.split(".");
  if (p[p.length - 1] === "*") {
    const head = p.slice(0, -1);
    return t.length > head.length && head.every((s, i) => s === "*" || s === t[i]);
  }
  return t.length === p.length && p.every((s, i) => s === "*" || s === t[i]);
}

function reference(c) {
  const bad = c.subscriptions.findIndex((s) => !(s.eventTypes || []).every(validPattern));
  if (bad >= 0) return { error: "invalid_event_type", errorIndex: bad };
  if (!validType(c.event.type)) return { error: "invalid_event_type" };
  const expect = c.subscriptions
    .filter((s) => s.enabled !== false)
    .filter((s) => s.tenant == null || s.tenant === c.event.tenant)
    .filter((s) => (s.eventTypes || []).length === 0 || s.eventTypes.some((p) => patternMatches(p, c.event.type)))
    .filter((s) => (s.channels || []).length === 0 || s.channels.some((ch) => (c.event.channels || []).includes(ch)))
    .map((s) => s.id);
  return { expect };
}

const names = new Set();
for (const c of cases) {
  if (names.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
  names.add(c.name);
  const want = JSON.stringify(c.error ? { error: c.error, errorIndex: c.errorIndex } : { expect: c.expect });
  const got = JSON.stringify(reference(c));
  if (want !== got) throw new Error(`${c.name}: written ${want}, reference ${got}`);
}

const file = {
  description:
    "Which subscriptions receive an event (hookline src/matching.rs). Subscriptions and events are the serde " +
    "forms of Subscription and EventMeta. expect lists the ids of the receiving subscriptions in input order; " +
    "error is the code when building the matcher (errorIndex = the subscription at fault) or matching the " +
    "event (no errorIndex) fails. Generated by tests/vectors/gen/matching.cjs.",
  cases,
};
fs.writeFileSync(OUT, JSON.stringify(file, null, 2) + "\n");
console.log(`tests/vectors/matching.json: ${cases.length} cases (${cases.filter((c) => c.error).length} errors)`);
