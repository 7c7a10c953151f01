// The www/ workbench in headless Chromium, driven like a developer would: clicks and typing in
// every panel (sign, verify, secrets, retry planner, live), results read back from the DOM and
// checked, some against the installed package in Node. The workbench server (scripts/workbench.mjs)
// runs on 127.0.0.1 with the installed tarball as its package, and so does its `hookline listen`.
//
//   cd <consumer> && node workbench.mjs <repoRoot> [artifactsDir]
//
// One screenshot per panel goes to artifactsDir, and one per panel at phone widths (375 and 320
// CSS pixels), where nothing may stick out of the viewport and the retry planner's labels may not
// overlap. Any console error or page error fails the run.
// The browser, the server and its receiver are stopped at the end, also on failure.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const repoRoot = resolve(process.argv[2] ?? "../..");
const artifacts = process.argv[3] ? resolve(process.argv[3]) : null;
const pkgDir = join(process.cwd(), "node_modules", "hookline");
const serverScript = join(repoRoot, "scripts", "workbench.mjs");
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const RUNTIME = "chromium-workbench";

const hookline = await import(pathToFileURL(join(pkgDir, "node.mjs")).href);
const { test, run } = createHarness();

let server;
let serverOut = "";
let browser;
let page;
let base;
let receiverUrl;
const consoleErrors = [];
// Chromium logs every non-2xx fetch as a console error ("Failed to load resource"). The live panel
// causes exactly one per non-2xx delivery attempt to /live/; those are counted, not failures.
const liveStatusErrors = [];
let non2xxAttempts = 0;
const consoleAll = [];

function startServer() {
  server = spawn(process.execPath, [serverScript, "--port", "0", "--pkg", pkgDir], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  server.stdout.on("data", (d) => (serverOut += d));
  server.stderr.on("data", (d) => (serverOut += d));
  return new Promise((resolveUrl, rejectUrl) => {
    const timer = setTimeout(() => rejectUrl(new Error(`workbench did not print its URL: ${serverOut}`)), 20_000);
    const check = () => {
      const m = /hookline workbench: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(serverOut);
      const r = /hookline listen on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(serverOut);
      if (m && r) {
        clearTimeout(timer);
        receiverUrl = r[1];
        resolveUrl(m[1]);
      }
    };
    server.stdout.on("data", check);
    server.once("exit", (code) => {
      clearTimeout(timer);
      rejectUrl(new Error(`workbench exited (${code}): ${serverOut}`));
    });
  });
}

/** Kill whatever is left of the server's process group (the server and its receiver). */
function killServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  try {
    process.kill(-server.pid, "SIGKILL");
  } catch {
    server.kill("SIGKILL");
  }
}

const portOpen = (url) =>
  new Promise((r) => {
    const u = new URL(url);
    const s = connect({ host: u.hostname, port: Number(u.port) });
    s.once("connect", () => (s.destroy(), r(true)));
    s.once("error", () => r(false));
  });

const text = (sel) => page.locator(sel).first().innerText();
const tab = async (name) => {
  await page.click(`#tabs a[data-tab="${name}"]`);
  await page.locator(`#panel-${name}`).waitFor({ state: "visible" });
};
const shot = async (name) => {
  if (!artifacts) return;
  // From the top: the sticky header is drawn where the page is scrolled to.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, `workbench-${name}.png`), fullPage: true });
};
const field = (name) => text(`#verify-details dd[data-field="${name}"]`);

// ---------- sign ----------

let signed; // { headers text, payload, secret }

test("page loads the browser build through the import map and says ready", async () => {
  await page.locator('#status[data-state="ready"]').waitFor({ timeout: 30_000 });
  assert.equal(await text("#status"), "ready");
  assert.equal(await page.locator("#panel-sign").isVisible(), true, "sign panel first");
});

