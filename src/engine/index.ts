// src/engine: per-client step interpreter, matchers, timers, wire transcript (docs/architecture.md).

export { compileExpect, matchPacket, matchValue } from './matcher.ts';
export { describeStep, runCase, uniqueRunIds } from './run-case.ts';
export { jsonSafe } from './transcript.ts';
export type { CaseRunContext, CaseRunOutcome } from './types.ts';
