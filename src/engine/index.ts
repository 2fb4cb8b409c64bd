// src/engine: per-client step interpreter, matchers, timers, wire transcript (docs/architecture.md).

export { runCase, uniqueRunIds } from './run-case.ts';
export type { CaseRunOutcome } from './types.ts';
