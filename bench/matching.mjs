// Matching speed: 10,000 subscriptions, one Matcher built once, then single events matched.
// A benchmark (prints medians), not a test:  node bench/matching.mjs
import { Matcher } from "../pkg/node.mjs";

const types = ["invoice.paid", "invoice.failed", "customer.created", "order.line.shipped", "order.created"];
const subs = Array.from({ length: 10_000 }, (_, i) => ({
  id: `s${i}`,
  url: `https://h${i}.example.com/hook`,
  tenant: i % 5 === 0 ? undefined : `t${i % 50}`,
  eventTypes: i % 7 === 0 ? [] : i % 7 === 1 ? ["invoice.*"] : [types[i % types.length]],
  channels: i % 11 === 0 ? ["eu"] : [],
}));
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const build = [];
let m;
for (let r = 0; r < 9; r++) {
  const t = performance.now();
  m = new Matcher(subs);
  build.push(performance.now() - t);
}
const events = [{ type: "invoice.paid", tenant: "t7" }, { type: "order.line.shipped", tenant: "t10", channels: ["eu"] }, { type: "customer.created" }];
const runs = [];
let matched = 0;
for (let r = 0; r < 2000; r++) {
  const ev = events[r % events.length];
  const t = performance.now();
  matched += m.match(ev).length;
  runs.push(performance.now() - t);
}
const plain = [];
for (let r = 0; r < 200; r++) {
  const ev = events[r % events.length];
  const t = performance.now();
  subs.filter((s) => (s.tenant === undefined || s.tenant === ev.tenant) && (s.eventTypes.length === 0 || s.eventTypes.includes(ev.type) || s.eventTypes.some((p) => p.endsWith(".*") && ev.type.startsWith(p.slice(0, -1)))));
  plain.push(performance.now() - t);
}
console.log(`Matcher build (10,000 subscriptions): median ${median(build).toFixed(2)} ms`);
console.log(`match one event: median ${(median(runs) * 1000).toFixed(1)} µs (${(matched / runs.length).toFixed(0)} matches on average)`);
console.log(`plain Array.filter over the same list: median ${(median(plain) * 1000).toFixed(1)} µs; ratio ${(median(plain) / median(runs)).toFixed(1)}x`);
