// How every runner reports: readable lines for people, one RESULT line for scripts/test.mjs.
export function report(result) {
  for (const f of result.failures) console.log(`  FAIL [${result.runtime}] ${f.name}: ${f.error}`);
  console.log(`[${result.runtime}] ${result.passed} passed, ${result.failed} failed`);
  console.log(`@@RESULT ${JSON.stringify({ runtime: result.runtime, passed: result.passed, failed: result.failed })}`);
}
