// Runs the suite in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), twice:
// the package loaded through an import map, and bundled by esbuild with the browser condition.
// A static server on 127.0.0.1 serves the consumer folder; it is closed before exit.
import { copyFileSync, createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";

const consumer = process.argv[2];
const artifacts = process.argv[3];
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium`);

// The bundler flavour: esbuild picks pkg's "browser" export; the .wasm goes beside the bundle.
const dist = join(consumer, "browser-dist");
mkdirSync(dist, { recursive: true });
await esbuild.build({
  absWorkingDir: consumer,
  entryPoints: [join(consumer, "browser-bundle.mjs")],
  bundle: true,
  format: "esm",
  platform: "browser",
  outfile: join(dist, "bundle.js"),
  logLevel: "warning",
});
for (const f of ["hookline_bg.wasm", "receiver_bg.wasm", "receiver_ed_bg.wasm", "receiver_providers_bg.wasm"]) copyFileSync(join(consumer, "node_modules", "hookline", f), join(dist, f));
writeFileSync(join(dist, "index.html"), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><pre id="out">running</pre><script type="module" src="./bundle.js"></script>\n');

const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
  const file = join(consumer, path);
  if (!file.startsWith(consumer) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end("not found");
    return;
  }
  res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
  createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = 0;
try {
  const { report } = await import(join(consumer, "report.mjs"));
  for (const page of ["browser.html", "browser-dist/index.html"]) {
    const tab = await browser.newPage();
    const errors = [];
    tab.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    tab.on("pageerror", (e) => errors.push(String(e)));
    await tab.goto(`${base}/${page}`);
    await tab.waitForFunction(() => window.__result !== undefined || document.getElementById("out").textContent !== "running", null, { timeout: 60000 }).catch(() => {});
    const result = await tab.evaluate(() => window.__result);
    if (artifacts) {
      mkdirSync(artifacts, { recursive: true });
      await tab.screenshot({ path: join(artifacts, `${page.replace(/\W+/g, "-")}.png`) });
    }
    if (!result) {
      console.log(`  FAIL [${page}] no result; page errors: ${errors.join(" | ") || "none"}`);
      failed++;
    } else {
      if (errors.length) {
        result.failed++;
        result.failures.push({ name: "no console errors", error: errors.join(" | ") });
      }
      report(result);
      failed += result.failed + (result.passed === 0 ? 1 : 0);
    }
    await tab.close();
  }
} finally {
  await browser.close();
  server.close();
}
process.exitCode = failed ? 1 : 0;
