// The README's and the docs' examples are the examples the tests run, so they cannot drift: in
// README.md and every docs/*.md, a fenced code block right after a line
// `<!-- example: examples/<dir>/<file> -->` must equal that file, and one after
// `<!-- example: examples/<dir>/<file>#<name> -->` the lines between `// #region <name>` and
// `// #endregion <name>` in it (dedented by the marker's indentation). Every example folder must be
// shown at least once, and every js/ts/html block must have such a marker: code a reader copies is
// code the tests run. A fragment that cannot run on its own may say so with `<!-- not-an-example -->`
// on the line above it instead. Relative links between these pages (and to files of the repository)
// must lead to a file that exists and, with a #fragment into a page, to one of its headings.
// Usage: node readme.mjs <repo root>
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const root = process.argv[2];
if (!root) throw new Error("usage: node readme.mjs <repo root>");
const read = (path) => readFileSync(join(root, path), "utf8").replace(/\r\n/g, "\n");
const readme = read("README.md");
// The pages whose examples are checked: the README, then docs/ (every .md, sorted).
const docsDir = join(root, "docs");
const pages = [
  { path: "README.md", text: readme },
  ...(existsSync(docsDir) ? readdirSync(docsDir, { recursive: true }) : [])
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join("docs", f).replaceAll("\\", "/"))
    .map((path) => ({ path, text: read(path) })),
];
const { test, run } = createHarness();

/** The text a marker names: the whole file, or one region of it. */
function excerpt(target) {
  const [path, region] = target.split("#");
  const file = join(root, path);
  if (!existsSync(file)) throw new Error(`${path} does not exist`);
  const text = readFileSync(file, "utf8").replace(/\r\n/g, "\n").replace(/\n+$/, "");
  if (!region) return text;
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === `// #region ${region}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === `// #endregion ${region}`);
  if (start < 0 || end < 0) throw new Error(`${path} has no region "${region}"`);
  const indent = lines[start].length - lines[start].trimStart().length;
  return lines
    .slice(start + 1, end)
    .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
    .join("\n");
}

/** The first differing line, for a readable failure. */
function firstDifference(a, b) {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: README ${JSON.stringify(x[i])} vs file ${JSON.stringify(y[i])}`;
  }
  return "identical";
}

/** Each marked block of a page: { page, target, block } (block null when no fence follows). */
const blocks = [];
for (const { path, text } of pages) {
  for (const m of text.matchAll(/^<!-- example: (\S+) -->$/gm)) {
    // The marker must be followed directly by a fenced block.
    const rest = text.slice(m.index + m[0].length);
    const block = rest.match(/^\n```[\w-]*\n([\s\S]*?)\n```(?:\n|$)/);
    blocks.push({ page: path, target: m[1], block: block ? block[1] : null });
  }
}

/** Every fenced block: its language, its first line number, and the line above its opening fence. */
function fencedBlocks(text) {
  const lines = text.split("\n");
  const found = [];
  let open = null;
  lines.forEach((line, i) => {
    const fence = line.match(/^(`{3,}|~{3,})\s*([\w-]*)/);
    if (!fence) return;
    if (open === null) {
      open = fence[1];
      found.push({ lang: fence[2].toLowerCase(), line: i + 1, above: lines[i - 1] ?? "" });
    } else if (fence[1][0] === open[0] && fence[1].length >= open.length && fence[2] === "" && line.trim() === fence[1]) {
      open = null;
    }
  });
  return found;
}

const CODE = new Set(["js", "javascript", "mjs", "cjs", "jsx", "ts", "typescript", "mts", "cts", "tsx", "html"]);
const OPT_OUT = "<!-- not-an-example -->";

