// The `fault:` step: a network fault on the client's link, e.g. `{ client: a, fault: reset }` or
// `{ client: s, fault: { type: bandwidth, rate: 2kB/s, for: 3s } }`. Documented in docs/scenario-format.md (Faults).
import type { Checker } from './context.ts';
import { LASTING_KINDS, parseFault } from './faults.ts';
import type { StepAction } from './model.ts';
import type { Path } from './problems.ts';
import { duration } from './step-actions.ts';

export function parseFaultStep(ck: Checker, v: unknown, at: Path): StepAction | undefined {
  const fault = parseFault(v, at, ck, ['for']);
  if (!fault) return undefined;
  const o = v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  if (o.for === undefined) return { kind: 'fault', fault };
  if (!LASTING_KINDS.includes(fault.type)) {
    ck.problem(
      [...at, 'for'],
      `'for' applies to lasting faults only (${LASTING_KINDS.join(', ')})`,
      `a ${fault.type} fault acts once`,
    );
    return undefined;
  }
  const forMs = duration(ck, o.for, [...at, 'for'], 'for');
  return forMs === undefined ? undefined : { kind: 'fault', fault, forMs };
}
