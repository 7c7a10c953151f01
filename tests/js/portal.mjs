// The customers' portal (`hookline serve`'s /portal/) in headless Chromium, driven as a tenant's
// customer would with the link the operator made (a tenant token in the URL fragment): their
// endpoints, add / rotate / delete, the delivery log with filters and payloads, redeliver,
// recover; at desktop and phone widths (nothing may stick out of a 375 or 320 px viewport); a
// read-only link cannot change anything. serve runs on PGlite in a temp directory from the
// installed package, its receiver on 127.0.0.1; everything started here is stopped at the end.
//
//   cd <consumer> && node portal.mjs [artifactsDir]
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";
import { checkedFetch } from "./openapi-check.mjs";
import { startServe, waitFor } from "./store-serve.mjs";

const artifacts = process.argv[2] ? resolve(process.argv[2]) : null;
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TOKEN = "portal-operator-token-0123456789";
const KEY = Buffer.alloc(32, 5).toString("base64");
const { test, run } = createHarness();

const dir = mkdtempSync(join(tmpdir(), "hookline-portal-"));
let down = true;
const got = [];
const receiver = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    got.push({ id: req.headers["webhook-id"], down });
    res.writeHead(down ? 503 : 204).end();
  });
});
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const hooks = `http://127.0.0.1:${receiver.address().port}`;
let serve = null;
let browser = null;
const consoleErrors = [];