test("sign: standard-webhooks headers and a curl command; the headers verify in Node too", async () => {
  await tab("sign");
  await page.selectOption("#sign-scheme", "standard-webhooks");
  await page.click("#sign-gen");
  const secret = await page.inputValue("#sign-secret");
  assert.ok(/^whsec_[A-Za-z0-9+/]{43}=$/.test(secret), `generated secret ${secret.slice(0, 8)}…`);
  const payload = '{"type":"invoice.paid","data":{"invoice":"in_7","note":"it\'s here"}}';
  await page.fill("#sign-payload", payload);
  await page.fill("#sign-id", "msg_workbench_1");
  await page.click("#sign-go");
  const headers = await text("#sign-headers");
  const lines = headers.split("\n");
  assert.equal(lines.length, 3, headers);
  assert.equal(lines[0], "webhook-id: msg_workbench_1");
  assert.ok(/^webhook-timestamp: \d{10}$/.test(lines[1]), lines[1]);
  assert.ok(/^webhook-signature: v1,[A-Za-z0-9+/]{43}=$/.test(lines[2]), lines[2]);
  const curl = await text("#sign-curl");
  assert.ok(curl.startsWith(`curl -i -X POST '${base}live/ok/'`), curl.split("\n")[0]);
  for (const l of lines) assert.ok(curl.includes(`-H '${l}'`), `curl has ${l}`);
  assert.ok(curl.includes(`--data-binary '${payload.replace(/'/g, `'\\''`)}'`), "curl sends the exact body, shell-quoted");
  const asObject = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
  const r = hookline.verifyWebhook(payload, asObject, { secret });
  assert.equal(r.id, "msg_workbench_1");
  assert.equal(await page.locator("#sign-error .error").count(), 0);
  signed = { headers, payload, secret };
  await shot("sign");
});

test("sign: a bad secret shows its code and message, no stack", async () => {
  await page.fill("#sign-secret", "whsec_!!notbase64");
  await page.click("#sign-go");
  assert.equal(await page.locator("#sign-error .error").getAttribute("data-code"), "invalid_secret");
  const shown = await text("#sign-error");
  assert.ok(!/\bat .*\.(m?js|wasm)/.test(shown), `no stack trace: ${shown}`);
  assert.equal(await text("#sign-headers"), "");
});

// ---------- verify ----------

async function verifyWith({ headers, body, keys, scheme = "" }) {
  await tab("verify");
  await page.fill("#verify-headers", headers);
  await page.fill("#verify-body", body);
  // Remove every key row, then add one per key.
  while ((await page.locator("#verify-keys .keyrow").count()) > 0) await page.locator("#verify-keys .key-remove").first().click();
  for (const [i, k] of keys.entries()) {
    await page.click("#verify-add-key");
    const row = page.locator("#verify-keys .keyrow").nth(i);
    await row.locator(".key-kind").selectOption(k.kind ?? "secret");
    if (k.id) await row.locator(".key-id").fill(k.id);
    await row.locator(".key-value").fill(k.key);
  }
  await page.selectOption("#verify-scheme", scheme);
  await page.click("#verify-go");
  return page.locator("#verify-verdict").getAttribute("data-verdict");
}

test("verify: the sign panel's headers verify: scheme, keyIndex, keyId, id", async () => {
  const verdict = await verifyWith({ headers: signed.headers, body: signed.payload, keys: [{ key: signed.secret }] });
  assert.equal(verdict, "verified", await text("#verify-verdict"));
  assert.equal(await field("scheme"), "standard-webhooks");
  assert.equal(await field("keyIndex"), "0");
  assert.equal(await field("keyId"), "secrets[0]");
  assert.equal(await field("id"), "msg_workbench_1");
  assert.ok((await text("#verify-payload")).includes('"invoice": "in_7"'));
});

test("verify: a tampered body is rejected with no_matching_signature and its hint", async () => {
  const verdict = await verifyWith({ headers: signed.headers, body: signed.payload.replace("in_7", "in_8"), keys: [{ key: signed.secret }] });
  assert.equal(verdict, "rejected");
  assert.equal(await page.locator("#verify-verdict .error").getAttribute("data-code"), "no_matching_signature");
  assert.ok((await text("#verify-verdict .err-hint")).startsWith("hint: "), "hint shown");
  assert.equal(await page.locator("#verify-details dd[data-field=keyIndex]").count(), 0);
});

test("verify: rotation: the second, named key matches and its row is marked", async () => {
  const verdict = await verifyWith({
    headers: signed.headers,
    body: signed.payload,
    keys: [{ id: "2026-11", key: hookline.generateSecret() }, { id: "2027-01", key: signed.secret }],
  });
  assert.equal(verdict, "verified");
  assert.equal(await field("keyIndex"), "1");
  assert.equal(await field("keyId"), "2027-01");
  assert.equal(await page.locator("#verify-keys .keyrow.matched .key-id").inputValue(), "2027-01");
  await shot("verify");
});

test("verify: unreadable header lines, no keys and unknown headers each show their code", async () => {
  assert.equal(await verifyWith({ headers: "this is not a header", body: "{}", keys: [{ key: signed.secret }] }), "error");
  assert.equal(await page.locator("#verify-verdict .error").getAttribute("data-code"), "invalid_header");
  assert.equal(await verifyWith({ headers: signed.headers, body: signed.payload, keys: [] }), "error");
  assert.equal(await page.locator("#verify-verdict .error").getAttribute("data-code"), "invalid_secret");
  assert.equal(await verifyWith({ headers: "x-foo: bar", body: "{}", keys: [{ key: signed.secret }] }), "rejected");
  assert.equal(await page.locator("#verify-verdict .error").getAttribute("data-code"), "unknown_scheme");
});

for (const [scheme, expectScheme, keyId] of [
  ["github", "github", "secrets[0]"],
  ["stripe", "stripe", "secrets[0]"],
  ["slack", "slack", "secrets[0]"],
  ["shopify", "shopify", "secrets[0]"],
  ["linear", "linear", "secrets[0]"],
  ["v1a", "standard-webhooks", "publicKeys[0]"],
  ["discord", "discord", "publicKeys[0]"],
]) {
  test(`sign ${scheme} → "Open in Verify" → verified as ${expectScheme}`, async () => {
    await tab("sign");
    await page.selectOption("#sign-scheme", scheme);
    await page.click("#sign-gen");
    await page.fill("#sign-id", "");
    await page.click("#sign-sample");
    if (scheme === "linear") assert.ok((await page.inputValue("#sign-payload")).includes('"webhookTimestamp":'), "linear sample carries webhookTimestamp");
    await page.click("#sign-go");
    assert.equal(await page.locator("#sign-error .error").count(), 0, await text("#sign-error"));
    await page.click("#sign-to-verify");
    await page.locator("#panel-verify").waitFor({ state: "visible" });
    await page.click("#verify-go");
    assert.equal(await page.locator("#verify-verdict").getAttribute("data-verdict"), "verified", await text("#verify-verdict"));
    assert.equal(await field("scheme"), expectScheme);
    assert.equal(await field("keyId"), keyId);
  });
}

test("sign custom (prefix + timestamp header) → Open in Verify → verified as custom", async () => {
  await tab("sign");
  await page.selectOption("#sign-scheme", "custom");
  await page.fill("#sign-secret", "my custom secret");
  await page.fill("#sign-custom-header", "X-Acme-Signature");
  await page.fill("#sign-custom-ts", "X-Acme-Timestamp");
  await page.click("#sign-go");
  const headers = await text("#sign-headers");
  assert.ok(/^x-acme-signature: sha256=[0-9a-f]{64}$/m.test(headers), headers);
  assert.ok(/^x-acme-timestamp: \d+$/m.test(headers), headers);
  await page.click("#sign-to-verify");
  await page.click("#verify-go");
  assert.equal(await page.locator("#verify-verdict").getAttribute("data-verdict"), "verified", await text("#verify-verdict"));
  assert.equal(await field("scheme"), "custom");
});

test("verify: a timestamp three years old is described in years, rejected and verified", async () => {
  await tab("sign");
  await page.selectOption("#sign-scheme", "standard-webhooks");
  await page.click("#sign-gen");
  await page.fill("#sign-id", "msg_old");
  const threeYears = Math.round(3 * 365.25 * 86400);
  await page.fill("#sign-ts", String(Math.floor(Date.now() / 1000) - threeYears));
  await page.click("#sign-go");
  await page.fill("#sign-ts", "");
  await page.click("#sign-to-verify");
  await page.click("#verify-go");
  assert.equal(await page.locator("#verify-verdict .error").getAttribute("data-code"), "timestamp_too_old");
  const said = await text("#verify-verdict .err-message");
  assert.ok(/^message timestamp too old: \d+ s \(3 years\) before now, tolerance 300 s$/.test(said), said);
  await page.fill("#verify-tolerance", String(threeYears + 3600));
  await page.click("#verify-go");
  assert.equal(await page.locator("#verify-verdict").getAttribute("data-verdict"), "verified", await text("#verify-verdict"));
  const shown = await field("timestamp");
  assert.ok(/^\d{10} \(\d{4}-\d\d-\d\dT[\d:.]+Z, 3 years ago\)$/.test(shown), shown);
  await page.fill("#verify-tolerance", "");
});

// ---------- secrets ----------

test("secrets: whsec_, a whsk_/whpk_ pair, and the public key derived back from the secret key", async () => {
  await tab("secrets");
  await page.click("#secret-gen");
  const s1 = await text("#secret-out");
  assert.ok(/^whsec_[A-Za-z0-9+/]{43}=$/.test(s1), "whsec_ format");
  await page.click("#secret-gen");
  assert.ok((await text("#secret-out")) !== s1, "a new secret each click");
  await page.click("#pair-gen");
  const sk = await text("#pair-secret");
  const pk = await text("#pair-public");
  const hex = await text("#pair-hex");
  assert.ok(sk.startsWith("whsk_") && pk.startsWith("whpk_") && /^[0-9a-f]{64}$/.test(hex), `${sk.slice(0, 5)} ${pk.slice(0, 5)} ${hex.length}`);
  assert.equal(hookline.publicKeyFromSecretKey(sk).publicKey, pk, "the pair belongs together (checked in Node)");
  await page.fill("#derive-in", sk);
  await page.click("#derive-go");
  assert.equal(await text("#derive-public"), pk);
  assert.equal(await text("#derive-hex"), hex);
  await shot("secrets");
  await page.fill("#derive-in", "whsk_nope");
  await page.click("#derive-go");
  assert.equal(await page.locator("#derive-error .error").getAttribute("data-code"), "invalid_secret");
  assert.equal(await text("#derive-public"), "");
});

// ---------- retry planner ----------

const points = () => page.locator("#retry-plot svg circle.point").count();

test("retry: presets draw one point per attempt (standard-webhooks 10, svix 8), matching retrySchedule", async () => {
  await tab("retry");
  await page.selectOption("#retry-jitter", "none");
  await page.selectOption("#retry-policy", "svix");
  assert.equal(await points(), 8);
  assert.equal(await points(), hookline.retrySchedule("svix").length);
  await page.selectOption("#retry-policy", "standard-webhooks");
  assert.equal(await points(), 10);
  assert.equal(await page.locator("#retry-table tbody tr").count(), 10);
  assert.equal(await text("#retry-summary"), "10 attempts over 3 d 3 h");
  const offsets = await page.locator("#retry-plot circle.point").evaluateAll((cs) => cs.map((c) => Number(c.dataset.offset)));
  assert.deepEqual(offsets, hookline.retrySchedule("standard-webhooks"));
  const xs = await page.locator("#retry-plot circle.point").evaluateAll((cs) => cs.map((c) => Number(c.getAttribute("cx"))));
  assert.ok(xs.every((x, i) => i === 0 || x > xs[i - 1]), "points left to right in time order");
  await page.selectOption("#retry-outcome", "503");
  await page.fill("#retry-n", "3");
  await page.click("#retry-go");
  assert.equal(await page.locator("#retry-decision").getAttribute("data-kind"), "retry");
  assert.ok((await text("#retry-decision")).startsWith("retry attempt 4 in 30 min"), await text("#retry-decision"));
  await shot("retry");
});

test("retry: a typed schedule, exponential backoff, jitter, a 410 decision and a bad schedule", async () => {
  await page.selectOption("#retry-policy", "schedule");
  await page.fill("#retry-schedule", "0, 1s, 2s");
  await page.click("#retry-go");
  assert.equal(await points(), 3);
  assert.equal(await text("#retry-summary"), "3 attempts over 3 s");
  await page.selectOption("#retry-policy", "exponential");
  await page.fill("#retry-attempts", "5");
  await page.click("#retry-go");
  assert.equal(await points(), 5);
  await page.selectOption("#retry-jitter", "full");
  assert.equal(await points(), 5);
  assert.ok((await page.locator("#retry-plot circle.jitter-point").count()) >= 1, "a jittered draw is drawn");
  await page.selectOption("#retry-outcome", "410");
  await page.fill("#retry-n", "1");
  await page.click("#retry-go");
  assert.equal(await page.locator("#retry-decision").getAttribute("data-kind"), "disableEndpoint");
  await page.selectOption("#retry-policy", "schedule");
  await page.fill("#retry-schedule", "soon, later");
  await page.click("#retry-go");
  assert.equal(await page.locator("#retry-error .error").getAttribute("data-code"), "invalid_policy");
  assert.equal(await points(), 0);
  await page.selectOption("#retry-jitter", "none");
  await page.fill("#retry-schedule", "0, 30s, 5m, 1h");
  await page.selectOption("#retry-policy", "standard-webhooks");
});

// ---------- live ----------

async function send({ mode, schedule = "0", wrongSecret = false }) {
  await tab("live");
  await page.click("#live-clear");
  await page.selectOption("#live-mode", mode);
  await page.click(wrongSecret ? "#live-wrong" : "#live-right");
  await page.fill("#live-schedule", schedule);
  await page.click("#live-send");
  await page.waitForFunction(() => !document.getElementById("live-send").disabled, null, { timeout: 30_000 });
  assert.equal(await page.locator("#live-error .error").count(), 0, await text("#live-error"));
  // Rows are newest first: reverse to attempt order.
  const rows = await page.locator("#live-log tbody tr.attempt").evaluateAll((trs) => trs.map((tr) => ({ ...tr.dataset, next: tr.children[6].textContent })).reverse());
  non2xxAttempts += rows.filter((r) => !/^2\d\d$/.test(r.status)).length;
  return rows;
}

const receiverLog = async () => (await (await fetch(`${base}api/receiver`)).json()).entries;

/** Open attempt `n`'s row and read what it shows: request headers, status, response headers and body. */
async function exchange(n) {
  const row = page.locator(`#live-log tbody tr.attempt[data-attempt="${n}"]`);
  const button = row.locator(".expand");
  assert.equal(await button.getAttribute("aria-expanded"), "false");
  await button.click();
  assert.equal(await button.getAttribute("aria-expanded"), "true");
  const detail = page.locator(`#${await button.getAttribute("aria-controls")}`);
  await detail.waitFor({ state: "visible" });
  return detail.evaluate((d) => {
    const lines = (sel) => Object.fromEntries((d.querySelector(sel)?.textContent ?? "").split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)]));
    const body = d.querySelector(".res-body");
    return { url: d.querySelector("h4 code").textContent, request: lines(".req-headers"), status: d.querySelectorAll("h4")[1].textContent, response: lines(".res-headers"), body: body?.textContent ?? null, truncated: body?.dataset.truncated ?? null };
  });
}

