// `--profile file.yaml`: what the broker under test is configured for, beyond what CONNACK tells.
import { readFileSync } from 'node:fs';
import { isMap, LineCounter, type Node, parseDocument } from 'yaml';
import type { Problem } from '../scenario/model.ts';

export type BrokerProfile = Record<string, unknown>;

type Kind = 'boolean' | 'string' | 'number' | 'map';
const KEYS: Record<string, { kind: Kind; fields?: Record<string, Kind> }> = {
  label: { kind: 'string' },
  description: { kind: 'string' },
  linkStealing: { kind: 'boolean' },
  closeOnPublishAuthorizationFailure: { kind: 'boolean' },
  keepAliveEnforced: { kind: 'boolean' },
  exclusiveBroker: { kind: 'boolean' },
  auth: { kind: 'map', fields: { username: 'string', password: 'string', badPassword: 'string' } },
  acl: { kind: 'map', fields: { denyPublish: 'string', denySubscribe: 'string' } },
  enhancedAuth: { kind: 'map', fields: { method: 'string', username: 'string', password: 'string' } },
  serverRedirection: { kind: 'map', fields: { reasonCode: 'number', serverReference: 'string' } },
  urls: { kind: 'map', fields: { ws: 'string', wss: 'string', tcp: 'string', tls: 'string' } },
  /** Capabilities the probe cannot see (3.1.1 announces none) or gets wrong: they replace the detected values. */
  features: {
    kind: 'map',
    fields: {
      maximumQoS: 'number',
      retainAvailable: 'boolean',
      wildcardSubscriptionAvailable: 'boolean',
      sharedSubscriptionAvailable: 'boolean',
      subscriptionIdentifiersAvailable: 'boolean',
      receiveMaximum: 'number',
      topicAliasMaximum: 'number',
      maximumPacketSize: 'number',
      serverKeepAlive: 'number',
      inflightDeliveries: 'number',
    },
  },
  /** Why the profile opts out of a MUST that runs by default (linkStealing: false, keepAliveEnforced: false). */
  reasons: { kind: 'map', fields: { linkStealing: 'string', keepAliveEnforced: 'string' } },
};

/** MUST cases that run unless the profile opts out with `false`, and then it must say why (`reasons.<key>`). */
const OPT_OUTS = ['linkStealing', 'keepAliveEnforced'] as const;

function kindOf(v: unknown): Kind | 'other' {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (v && typeof v === 'object' && !Array.isArray(v)) return 'map';
  return 'other';
}

/** Reads and checks a profile; every problem is reported with its line. */
export function loadProfile(file: string): { profile: BrokerProfile; problems: Problem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {
      profile: {},
      problems: [
        { file, line: 1, column: 1, field: '--profile', message: `cannot read profile file '${file}'` },
      ],
    };
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const problems: Problem[] = [];
  const at = (node: Node | null | undefined, field: string, message: string, hint?: string): void => {
    const pos = node?.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
    problems.push({ file, line: pos.line, column: pos.col, field, message, ...(hint ? { hint } : {}) });
  };
  for (const e of doc.errors) {
    const pos = lc.linePos(e.pos[0]);
    problems.push({
      file,
      line: pos.line,
      column: pos.col,
      field: '(yaml)',
      message: e.message.split('\n')[0] ?? e.message,
    });
  }
  if (problems.length) return { profile: {}, problems };
  const value = (doc.toJS() ?? {}) as unknown;
  if (kindOf(value) !== 'map' || !isMap(doc.contents)) {
    at(doc.contents, '(root)', 'a profile is a map of settings');
    return { profile: {}, problems };
  }
  for (const pair of doc.contents.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    const spec = KEYS[key];
    const node = pair.value as Node | null;
    const v = (value as Record<string, unknown>)[key];
    if (!spec) {
      at(
        pair.key as Node,
        key,
        `unknown profile key '${key}'`,
        `known keys: ${Object.keys(KEYS).join(', ')}`,
      );
      continue;
    }
    if (kindOf(v) !== spec.kind) {
      at(node, key, `'${key}' must be a ${spec.kind}`);
      continue;
    }
    if (spec.fields && isMap(node)) {
      for (const sub of node.items) {
        const sk = String((sub.key as { value?: unknown })?.value ?? sub.key);
        const want = spec.fields[sk];
        const sv = (v as Record<string, unknown>)[sk];
        if (!want)
          at(
            sub.key as Node,
            `${key}.${sk}`,
            `unknown key '${sk}'`,
            `known: ${Object.keys(spec.fields).join(', ')}`,
          );
        else if (kindOf(sv) !== want)
          at(sub.value as Node, `${key}.${sk}`, `'${key}.${sk}' must be a ${want}`);
      }
    }
  }
  const profile = value as BrokerProfile;
  const reasons = (profile.reasons ?? {}) as Record<string, unknown>;
  for (const key of OPT_OUTS) {
    if (profile[key] !== false || typeof reasons[key] === 'string') continue;
    const pair = doc.contents.items.find((p) => String((p.key as { value?: unknown })?.value) === key);
    at(
      pair?.value as Node,
      key,
      `'${key}: false' opts out of MUST cases that run by default: say why in reasons.${key}`,
      `e.g. reasons: { ${key}: "the broker is configured so, see its ..." }`,
    );
  }
  return { profile, problems };
}

/** The detected capabilities with the profile's `features` laid over them (the profile knows better). */
export function withFeatures<T extends object>(caps: T, profile: BrokerProfile): T {
  const features = profile.features;
  if (!features || typeof features !== 'object') return caps;
  return { ...caps, ...(features as Record<string, unknown>) };
}
