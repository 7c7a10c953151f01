// hookline/receiver in Node ESM: the CommonJS build re-exported, so `import` and `require` share
// one instance and one set of error classes.
export * from "./receiver.cjs";
