// Can two results documents be compared at all (`crucible compare`)? A comparison of what is not comparable
// says "no regression" about cases and load that were never measured. Each reason has its own exit code,
// decided by `compareVerdictOf` in report/verdict.ts (docs/exit-codes.md): checked in this order, the first that holds
// is reported, with every instance of it.
import type { CaseResult, LoadResult, ResultsDocument } from '../results/model.ts';
import { allCases } from './verdict.ts';

export type IncomparableKind =
  | 'interrupted-or-saturated'
  | 'different-selection'
  | 'missing-cases'
  | 'missing-load';

export interface Incomparable {
  kind: IncomparableKind;
  /** One headline and the instances (bounded). */
  message: string;
  details: string[];
}

const MAX_DETAILS = 20;
export const caseKey = (c: Pick<CaseResult, 'broker' | 'version' | 'id'>) =>
  `${c.broker}\u0000${c.version}\u0000${c.id}`;
export const loadKey = (r: Pick<LoadResult, 'broker' | 'id'>) => `${r.broker}\u0000${r.id}`;

function bounded(list: string[]): string[] {
  return list.length > MAX_DETAILS
    ? [...list.slice(0, MAX_DETAILS), `… and ${list.length - MAX_DETAILS} more`]
    : list;
}

function unusable(doc: ResultsDocument, which: string): string[] {
  const out: string[] = [];
  const i = doc.run.interrupted;
  if (i) out.push(`the ${which} run (${doc.run.id}) was interrupted by ${i.signal} at ${i.at}`);
  for (const r of doc.load ?? []) {
    if (r.generator.saturated)
      out.push(
        `load result '${r.id}' [${r.broker}] of the ${which} run: the load generator was saturated, so its figures describe the generator, not the broker`,
      );
  }
  return out;
}

function versionsByBroker(cases: CaseResult[]): Map<string, string> {
  const by = new Map<string, Set<string>>();
  for (const c of cases) by.set(c.broker, (by.get(c.broker) ?? new Set()).add(c.version));
  return new Map([...by].map(([b, v]) => [b, [...v].sort().join(', ')]));
}

/** What does not change what is measured: where the broker or file is, names, credentials and verdict limits. */
const BROKER_PROFILE_IGNORED = new Set(['urls', 'label', 'auth']);
const LOAD_PROFILE_IGNORED = new Set(['file', 'title', 'description', 'thresholds', 'saturationLagMs']);

/** Top-level keys whose values differ (for a readable "profile differs" message). */
function differingKeys(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  ignored: Set<string>,
): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !ignored.has(k));
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

function selectionDiffers(base: ResultsDocument, cur: ResultsDocument): string[] {
  const out: string[] = [];
  const bv = versionsByBroker(allCases(base));
  const cv = versionsByBroker(allCases(cur));
  for (const [broker, versions] of bv) {
    const now = cv.get(broker);
    if (now !== undefined && now !== versions)
      out.push(`broker '${broker}': the baseline ran MQTT ${versions}, the current run MQTT ${now}`);
  }
  const curBrokers = new Map(cur.brokers.map((b) => [b.label, b]));
  for (const b of base.brokers) {
    const c = curBrokers.get(b.label);
    if (!c || !b.profile || !c.profile) continue;
    const keys = differingKeys(b.profile, c.profile, BROKER_PROFILE_IGNORED);
    if (keys.length) out.push(`broker '${b.label}': the broker profile differs (${keys.join(', ')})`);
  }
  const curLoads = new Map((cur.load ?? []).map((r) => [loadKey(r), r]));
  for (const r of base.load ?? []) {
    const c = curLoads.get(loadKey(r));
    if (!c) continue;
    const keys = differingKeys(r.profile, c.profile, LOAD_PROFILE_IGNORED);
    if (keys.length) out.push(`load profile '${r.id}' [${r.broker}] differs (${keys.join(', ')})`);
  }
  return out;
}

export function checkComparable(base: ResultsDocument, cur: ResultsDocument): Incomparable | undefined {
  const bad = [...unusable(base, 'baseline'), ...unusable(cur, 'current')];
  if (bad.length)
    return {
      kind: 'interrupted-or-saturated',
      message:
        'a run is interrupted or its load generator saturated: its figures are not a measurement of the broker',
      details: bad,
    };
  const sel = selectionDiffers(base, cur);
  if (sel.length)
    return {
      kind: 'different-selection',
      message:
        'the runs selected different versions or profiles: run the current one with the same selection',
      details: bounded(sel),
    };
  const curCases = new Set(allCases(cur).map(caseKey));
  const missing = allCases(base).filter((c) => !curCases.has(caseKey(c)));
  if (missing.length) {
    const total = allCases(base).length;
    return {
      kind: 'missing-cases',
      message: `${missing.length} of the baseline's ${total} cases are missing from the current run: a case that did not run cannot show a regression`,
      details: bounded(missing.map((c) => `${c.id} (MQTT ${c.version}) [${c.broker}]`)),
    };
  }
  const curLoads = new Set((cur.load ?? []).map(loadKey));
  const missingLoads = (base.load ?? []).filter((r) => !curLoads.has(loadKey(r)));
  if (missingLoads.length)
    return {
      kind: 'missing-load',
      message: `${missingLoads.length} load result(s) of the baseline are missing from the current run`,
      details: bounded(missingLoads.map((r) => `'${r.id}' [${r.broker}]`)),
    };
  return undefined;
}
