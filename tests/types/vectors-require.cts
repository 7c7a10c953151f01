// hookline/vectors by require() under tsc --strict (vectors.d.cts).
import vectors = require("hookline/vectors");

const first: string | undefined = vectors.cases[0]?.id;
export const count: number = vectors.cases.length + (first === undefined ? 0 : 1);
