// The README's quick starts are the examples the tests run, so they cannot drift: a fenced code
// block right after a line `<!-- example: examples/<dir>/<file> -->` must equal that file, and one
// after `<!-- example: examples/<dir>/<file>#<name> -->` the lines between `// #region <name>` and
// `// #endregion <name>` in it (dedented by the marker's indentation). Every example folder must be
// shown at least once, and every js/ts/html block must have such a marker: code a reader copies is
// code the tests run. A fragment that cannot run on its own may say so with `<!-- not-an-example -->`
// on the line above it instead. Usage: node readme.mjs <repo root>
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, createHarness } from "./harness.mjs";
import { report } from "./report.mjs";

const root = process.argv[2];
if (!root) throw new Error("usage: node readme.mjs <repo root>");
const readme = readFileSync(join(root, "README.md"), "utf8").replace(/\r\n/g, "\n");
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

const markers = [...readme.matchAll(/^<!-- example: (\S+) -->$/gm)];
const blocks = new Map();
for (const m of markers) {
  // The marker must be followed directly by a fenced block.
  const rest = readme.slice(m.index + m[0].length);
  const block = rest.match(/^\n```[\w-]*\n([\s\S]*?)\n```(?:\n|$)/);
  blocks.set(m[1], block ? block[1] : null);
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

test("every example folder has a README block", () => {
  const dirs = readdirSync(join(root, "examples"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.ok(dirs.length >= 6, `examples: ${dirs}`);
  const shown = new Set([...blocks.keys()].map((t) => t.split("/")[1]));
  assert.deepEqual(dirs.filter((d) => !shown.has(d)), [], "examples without a README block");
});

test(`every js/ts/html block in the README is an example file (or marked ${OPT_OUT})`, () => {
  const code = fencedBlocks(readme).filter((b) => CODE.has(b.lang));
  assert.ok(code.length > 0, "no code blocks found");
  const unbacked = code.filter((b) => !/^<!-- example: \S+ -->$/.test(b.above) && b.above !== OPT_OUT);
  assert.deepEqual(unbacked.map((b) => `line ${b.line} (${b.lang})`), [], "code blocks with no <!-- example: path --> marker above them");
});

test(`${OPT_OUT} is used sparingly (at most 2) and only right above a fenced block`, () => {
  const lines = readme.split("\n");
  const uses = lines.flatMap((l, i) => (l.trim() === OPT_OUT ? [i] : []));
  assert.ok(uses.length <= 2, `${uses.length} opt-outs`);
  for (const i of uses) assert.ok(/^```/.test(lines[i + 1] ?? ""), `line ${i + 1}: ${OPT_OUT} not followed by a fence`);
});

for (const [target, block] of blocks) {
  test(`README block = ${target}`, () => {
    assert.ok(block !== null, `the marker for ${target} is not followed by a fenced code block`);
    const file = excerpt(target);
    assert.ok(block === file, `the README block differs from ${target}: ${firstDifference(block, file)}`);
  });
}

const result = await run("readme");
report(result);
if (result.failed || result.passed === 0) process.exitCode = 1;