test("live: a signed webhook is delivered (204) and hookline listen verified it", async () => {
  const rows = await send({ mode: "ok" });
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.deepEqual([rows[0].status, rows[0].outcome, rows[0].receiver, rows[0].next], ["204", "delivered", "verified", "—"]);
  assert.ok((await text("#live-summary")).includes("delivered after 1 attempt(s)"), await text("#live-summary"));
  const entry = (await receiverLog()).find((e) => e.ok && e.id === rows[0].event);
  assert.ok(entry, "the receiver's --json line for this event id");
  assert.deepEqual([entry.scheme, entry.eventType, entry.payload.data.invoice], ["standard-webhooks", "invoice.paid", "in_42"]);
  assert.equal(await page.locator('#live-receiver tbody tr[data-verdict="verified"]').count(), 1);
});

test("live: a wrong secret is rejected by the receiver: 401, failed, no_matching_signature", async () => {
  const rows = await send({ mode: "ok", wrongSecret: true, schedule: "0, 1s" });
  assert.equal(rows.length, 1, "a 401 is not retried");
  assert.deepEqual([rows[0].status, rows[0].outcome, rows[0].receiver], ["401", "failed", "rejected"]);
  assert.equal(await text("#live-log tbody tr .receiver-cell"), "no_matching_signature");
  assert.equal(await page.locator("#live-summary").getAttribute("data-result"), "failed");
  const x = await exchange(1);
  assert.equal(x.status, "Response: status 401");
  assert.equal(x.body, '{"code":"no_matching_signature"}', "the receiver's own answer");
  assert.equal(x.response["content-type"], "application/json");
});

