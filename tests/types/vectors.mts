// hookline/vectors under tsc --strict: the JSON module's declared shape (vectors.d.ts).
import vectors from "hookline/vectors" with { type: "json" };
import type { ConformanceCase, ConformanceExpect } from "hookline/vectors";

const cases: ConformanceCase[] = vectors.cases;
const refused = cases.filter((c): c is ConformanceCase & { expect: Extract<ConformanceExpect, { valid: false }> } => !c.expect.valid);
const categories: string[] = refused.map((c) => c.expect.category);
const keys: string[] | undefined = cases[0]?.input.secrets ?? cases[0]?.input.public_keys;
const units: string = vectors.units.now;
export const summary = { version: vectors.version satisfies 1, categories, keys, units };
