// Load profile validation (kind: load): turns the YAML value into a LoadProfile and reports ALL problems,
// each with file, line, column and the dotted field. The YAML loader (src/scenario) calls this.
import type { Problem } from '../model.ts';
import { defaultReconnects, readFaults, readReconnect, readRestarts } from './chaos.ts';
import type {
  GroupSpec,
  LoadProfile,
  LoadVersion,
  PhaseSpec,
  PhaseType,
  PublishSpec,
  SubscriptionSpec,
  ThresholdSpec,
} from './model.ts';
import { parseThreshold } from './thresholds.ts';
import { HEADER_SIZE, Reader } from './values.ts';

export type { LoadProfile } from './model.ts';

/** What the YAML loader hands over: the plain value and a way to find the line/column of any path. */
export interface LoadedYaml {
  file: string;
  value: unknown;
  locate(path: ReadonlyArray<string | number>): { line: number; column: number };
}

const TOP = [
  'kind',
  'id',
  'title',
  'description',
  'version',
  'duration',
  'drain',
  'settle',
  'groups',
  'phases',
  'thresholds',
  'saturationLag',
  'batch',
  'readBatch',
  'faults',
  'restarts',
];
const GROUP = [
  'name',
  'count',
  'clientId',
  'version',
  'clean',
  'sessionExpiry',
  'keepAlive',
  'connect',
  'publish',
  'subscribe',
  'reconnect',
];
const PUBLISH = ['topic', 'qos', 'retain', 'payload', 'rate', 'totalRate'];
const PHASE_TYPES: PhaseType[] = ['ramp', 'steady', 'spike', 'reconnect-storm', 'soak'];

export function validateLoadProfile(doc: LoadedYaml): { profile?: LoadProfile; problems: Problem[] } {
  const r = new Reader(doc);
  const top = r.object([], TOP);
  if (!top) return { problems: r.problems };
  const id = r.string(['id'], true);
  if (id !== undefined && !/^[A-Za-z0-9][\w.-]*$/.test(id))
    r.problem(['id'], `id '${id}' may hold only letters, digits, '.', '-' and '_'`);
  const title = r.string(['title'], false) ?? id ?? '';
  const description = r.string(['description'], false);
  const defVersion = r.version(['version']) ?? 4;

  const groups: GroupSpec[] = [];
  const gList = r.array(['groups'], true);
  const names = new Set<string>();
  gList?.forEach((_, i) => {
    const g = readGroup(r, ['groups', i], i, defVersion);
    if (!g) return;
    if (names.has(g.name)) r.problem(['groups', i, 'name'], `duplicate group name '${g.name}'`);
    names.add(g.name);
    groups.push(g);
  });
  if (gList && gList.length === 0) r.problem(['groups'], 'a load profile needs at least one group');
  if (gList && groups.length === gList.length && !groups.some((g) => g.publish)) {
    r.problem(['groups'], 'no group publishes', 'give at least one group a `publish:` section');
  }

  const phases: PhaseSpec[] = [];
  const duration = r.duration(['duration'], false);
  const pList = r.array(['phases'], false);
  pList?.forEach((_, i) => {
    const p = readPhase(r, ['phases', i], i, names);
    if (p) phases.push(p);
  });
  if (!pList) {
    if (duration === undefined)
      r.problem(['duration'], 'a load profile needs `duration` or `phases`', 'e.g. duration: 30s');
    else phases.push({ name: 'steady', type: 'steady', durationMs: duration, from: 1, to: 1 });
  } else if (duration !== undefined) {
    r.problem(
      ['duration'],
      'give either `duration` or `phases`, not both',
      'the run lasts the sum of the phase durations',
    );
  }

  const thresholds: ThresholdSpec[] = [];
  r.array(['thresholds'], false)?.forEach((_, i) => {
    const text = r.string(['thresholds', i], true);
    if (text === undefined) return;
    const at = doc.locate(['thresholds', i]);
    const t = parseThreshold(text, at.line);
    if ('error' in t) r.problem(['thresholds', i], t.error, t.hint);
    else thresholds.push(t);
  });

  const runMs = phases.reduce((s, p) => s + p.durationMs, 0);
  const faults = readFaults(r, names, runMs);
  const restarts = readRestarts(r, runMs);
  defaultReconnects(r, groups, faults);
  const profile: LoadProfile = {
    kind: 'load',
    id: id ?? '',
    file: doc.file,
    title,
    groups,
    phases,
    durationMs: phases.reduce((s, p) => s + p.durationMs, 0),
    drainMs: r.duration(['drain'], false) ?? 3000,
    settleMs: r.duration(['settle'], false) ?? 200,
    thresholds,
    saturationLagMs: r.duration(['saturationLag'], false) ?? 10,
    batchMs: r.duration(['batch'], false) ?? 1,
    readBatchMs: r.duration(['readBatch'], false) ?? 0,
    faults,
    restarts,
  };
  if (profile.readBatchMs > 100)
    r.problem(['readBatch'], 'readBatch is at most 100ms', '0 (the default) reads as soon as data arrives');
  if (profile.batchMs < 1 || profile.batchMs > 100)
    r.problem(
      ['batch'],
      'batch must be between 1ms and 100ms',
      'the scheduler wakes at most once per batch window',
    );
  if (description !== undefined) profile.description = description;
  if (r.problems.length > 0) return { problems: r.problems };
  return { profile, problems: [] };
}

