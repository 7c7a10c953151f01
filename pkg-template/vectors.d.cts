// hookline/vectors for require(): the same object as the ESM import (types in vectors.d.ts).
import type { ConformanceVectors } from "./vectors.js";

/** The conformance vectors. */
declare const vectors: ConformanceVectors;
export = vectors;
