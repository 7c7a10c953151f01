// Node ESM: re-export the CommonJS build, so `import` and `require` share one instance and one set
// of error classes (no dual-package hazard with `instanceof`).
export * from "./node.cjs";