function readGroup(
  r: Reader,
  at: Array<string | number>,
  i: number,
  defVersion: LoadVersion,
): GroupSpec | undefined {
  if (!r.object(at, GROUP)) return undefined;
  const name = r.string([...at, 'name'], false) ?? `group${i + 1}`;
  if (!/^[A-Za-z0-9][\w-]*$/.test(name))
    r.problem([...at, 'name'], `group name '${name}' may hold only letters, digits, '-' and '_'`);
  const count = r.int([...at, 'count'], true, 1, 10_000_000) ?? 1;
  const version = r.version([...at, 'version']) ?? defVersion;
  const clean = r.bool([...at, 'clean']) ?? true;
  const connect = { rate: 0, timeoutMs: 10_000 } as GroupSpec['connect'];
  if (r.object([...at, 'connect'], ['rate', 'ramp', 'timeout'], false)) {
    connect.rate = r.rate([...at, 'connect', 'rate'], false) ?? 0;
    const ramp = r.duration([...at, 'connect', 'ramp'], false);
    if (ramp !== undefined) connect.rampMs = ramp;
    connect.timeoutMs = r.duration([...at, 'connect', 'timeout'], false) ?? 10_000;
  }
  const g: GroupSpec = {
    name,
    count,
    clientId: r.string([...at, 'clientId'], false) ?? `crucible-{run}-{g}-{i}`,
    version,
    clean,
    sessionExpiry: r.int([...at, 'sessionExpiry'], false, 0, 0xffffffff) ?? (clean ? 0 : 3600),
    keepAlive: r.int([...at, 'keepAlive'], false, 0, 65535) ?? 60,
    connect,
    subscribe: [],
    reconnect: readReconnect(r, [...at, 'reconnect'], clean),
  };
  if (!/\{i\}|\{n\}/.test(g.clientId) && count > 1) {
    r.problem(
      [...at, 'clientId'],
      `client id pattern '${g.clientId}' gives ${count} clients the same id`,
      'include {i} (index in the group) or {n} (global index)',
    );
  }
  if (r.has([...at, 'publish'])) {
    const p = readPublish(r, [...at, 'publish']);
    if (p) g.publish = p;
  }
  const subs = r.has([...at, 'subscribe']) ? r.array([...at, 'subscribe'], true) : undefined;
  const shares = new Set<string | undefined>();
  subs?.forEach((s, j) => {
    const sat = [...at, 'subscribe', j];
    let sub: SubscriptionSpec | undefined;
    if (typeof s === 'string') sub = { filter: s, qos: 0 };
    else if (r.object(sat, ['filter', 'qos'])) {
      const filter = r.string([...sat, 'filter'], true);
      const qos = r.qos([...sat, 'qos']) ?? 0;
      if (filter !== undefined) sub = { filter, qos };
    }
    if (!sub) return;
    const m = /^\$share\/([^/+#]+)\/(.+)$/.exec(sub.filter);
    if (sub.filter.startsWith('$share') && !m)
      r.problem(sat, `'${sub.filter}' is not a shared subscription filter`, 'write $share/<group>/<filter>');
    if (!validFilter(m ? (m[2] as string) : sub.filter))
      r.problem(
        sat,
        `'${sub.filter}' is not a valid topic filter`,
        '+ and # occupy a whole level, # only last',
      );
    if (m && version === 3)
      r.problem(
        sat,
        'shared subscriptions need MQTT 3.1.1 or 5.0 brokers that support $share; MQTT 3.1 clients cannot use them',
      );
    shares.add(m?.[1]);
    g.subscribe.push(sub);
  });
  if (shares.size > 1)
    r.problem(
      [...at, 'subscribe'],
      'the filters of one group are either all `$share` of one share group or all unshared',
      'split the group in two',
    );
  const share = [...shares][0];
  if (share !== undefined) g.shareGroup = share;
  if (!g.publish && g.subscribe.length === 0)
    r.problem(at, `group '${name}' neither publishes nor subscribes`, 'add `publish:` or `subscribe:`');
  return g;
}

function readPublish(r: Reader, at: Array<string | number>): PublishSpec | undefined {
  if (!r.object(at, PUBLISH)) return undefined;
  const topic = r.string([...at, 'topic'], true) ?? 'x';
  if (/[+#]/.test(topic))
    r.problem([...at, 'topic'], `topic '${topic}' contains a wildcard`, 'a PUBLISH topic names one topic');
  let size = HEADER_SIZE;
  let template: string | undefined;
  const pay = r.get([...at, 'payload']);
  if (typeof pay === 'number') size = r.int([...at, 'payload'], true, HEADER_SIZE, 268_000_000) ?? size;
  else if (pay !== undefined && r.object([...at, 'payload'], ['size', 'template'])) {
    template = r.string([...at, 'payload', 'template'], false);
    const min = HEADER_SIZE + (template ? Buffer.byteLength(template) : 0);
    size = r.int([...at, 'payload', 'size'], false, min, 268_000_000) ?? Math.max(min, 64);
  } else if (pay === undefined) size = 64;
  const p: PublishSpec = {
    topic,
    qos: r.qos([...at, 'qos']) ?? 0,
    retain: r.bool([...at, 'retain']) ?? false,
    payload: { size },
  };
  if (template !== undefined) p.payload.template = template;
  const rate = r.rate([...at, 'rate'], false);
  const total = r.rate([...at, 'totalRate'], false);
  if (rate !== undefined && total !== undefined)
    r.problem([...at, 'totalRate'], 'give either `rate` (per client) or `totalRate` (whole group), not both');
  else if (rate === undefined && total === undefined)
    r.problem(at, 'publish needs `rate` (per client, e.g. 10/s) or `totalRate` (whole group, e.g. 5000/s)');
  if (rate !== undefined) p.ratePerClient = rate;
  if (total !== undefined) p.totalRate = total;
  return p;
}

function readPhase(
  r: Reader,
  at: Array<string | number>,
  i: number,
  groups: Set<string>,
): PhaseSpec | undefined {
  if (!r.object(at, ['name', 'type', 'duration', 'rate', 'from', 'to', 'fraction', 'groups', 'over']))
    return undefined;
  const typeText = r.string([...at, 'type'], false) ?? 'steady';
  const type = PHASE_TYPES.includes(typeText as PhaseType) ? (typeText as PhaseType) : undefined;
  if (!type)
    r.problem([...at, 'type'], `unknown phase type '${typeText}'`, `one of ${PHASE_TYPES.join(', ')}`);
  const p: PhaseSpec = {
    name: r.string([...at, 'name'], false) ?? `${typeText}${i + 1}`,
    type: type ?? 'steady',
    durationMs: r.duration([...at, 'duration'], true) ?? 0,
    from: 1,
    to: 1,
  };
  const rate = r.factor([...at, 'rate']);
  if (p.type === 'ramp') {
    p.from = r.factor([...at, 'from']) ?? 0;
    p.to = r.factor([...at, 'to']) ?? rate ?? 1;
  } else {
    for (const k of ['from', 'to'] as const)
      if (r.has([...at, k]))
        r.problem([...at, k], `'${k}' applies to ramp phases only`, 'use `rate:` for a constant factor');
    const f = rate ?? (p.type === 'spike' ? 3 : 1);
    p.from = f;
    p.to = f;
  }
  if (p.type === 'reconnect-storm') {
    p.fraction = r.factor([...at, 'fraction']) ?? 1;
    if (p.fraction > 1) r.problem([...at, 'fraction'], 'fraction is at most 100%');
    p.reconnectOverMs = r.duration([...at, 'over'], false) ?? 0;
    const gl = r.array([...at, 'groups'], false);
    if (gl) {
      p.groups = [];
      gl.forEach((_, j) => {
        const n = r.string([...at, 'groups', j], true);
        if (n === undefined) return;
        if (!groups.has(n))
          r.problem([...at, 'groups', j], `no group named '${n}'`, `groups: ${[...groups].join(', ')}`);
        p.groups?.push(n);
      });
    }
  } else {
    for (const k of ['fraction', 'groups', 'over'])
      if (r.has([...at, k])) r.problem([...at, k], `'${k}' applies to reconnect-storm phases only`);
  }
  return p;
}

function validFilter(f: string): boolean {
  if (f.length === 0) return false;
  const levels = f.split('/');
  return levels.every((l, i) =>
    l.includes('#') ? l === '#' && i === levels.length - 1 : !l.includes('+') || l === '+',
  );
}