async function call(method, path, body) {
  const r = await checkedFetch(`${serve.base}/v1/tenants/${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body && JSON.stringify(body) });
  return r.json();
}

async function shot(page, name) {
  if (!artifacts) return;
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `portal-${name}.png`), fullPage: true });
}

try {
  serve = await startServe(["--db", join(dir, "db"), "--schedule", "0", "--allow-targets", "127.0.0.1"], { HOOKLINE_API_TOKEN: TOKEN, HOOKLINE_ENCRYPTION_KEY: KEY });
  const { endpoint } = await call("POST", "shop/endpoints", { url: `${hooks}/orders`, eventTypes: ["order.*"] });
  const since = new Date(Date.now() - 60_000);
  for (let n = 0; n < 3; n++) await call("POST", "shop/events", { id: `order_${n}`, type: "order.paid", data: { order: n, note: "<img src=x onerror=alert(1)>" } });
  await waitFor("three failed deliveries", async () => (await call("GET", `shop/deliveries?status=failed`)).data.length === 3, 20_000);
  const link = (await call("POST", "shop/tokens", { expiresInMs: 600_000 })).token;
  const readOnly = (await call("POST", "shop/tokens", { readOnly: true })).token;

  browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();
  page.on("dialog", (d) => d.accept());
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // A refused request (the read-only test's 403) is logged by Chromium as a failed resource.
    if (m.type() === "error" && !/status of 403/.test(m.text())) consoleErrors.push(m.text());
  });
  const notice = () => page.locator("#notice").textContent();

  test("portal: opened with the link, the token leaves the address bar and the page lists the tenant's endpoint", async () => {
    await page.goto(`${serve.base}/portal/#tenant=shop&token=${link}`);
    await page.locator(`#endpoints li[data-id="${endpoint.id}"]`).waitFor({ timeout: 10_000 });
    assert.ok(!page.url().includes("token") && !page.url().includes("#"), `the token is still in the address: ${page.url()}`);
    assert.equal(await page.locator("#tenant").textContent(), "shop");
    assert.ok((await page.locator("#endpoints").textContent()).includes(`${hooks}/orders`));
    await shot(page, "desktop");
  });

  test("portal: the log filtered by status failed shows each attempt with its 503 and its payload as text", async () => {
    await page.selectOption("#log-endpoint", endpoint.id);
    await page.selectOption("#filters select[name=status]", "failed");
    await page.selectOption("#filters select[name=statusClass]", "5xx");
    await page.click("#filters button[type=submit]");
    await waitFor("three failed attempts", async () => (await page.locator("#attempts li[data-delivery]").count()) === 3, 10_000);
    assert.ok((await page.locator("#attempts").textContent()).includes("(503)"));
    const first = page.locator("#attempts li[data-delivery]").first();
    await first.getByText("Payload").click();
    await first.locator("pre").waitFor({ state: "visible", timeout: 10_000 });
    const payload = JSON.parse(await first.locator("pre").textContent());
    assert.deepEqual([payload.type, payload.data.note], ["order.paid", "<img src=x onerror=alert(1)>"], "the payload, as text");
    assert.equal(await page.locator("#attempts img").count(), 0, "no markup from the payload");
    await page.selectOption("#filters select[name=status]", "delivered");
    await page.click("#filters button[type=submit]");
    await waitFor("no delivered attempts yet", async () => (await page.locator("#attempts").textContent()).includes("Nothing matches"), 10_000);
  });

  test("portal: redeliver one, then recover since T sends every failed delivery again once", async () => {
    down = false;
    await page.selectOption("#filters select[name=status]", "failed");
    await page.click("#filters button[type=submit]");
    await waitFor("the failed attempts again", async () => (await page.locator("#attempts li[data-delivery]").count()) === 3, 10_000);
    await page.locator("#attempts li[data-delivery]").first().getByText("Redeliver").click();
    await waitFor("the redelivery's notice", async () => /Sent again as dlv_/.test(await notice()), 10_000);
    await waitFor("the redelivery received", async () => got.filter((g) => !g.down).length === 1, 15_000);
    const local = new Date(since.getTime() - since.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await page.selectOption("#recover-endpoint", endpoint.id);
    await page.fill("#recover input[name=since]", local);
    await page.click("#recover button[type=submit]");
    await waitFor("the recovery's notice", async () => /3 failed deliveries sent again/.test(await notice()), 10_000);
    await waitFor("the recovered deliveries received", async () => got.filter((g) => !g.down).length === 4, 15_000);
    const ids = got.filter((g) => !g.down).map((g) => g.id);
    assert.deepEqual([...new Set(ids)].sort(), ["order_0", "order_1", "order_2"], `received: ${ids}`);
    await page.click("#recover button[type=submit]");
    await waitFor("a second recovery's notice", async () => /0 failed deliveries sent again/.test(await notice()), 10_000);
  });

  test("portal: add an endpoint (its secret shown once), rotate its secret, delete it", async () => {
    await page.fill("#add input[name=url]", `${hooks}/second`);
    await page.fill("#add input[name=eventTypes]", "invoice.*, order.paid");
    await page.click("#add button[type=submit]");
    await waitFor("the new endpoint", async () => (await page.locator("#endpoints li[data-id]").count()) === 2, 10_000);
    const secret = await page.locator("#secret code").textContent();
    assert.ok(secret.startsWith("whsec_"), secret);
    const added = page.locator("#endpoints li[data-id]").filter({ hasText: `${hooks}/second` });
    assert.ok((await added.textContent()).includes("invoice.*, order.paid"));
    await added.getByText("Rotate secret").click();
    await waitFor("a new secret", async () => (await page.locator("#secret code").textContent()) !== secret, 10_000);
    const id = await added.getAttribute("data-id");
    assert.equal((await call("GET", `shop/endpoints/${id}`)).secretVersion, 2);
    await added.getByText("Delete").click();
    await waitFor("the endpoint gone", async () => (await page.locator("#endpoints li[data-id]").count()) === 1, 10_000);
    await shot(page, "after-changes");
  });

  test("portal: at phone widths (375 and 320 px) nothing sticks out of the viewport", async () => {
    for (const width of [375, 320]) {
      await page.setViewportSize({ width, height: 740 });
      await page.reload(); // the token survives a reload in this tab's session storage
      await page.locator(`#endpoints li[data-id="${endpoint.id}"]`).waitFor({ timeout: 10_000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${width} px: the page is ${overflow} px wider than the viewport`);
      await shot(page, `phone-${width}`);
    }
  });

  test("portal: a read-only link shows the log but cannot change anything (403 forbidden)", async () => {
    const ro = await context.newPage();
    ro.on("dialog", (d) => d.accept());
    await ro.goto(`${serve.base}/portal/#tenant=shop&token=${readOnly}`);
    await ro.locator(`#endpoints li[data-id="${endpoint.id}"]`).waitFor({ timeout: 10_000 });
    await ro.fill("#add input[name=url]", `${hooks}/third`);
    await ro.click("#add button[type=submit]");
    await waitFor("a refusal", async () => /forbidden/.test(await ro.locator("#notice").textContent()), 10_000);
    assert.equal((await call("GET", "shop/endpoints")).data.length, 1, "nothing was added");
    await ro.close();
  });

  test("portal: the page carries its CSP, and serve's output holds no token", async () => {
    const r = await fetch(`${serve.base}/portal/`);
    assert.ok(/script-src 'self'/.test(r.headers.get("content-security-policy") ?? "") && r.headers.get("referrer-policy") === "no-referrer");
    assert.equal((await fetch(`${serve.base}/portal/nothing`)).status, 404);
    assert.ok(!serve.out.includes(link) && !serve.out.includes(readOnly) && !serve.out.includes(TOKEN), "a token in serve's output");
    assert.deepEqual(consoleErrors, [], "console errors");
  });

  const results = await run("chromium-portal");
  report(results);
  process.exitCode = results.failed || results.passed === 0 ? 1 : 0;
} catch (e) {
  console.log(`  FAIL portal: ${e?.stack ?? e}${serve ? `\n${serve.out.slice(0, 800)}` : ""}`);
  report({ runtime: "chromium-portal", passed: 0, failed: 1, failures: [{ name: "portal set-up", error: String(e?.message ?? e) }] });
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  if (serve?.running()) {
    serve.child.kill("SIGTERM");
    const ended = await Promise.race([serve.exited, new Promise((r) => setTimeout(() => r(null), 10_000))]);
    if (!ended) serve.child.kill("SIGKILL");
  }
  if (serve) await serve.exited;
  receiver.close();
  receiver.closeAllConnections?.();
  rmSync(dir, { recursive: true, force: true });
}