test("live: a flaky receiver: 503, 503 (retries planned), then delivered and verified", async () => {
  const rows = await send({ mode: "flaky", schedule: "0, 200ms, 300ms" });
  assert.deepEqual(rows.map((r) => `${r.attempt}:${r.status}:${r.outcome}:${r.receiver}`), ["1:503:retry:simulated", "2:503:retry:simulated", "3:204:delivered:verified"]);
  assert.deepEqual([rows[0].next, rows[1].next], ["in 200 ms", "in 300 ms"]);
  assert.ok(rows.every((r) => r.event === rows[0].event), "one event, one chain");
  // Each row opens to what the dispatcher sent and what came back.
  const first = await exchange(1);
  assert.equal(first.status, "Response: status 503");
  assert.ok(first.body.includes('"code":"simulated_503"'), first.body);
  assert.deepEqual([first.response["content-type"], first.response["cache-control"], first.truncated], ["application/json", "no-store", "false"]);
  const last = await exchange(3);
  assert.deepEqual([last.status, last.body], ["Response: status 204", ""]);
  const entry = (await receiverLog()).find((e) => e.ok && e.id === last.request["webhook-id"]);
  assert.ok(entry, `the receiver verified the webhook-id the row says was sent: ${last.request["webhook-id"]}`);
  assert.equal(first.request["webhook-id"], last.request["webhook-id"], "retries send the same webhook-id");
  assert.equal(first.request["webhook-delivery-id"], last.request["webhook-delivery-id"], "one delivery id for the chain");
  assert.deepEqual([last.request["user-agent"], last.request["webhook-event-type"], last.request["content-type"]], ["hookline-workbench", "invoice.paid", "application/json"]);
  assert.ok(/^v1,/.test(last.request["webhook-signature"]) && /^dlv_/.test(last.request["webhook-delivery-id"]), JSON.stringify(last.request));
  assert.ok(last.url.endsWith("/live/flaky/"), last.url);
  await page.click('#live-log tbody tr.attempt[data-attempt="1"] .expand');
  assert.equal(await page.locator('#live-log tbody tr.attempt[data-attempt="1"] + tr.attempt-detail').isVisible(), false, "a second click closes it");
  await shot("live");
});

