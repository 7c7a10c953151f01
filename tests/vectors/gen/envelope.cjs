// Generates tests/vectors/envelope.json independently of hookline: canonical JSON with sorted keys
// by hand, timestamps by Date#toISOString, ULIDs by a direct Crockford base32 encoding.
//   node tests/vectors/gen/envelope.cjs > tests/vectors/envelope.json
const B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
function ulid(ms, randomHex) {
  let n = (BigInt(ms) << 80n) | BigInt("0x" + randomHex);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = B32[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}
const canon = (v) =>
  Array.isArray(v)
    ? `[${v.map(canon).join(",")}]`
    : v && typeof v === "object"
      ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(",")}}`
      : JSON.stringify(v);
function body(id, input, nowMs) {
  const parts = [["id", id], ["type", input.type], ["timestamp", new Date(input.timestampMs ?? nowMs).toISOString()]];
  if (input.apiVersion) parts.push(["api_version", input.apiVersion]);
  if (input.tenant) parts.push(["tenant_id", input.tenant]);
  for (const k of Object.keys(input.fields ?? {}).sort()) parts.push([k, input.fields[k]]);
  parts.push(["data", input.data ?? null]);
  return `{${parts.map(([k, v]) => `${JSON.stringify(k)}:${canon(v)}`).join(",")}}`;
}
const cases = [];
const ok = (name, input, { options = {}, nowMs = 1718000000123, random = "00112233445566778899" } = {}) => {
  const id = input.id ?? `${options.idPrefix ?? "msg_"}${ulid(nowMs, random)}`;
  cases.push({ name, input, options, nowMs, random, expect: { id, body: body(id, input, nowMs) } });
};
const bad = (name, input, code, { options = {}, nowMs = 1718000000123 } = {}) =>
  cases.push({ name, input, options, nowMs, random: "00000000000000000000", expect: { error: code } });

ok("minimal", { type: "invoice.paid", data: { amount: 4200, currency: "eur" } });
ok("given id and explicit timestamp", { id: "evt_given", type: "user.created", data: { id: "u_1" }, timestampMs: 1614265330000 });
ok("keys sorted at every depth, arrays kept in order", { type: "a.b", data: { z: 1, a: { y: [3, 1, 2], b: { d: true, c: null } } } });
ok("api_version, tenant_id and custom fields in fixed order", { type: "order.shipped", data: {}, apiVersion: "2026-01-01", tenant: "acme", fields: { source: "warehouse", attempt_hint: 1 } });
ok("unicode and escapes", { type: "note.created", data: { text: "Zo\u00eb \u{1F680} \u4e2d \"quoted\" back\\slash\nnewline\ttab\u0001" } });
ok("evt_ prefix", { type: "ping", data: null }, { options: { idPrefix: "evt_" }, random: "ffffffffffffffffffff" });
ok("epoch", { type: "t", data: 1 }, { nowMs: 0, random: "00000000000000000000" });
ok("numbers", { type: "n", data: { i: -42, f: 0.5, big: 9007199254740991, neg: -0.25 } });
ok("empty data object", { type: "x-y_z.v2", data: {} });
bad("empty type", { type: "", data: {} }, "invalid_event_type");
bad("double dot", { type: "invoice..paid", data: {} }, "invalid_event_type");
bad("wildcard in type", { type: "invoice.*", data: {} }, "invalid_event_type");
bad("space in type", { type: "invoice paid", data: {} }, "invalid_event_type");
bad("type over 256 characters", { type: "a".repeat(257), data: {} }, "invalid_event_type");
bad("reserved custom field", { type: "a", data: {}, fields: { timestamp: "x" } }, "invalid_argument");
bad("too large", { type: "a", data: { blob: "x".repeat(300 * 1024) } }, "payload_too_large");
bad("custom limit", { type: "a", data: { blob: "x".repeat(200) } }, "payload_too_large", { options: { maxPayloadBytes: 100 } });
bad("bad prefix", { type: "a", data: {} }, "invalid_argument", { options: { idPrefix: "Msg-" } });
bad("timestamp before 1970", { type: "a", data: {}, timestampMs: -1 }, "invalid_argument");

console.log(JSON.stringify({
  description: "Envelope building: ids (prefix + ULID of nowMs and the random bytes), canonical bytes, validation. Generated with JSON.stringify over sorted keys, Date#toISOString and a direct ULID encoding.",
  cases,
}, null, 2));
