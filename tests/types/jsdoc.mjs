// Every declaration a TypeScript caller hovers over has a doc comment: exported functions, classes,
// interfaces and types, the methods of exported classes and of the `Dispatcher` interface.
//   node tests/types/jsdoc.mjs pkg/index.d.ts
// Exits 1 and lists each declaration without a `/** ... */` block on the line right before it.
// Not checked: free(), [Symbol.dispose](), toJSON(), toString(), and the constructor of a class
// that has its own doc.
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node jsdoc.mjs <index.d.ts>");
  process.exit(2);
}
const lines = readFileSync(file, "utf8").split(/\r?\n/);

const TOP = /^export\s+(?:declare\s+)?(?:abstract\s+)?(function|class|interface|type)\s+([A-Za-z_$][\w$]*)/;
// A method: `name(`, `name?(`, `name<T>(`, `[Symbol.x](`, with `static`/`get`/`set` in front.
const METHOD = /^(?:(?:public|static|async|get|set)\s+)*([A-Za-z_$][\w$]*|\[[^\]]+\])\??\s*(?:<[^>]*>)?\s*\(/;
const SKIP = new Set(["free", "[Symbol.dispose]", "toJSON", "toString"]);
const MEMBER_HOSTS = new Set(["Dispatcher"]); // interfaces whose methods are checked like a class's

/** The line with comments and string literals removed, for counting braces. */
function code(line, state) {
  let out = "";
  for (let i = 0; i < line.length; i++) {
    if (state.inComment) {
      if (line.startsWith("*/", i)) {
        state.inComment = false;
        i++;
      }
      continue;
    }
    if (line.startsWith("/*", i)) {
      state.inComment = true;
      i++;
      continue;
    }
    if (line.startsWith("//", i)) break;
    const c = line[i];
    if (c === '"' || c === "'" || c === "`") {
      const end = line.indexOf(c, i + 1);
      i = end < 0 ? line.length : end;
      continue;
    }
    out += c;
  }
  return out;
}

/** Is there a non-empty `/** ... *\/` block ending on the line just before `index`? */
function hasDoc(index) {
  let i = index - 1;
  if (i < 0 || !lines[i].trim().endsWith("*/")) return false;
  const text = [];
  for (; i >= 0; i--) {
    const t = lines[i].trim();
    text.unshift(t);
    if (t.includes("/*")) return t.startsWith("/**") && /[^\s*/]/.test(text.join(" "));
  }
  return false;
}

const checked = [];
const state = { inComment: false };
let depth = 0;
let host = null; // { kind, name, documented } while inside an exported class or a member host
for (let n = 0; n < lines.length; n++) {
  const wasInComment = state.inComment;
  const trimmed = lines[n].trim();
  const stripped = code(lines[n], state);
  if (!wasInComment && depth === 0) {
    const m = TOP.exec(trimmed);
    if (m) {
      const documented = hasDoc(n);
      checked.push({ line: n + 1, what: `${m[1]} ${m[2]}`, documented });
      if (m[1] === "class" || (m[1] === "interface" && MEMBER_HOSTS.has(m[2]))) host = { kind: m[1], name: m[2], documented };
    }
  } else if (!wasInComment && depth === 1 && host) {
    const m = METHOD.exec(trimmed);
    if (m && !SKIP.has(m[1]) && !(m[1] === "constructor" && host.documented)) {
      checked.push({ line: n + 1, what: `${host.kind} ${host.name}: ${m[1]}()`, documented: hasDoc(n) });
    }
  }
  for (const c of stripped) {
    if (c === "{") depth++;
    else if (c === "}") depth--;
  }
  if (depth === 0) host = null;
}

const missing = checked.filter((d) => !d.documented);
for (const d of missing) console.log(`  FAIL [dts-docs] ${file}:${d.line} ${d.what} has no JSDoc`);
// A file with nothing to check (only re-exports, or a layout this parser no longer reads) is a
// failure: a check that finds nothing proves nothing.
if (checked.length === 0) console.log(`  FAIL [dts-docs] ${file}: no exported declaration found to check`);
const failed = missing.length + (checked.length === 0 ? 1 : 0);
const passed = checked.length - missing.length;
console.log(`[dts-docs] ${passed} passed, ${failed} failed`);
console.log(`@@RESULT ${JSON.stringify({ runtime: "dts-docs", passed, failed })}`);
process.exitCode = failed ? 1 : 0;