test("README opens with the two commands: npm start, npm test", () => {
  const first = readme.match(/^# hookline\n\n```sh\n(.*)\n(.*)\n```/);
  assert.ok(first, "a sh block right after the title");
  assert.ok(first[1].startsWith("npm start ") && first[2].startsWith("npm test "), `got ${first[1]} / ${first[2]}`);
});

test("README stays a first read: at most 300 lines (the rest belongs in docs/)", () => {
  const lines = readme.replace(/\n$/, "").split("\n").length;
  assert.ok(lines <= 300, `README.md has ${lines} lines`);
});

test("every example folder has a block in the README or docs/", () => {
  const dirs = readdirSync(join(root, "examples"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.ok(dirs.length >= 6, `examples: ${dirs}`);
  const shown = new Set(blocks.map((b) => b.target.split("/")[1]));
  assert.deepEqual(dirs.filter((d) => !shown.has(d)), [], "examples without a block in README.md or docs/");
});

for (const { path, text } of pages) {
  test(`every js/ts/html block in ${path} is an example file (or marked ${OPT_OUT})`, () => {
    const code = fencedBlocks(text).filter((b) => CODE.has(b.lang));
    const unbacked = code.filter((b) => !/^<!-- example: \S+ -->$/.test(b.above) && b.above !== OPT_OUT);
    assert.deepEqual(unbacked.map((b) => `line ${b.line} (${b.lang})`), [], "code blocks with no <!-- example: path --> marker above them");
  });
}

test(`${OPT_OUT} is used sparingly (at most 2 in all) and only right above a fenced block`, () => {
  let total = 0;
  for (const { path, text } of pages) {
    const lines = text.split("\n");
    const uses = lines.flatMap((l, i) => (l.trim() === OPT_OUT ? [i] : []));
    total += uses.length;
    for (const i of uses) assert.ok(/^```/.test(lines[i + 1] ?? ""), `${path} line ${i + 1}: ${OPT_OUT} not followed by a fence`);
  }
  assert.ok(total <= 2, `${total} opt-outs`);
});

for (const { page, target, block } of blocks) {
  test(`${page} block = ${target}`, () => {
    assert.ok(block !== null, `the marker for ${target} in ${page} is not followed by a fenced code block`);
    const file = excerpt(target);
    assert.ok(block === file, `the ${page} block differs from ${target}: ${firstDifference(block, file)}`);
  });
}


/** A heading's anchor as GitHub makes it, numbered when the same heading came before. */
function anchors(text) {
  const seen = new Map();
  const found = new Set();
  let fence = null;
  for (const line of text.split("\n")) {
    const f = line.match(/^(`{3,}|~{3,})/);
    if (f) fence = fence === null ? f[1] : line.trim() === fence ? null : fence;
    if (fence !== null || f) continue;
    const h = line.match(/^#{1,6} (.*)$/);
    if (!h) continue;
    const base = h[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n ? `${base}-${n}` : base);
  }
  return found;
}

/** The relative links of a page's prose (not in code): [text](target). */
function links(text) {
  const found = [];
  let fence = null;
  text.split("\n").forEach((line, i) => {
    const f = line.match(/^(`{3,}|~{3,})/);
    if (f) fence = fence === null ? f[1] : line.trim() === fence ? null : fence;
    if (fence !== null || f) return;
    const prose = line.replace(/(`+)[^`]*?\1/g, "");
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1])) found.push({ line: i + 1, target: m[1] });
    }
  });
  return found;
}

for (const { path, text } of pages) {
  test(`the relative links of ${path} lead somewhere`, () => {
    const broken = [];
    for (const { line, target } of links(text)) {
      const [file, fragment] = target.split("#");
      const to = file ? relative(root, join(root, dirname(path), file)).replaceAll("\\", "/") : path;
      if (!existsSync(join(root, to))) {
        broken.push(`line ${line}: ${target} (no ${to})`);
        continue;
      }
      if (fragment && to.endsWith(".md") && !anchors(read(to)).has(fragment)) broken.push(`line ${line}: ${target} (no heading #${fragment} in ${to})`);
    }
    assert.deepEqual(broken, [], "links that lead nowhere");
  });
}

// Run from npm test's consumer folder, the installed package is there: it must carry the README and
// docs/ as they are here, so that the README's links into docs/ work in node_modules/hookline.
const installed = join(process.cwd(), "node_modules", "hookline");
if (existsSync(installed)) {
  test("the package ships README.md and docs/ as the repository has them", () => {
    const differ = pages.filter(({ path, text }) => !existsSync(join(installed, path)) || readFileSync(join(installed, path), "utf8").replace(/\r\n/g, "\n") !== text);
    assert.deepEqual(differ.map((p) => p.path), [], "pages missing from the package or different there");
  });
}

const result = await run("readme");
report(result);
if (result.failed || result.passed === 0) process.exitCode = 1;