test("live: a receiver that stays down gives up after the schedule; 410 disables the endpoint", async () => {
  const down = await send({ mode: "down", schedule: "0, 100ms" });
  assert.deepEqual(down.map((r) => `${r.status}:${r.outcome}`), ["503:retry", "503:failed"]);
  const gone = await send({ mode: "gone", schedule: "0, 100ms" });
  assert.deepEqual(gone.map((r) => `${r.status}:${r.outcome}`), ["410:endpointDisabled"]);
});

// ---------- endpoints: the durable sender on PGlite behind the workbench ----------

const logRows = () => page.locator("#log-table tbody tr").evaluateAll((trs) => trs.map((tr) => ({ ...tr.dataset })).reverse());
async function waitForLog(predicate, what) {
  const until = Date.now() + 30_000;
  for (;;) {
    const rows = await logRows();
    if (predicate(rows)) return rows;
    if (Date.now() > until) throw new Error(`${what}: the log shows ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function register(mode, types) {
  await page.selectOption("#ep-mode", mode);
  await page.fill("#ep-types", types);
  const before = await page.locator("#ep-table tbody tr").count();
  await page.click("#ep-create");
  await page.waitForFunction((n) => document.querySelectorAll("#ep-table tbody tr").length > n, before);
  assert.equal(await page.locator("#ep-error .error").count(), 0, await text("#ep-error"));
  const secret = await text("#ep-secret");
  assert.ok(/^whsec_/.test(secret), "the secret is shown once, on creation");
  return { id: await page.locator("#ep-table tbody tr.selected").getAttribute("data-id"), secret };
}

async function publish(type) {
  await page.fill("#pub-type", type);
  await page.click("#pub-go");
  await page.waitForFunction(() => /matched/.test(document.getElementById("pub-result").textContent));
  return text("#pub-result");
}

let okEndpoint;
test("endpoints: register (the secret shown once), publish, and the delivery log shows the attempt; the sink verified it", async () => {
  await tab("endpoints");
  assert.ok((await page.inputValue("#ep-url")).startsWith(`${base}sink/ok/`));
  okEndpoint = await register("ok", "invoice.*");
  const listed = await (await fetch(`${base}api/sender/endpoints`)).text();
  assert.ok(!listed.includes(okEndpoint.secret.slice(6)), "the API never shows the secret again");
  assert.ok((await publish("invoice.paid")).includes("1 endpoint(s) matched"));
  const rows = await waitForLog((r) => r.some((x) => x.outcome === "delivered"), "a delivered attempt");
  assert.deepEqual(rows.map((r) => r.attempt), ["1"]);
  await page.waitForFunction(() => document.querySelector('#sink-table tbody tr[data-verdict="verified"]'));
  assert.equal(await page.locator('#sink-table tbody tr[data-verdict="rejected"]').count(), 0);
});

test("endpoints: redeliver is a new delivery of the same event; rotate bumps the secret version and the sink still verifies", async () => {
  const first = (await logRows())[0].delivery;
  await page.locator("#log-table tbody tr").first().locator('button[data-action="redeliver"]').click();
  // The log shows an attempt as started before its request goes out, then as it ended.
  const rows = await waitForLog((r) => r.length === 2 && r[1].outcome !== "started", "the redelivery's attempt");
  assert.ok(rows[1].delivery !== first && rows[1].outcome === "delivered", JSON.stringify(rows));
  await page.locator(`#ep-table tbody tr[data-id="${okEndpoint.id}"] button[data-action="rotate"]`).click();
  await page.waitForFunction((id) => document.querySelector(`#ep-table tbody tr[data-id="${id}"]`)?.dataset.version === "2", okEndpoint.id);
  assert.ok((await text("#ep-secret")) !== okEndpoint.secret, "the new secret is shown once");
  await page.locator(`#ep-table tbody tr[data-id="${okEndpoint.id}"] button[data-action="attempts"]`).click();
  await publish("invoice.sent");
  await waitForLog((r) => r.length === 3 && r[2].outcome === "delivered", "the attempt after rotation");
  await page.waitForFunction(() => document.querySelectorAll('#sink-table tbody tr[data-verdict="verified"]').length >= 3);
  assert.equal(await page.locator('#sink-table tbody tr[data-verdict="rejected"]').count(), 0);
});

test("endpoints: a flaky receiver: the worker retries per the schedule until it is delivered", async () => {
  await register("flaky", "order.*");
  assert.ok((await publish("order.created")).includes("1 endpoint(s) matched"));
  const rows = await waitForLog((r) => r.some((x) => x.outcome === "delivered"), "delivery after two 503s");
  assert.deepEqual(rows.map((r) => `${r.attempt}:${r.outcome}`), ["1:retry", "2:retry", "3:delivered"]);
  await shot("endpoints");
});

/** The endpoints panel's chart: each minute's point, the latency bars, the caption, labels outside the SVG. */
const chart = () =>
  page.evaluate(() => {
    const svgBox = document.querySelector("#ep-chart svg")?.getBoundingClientRect();
    const points = [...document.querySelectorAll("#ep-chart .rate-point")].map((p) => ({ attempts: Number(p.dataset.attempts), delivered: Number(p.dataset.delivered), rate: Number(p.dataset.rate) }));
    const outside = svgBox
      ? [...document.querySelectorAll("#ep-chart svg text")].filter((t) => {
          const b = t.getBoundingClientRect();
          return b.left < svgBox.left || b.right > svgBox.right || b.top < svgBox.top || b.bottom > svgBox.bottom;
        }).map((t) => t.textContent)
      : null;
    return { points, bars: document.querySelectorAll("#ep-chart .latency-bar").length, caption: document.querySelector("#ep-chart .plot-caption")?.textContent ?? "", outside };
  });
const attemptsCharted = (c) => c.points.reduce((n, p) => n + p.attempts, 0);

test("endpoints: the chart shows the selected endpoint's success rate and latency per minute, as its log says", async () => {
  // The flaky endpoint (selected): two 503s then delivered, within a minute or two.
  await page.waitForFunction(() => [...document.querySelectorAll("#ep-chart .rate-point")].reduce((n, p) => n + Number(p.dataset.attempts), 0) === 3);
  const flaky = await chart();
  assert.deepEqual([attemptsCharted(flaky), flaky.points.reduce((n, p) => n + p.delivered, 0)], [3, 1], JSON.stringify(flaky));
  for (const p of flaky.points) assert.equal(p.rate, Math.round((p.delivered / p.attempts) * 100), JSON.stringify(p));
  assert.ok(flaky.bars >= 1 && flaky.caption.includes("1 of 3 attempts delivered"), JSON.stringify(flaky));
  assert.deepEqual(flaky.outside, [], "chart labels outside the chart");
  // The sink's endpoint: its three attempts all delivered.
  await page.locator(`#ep-table tbody tr[data-id="${okEndpoint.id}"] button[data-action="attempts"]`).click();
  await page.waitForFunction(() => [...document.querySelectorAll("#ep-chart .rate-point")].reduce((n, p) => n + Number(p.dataset.attempts), 0) === 3 && document.querySelector("#ep-chart .plot-caption").textContent.includes("3 of 3"));
  const ok = await chart();
  assert.ok(ok.points.every((p) => p.rate === 100) && ok.caption.includes("3 of 3 attempts delivered"), JSON.stringify(ok));
  await shot("endpoints-chart");
});

// ---------- phone width ----------

const PANELS = ["sign", "verify", "secrets", "retry", "live", "endpoints"];

/** What sticks out of the viewport in the header and the open panel: the page's scroll width and every element box past an edge. */
const overflow = () =>
  page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out = [];
    const panel = document.querySelector(".panel:not([hidden])");
    for (const e of [...document.querySelectorAll("header.top, header.top *"), panel, ...panel.querySelectorAll("*")]) {
      const b = e.getBoundingClientRect();
      if (b.width === 0 && b.height === 0) continue;
      if (b.left < -0.5 || b.right > vw + 0.5) out.push(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${e.classList.length ? `.${[...e.classList].join(".")}` : ""} ${Math.round(b.left)}..${Math.round(b.right)}`);
    }
    return { viewport: vw, scrollWidth: document.documentElement.scrollWidth, outside: out };
  });

/** The retry plot's labels: any two that overlap, any outside the plot, and how many of each kind were drawn. */
const plotLabels = () =>
  page.evaluate(() => {
    const svgBox = document.querySelector("#retry-plot svg").getBoundingClientRect();
    const labels = [...document.querySelectorAll("#retry-plot svg text")].map((t) => ({ text: t.textContent, kind: t.getAttribute("class"), box: t.getBoundingClientRect() }));
    const overlaps = [];
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const [a, b] = [labels[i].box, labels[j].box];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps.push(`"${labels[i].text}" / "${labels[j].text}"`);
      }
    }
    const outside = labels.filter(({ box }) => box.left < svgBox.left || box.right > svgBox.right || box.top < svgBox.top || box.bottom > svgBox.bottom).map((l) => l.text);
    const count = (kind) => labels.filter((l) => l.kind === kind).length;
    return { overlaps, outside, ticks: count("tick-label"), points: count("point-label"), first: labels.find((l) => l.kind === "point-label")?.text, height: Math.min(...labels.map((l) => l.box.height)) };
  });

async function checkPlotLabels(where) {
  await tab("retry");
  for (const [policy, jitter] of [["standard-webhooks", "none"], ["svix", "none"], ["exponential", "full"], ["schedule", "none"]]) {
    await page.selectOption("#retry-policy", policy);
    if (policy === "schedule") await page.fill("#retry-schedule", "0, 100ms, 200ms, 300ms, 5s, 1h");
    await page.selectOption("#retry-jitter", jitter);
    for (const scale of ["linear", "log"]) {
      await page.selectOption("#retry-scale", scale);
      await page.click("#retry-go");
      const l = await plotLabels();
      const what = `${where}, ${policy}, ${scale} scale`;
      assert.deepEqual(l.overlaps, [], `${what}: labels overlap`);
      assert.deepEqual(l.outside, [], `${what}: labels outside the plot`);
      assert.ok(l.ticks >= 2 && l.points >= 2 && l.first === "#1", `${what}: ${l.ticks} tick and ${l.points} point labels, first ${l.first}`);
      assert.ok(l.height >= 10, `${what}: labels ${l.height}px high, drawn at the plot's width and not scaled down`);
    }
  }
  await page.selectOption("#retry-scale", "log");
  await page.selectOption("#retry-jitter", "none");
  await page.selectOption("#retry-policy", "standard-webhooks");
}

