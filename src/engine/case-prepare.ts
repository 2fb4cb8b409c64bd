// Phase 1 of a case (prepare): the run's ids (`t`, `cid`, `client.NAME`), its variables, the flattened
// step list (for failure reports) and the deadline of each step.
import { randomBytes } from 'node:crypto';
import type { CaseSpec, Step } from '../scenario/model.ts';
import type { CaseRunContext } from './types.ts';

const DEFAULT_STEP_MS = 2000;

/**
 * Topic prefix and client-id stem of one run of a case. Both use only `[a-z0-9]` and `/`, characters every
 * broker passes through unchanged (RabbitMQ, for one, maps `.` to `/`), so a broker's character quirk fails
 * the one case about it (topics.punctuation-unchanged), not every case.
 */
export function uniqueRunIds(caseId: string): { t: string; cid: string } {
  const cid = `c${randomBytes(8).readBigUInt64BE().toString(36).padStart(11, '0').slice(-11)}`;
  const safe = caseId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 80);
  return { t: `crucible/${cid.slice(1, 7)}/${safe}`, cid };
}

export function clientIdFor(cid: string, name: string): string {
  return `${cid}${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 23);
}

function flatten(steps: Step[], out: Step[] = []): Step[] {
  for (const s of steps) {
    out.push(s);
    if (s.action.kind === 'parallel') for (const b of s.action.branches) flatten(b, out);
  }
  return out;
}

/** What the later phases of one case share: fixed before the first step runs. */
export interface CasePlan {
  ids: { t: string; cid: string };
  /** Client name -> client id; the same object as `vars.client` (a client with a fixed id updates it). */
  clientIds: Record<string, string>;
  vars: Record<string, unknown>;
  /** Step -> index in the flattened step list (parallel branches inline). */
  indexOf: Map<Step, number>;
  /** The deadline of one step: its own timeout, the run's, the file's, or 2 s. */
  base: (s: Step) => number;
}

export function prepareCase(spec: CaseSpec, ctx: CaseRunContext): CasePlan {
  // the caller may fix t / cid (conformance does); otherwise this run gets its own
  const given = ctx.vars;
  const ids =
    typeof given.t === 'string' && typeof given.cid === 'string'
      ? { t: given.t, cid: given.cid }
      : uniqueRunIds(spec.id);
  const clientIds: Record<string, string> = {};
  const flat = flatten(spec.steps);
  const names = new Set<string>(Object.keys(spec.clients));
  for (const s of [...flat, ...flatten(spec.cleanup ?? [])]) {
    if (s.client) names.add(s.client);
    if (s.action.kind === 'expectAmong') for (const c of s.action.clients) names.add(c);
  }
  const vars: Record<string, unknown> = {
    ...ctx.vars,
    ...spec.params,
    t: ids.t,
    cid: ids.cid,
    client: clientIds,
  };
  for (const n of names) clientIds[n] = clientIdFor(ids.cid, n);
  const indexOf = new Map<Step, number>();
  for (const [i, s] of flat.entries()) indexOf.set(s, i);
  const base = (s: Step): number =>
    s.timeoutMs ?? ctx.defaultTimeoutMs ?? spec.defaultTimeoutMs ?? DEFAULT_STEP_MS;
  for (const [name, cs] of Object.entries(spec.clients))
    if (cs.clientId === undefined) clientIds[name] ??= clientIdFor(ids.cid, name);
  return { ids, clientIds, vars, indexOf, base };
}