test("retry: at desktop width the labels of both scales do not overlap", async () => {
  await checkPlotLabels("1360 px");
});

for (const [width, height] of [[375, 740], [320, 640]]) {
  test(`phone ${width}×${height}: no panel sticks out of the viewport; retry labels do not overlap; screenshots`, async () => {
    await page.setViewportSize({ width, height });
    await checkPlotLabels(`${width} px`);
    await page.selectOption("#retry-scale", "linear");
    await page.click("#retry-go");
    // Live: a fresh log with one attempt opened, so its exchange is laid out too.
    await send({ mode: "flaky", schedule: "0, 100ms, 100ms" });
    await exchange(1);
    // Every panel is looked at and photographed before anything is asserted, so a failure names them all.
    const problems = [];
    for (const panel of PANELS) {
      await tab(panel);
      const o = await overflow();
      if (o.viewport !== width) problems.push(`${panel}: viewport ${o.viewport}`);
      if (o.scrollWidth > width) problems.push(`${panel}: the page scrolls sideways (${o.scrollWidth} > ${width})`);
      if (o.outside.length) problems.push(`${panel}: outside the viewport: ${o.outside.slice(0, 8).join(", ")}${o.outside.length > 8 ? ` and ${o.outside.length - 8} more` : ""}`);
      await shot(`phone-${width}-${panel}`);
    }
    assert.deepEqual(problems, []);
  });
}

test("back to desktop width: the retry plot is drawn again at the wider width", async () => {
  await page.setViewportSize({ width: 1360, height: 900 });
  await tab("retry");
  await page.waitForFunction(() => document.querySelector("#retry-plot svg")?.getBoundingClientRect().width > 500);
  const l = await plotLabels();
  assert.deepEqual([l.overlaps, l.outside], [[], []]);
  await page.selectOption("#retry-scale", "log");
});

// ---------- the whole session ----------

test("no console errors, no page errors, no uncaught errors shown, no secrets in the console", async () => {
  assert.equal(consoleErrors.length, 0, consoleErrors.join(" | "));
  assert.equal(liveStatusErrors.length, non2xxAttempts, "one network console line per non-2xx live attempt, nothing else");
  assert.ok(non2xxAttempts >= 6, `non-2xx live attempts seen: ${non2xxAttempts}`);
  assert.equal(await page.locator("body").getAttribute("data-uncaught"), null);
  const leaked = consoleAll.filter((m) => /whsec_|whsk_/.test(m));
  assert.equal(leaked.length, 0, "console lines with key material");
});

test("SIGTERM stops the server and its hookline listen receiver, exit 0", async () => {
  assert.equal(await portOpen(receiverUrl), true, "receiver up before");
  const exited = new Promise((r) => server.once("exit", (code, signal) => r({ code, signal })));
  server.kill("SIGTERM");
  const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 8000))]);
  assert.deepEqual(result, { code: 0, signal: null }, serverOut);
  assert.ok(serverOut.includes("workbench stopped"));
  assert.equal(await portOpen(base), false, "workbench port closed");
  assert.equal(await portOpen(receiverUrl), false, "receiver port closed");
});

// ---------- run ----------

const watchdog = setTimeout(() => {
  console.log(`  FAIL [${RUNTIME}] watchdog: the run took over 180 s`);
  browser?.close().catch(() => {});
  killServer();
  process.exit(1);
}, 180_000);

let result;
try {
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium`);
  if (artifacts) mkdirSync(artifacts, { recursive: true });
  base = await startServer();
  browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("console", (m) => {
    consoleAll.push(m.text());
    if (m.type() !== "error") return;
    if (m.text().startsWith("Failed to load resource") && new URL(m.location().url || "x:", base).pathname.startsWith("/live/")) liveStatusErrors.push(m.text());
    else consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(base);
  result = await run(RUNTIME);
} catch (e) {
  result = { runtime: RUNTIME, passed: 0, failed: 1, failures: [{ name: "setup", error: `${e?.name}: ${e?.message}` }] };
} finally {
  clearTimeout(watchdog);
  await browser?.close().catch(() => {});
  killServer();
}
report(result);
process.exitCode = result.failed || !result.passed ? 1 : 0;
