// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario ${var} syntax under test
// Random documents built from scenario words must never make the loader throw: every input,
// however wrong, ends as a model or as Problems.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { parseSource } from './index.ts';
import { CASE_KEYS, FILE_KEYS, MUTATION_OPS, PACKET_CMDS, PREDICATES, STEP_ACTIONS } from './vocabulary.ts';
import { parseYamlText } from './yaml-source.ts';

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  ...CASE_KEYS,
  ...FILE_KEYS,
  ...STEP_ACTIONS,
  ...PACKET_CMDS,
  ...PREDICATES,
  ...Object.keys(MUTATION_OPS),
  'client',
  'topic',
  'qos',
  'payload',
  'messageId',
  'properties',
  'with',
  'op',
  'hex',
  'for',
  'within',
  'capture',
  'oneOf',
  'unordered',
  'count',
  'match',
];
const SCALARS: unknown[] = [
  0,
  1,
  2,
  3,
  -1,
  0x81,
  1.5,
  true,
  false,
  null,
  '',
  'x',
  '${t}',
  '${nope}',
  '${',
  '$$',
  '2s',
  'zz',
  '5.0',
  '3.1.1',
];

function value(rnd: () => number, depth: number): unknown {
  const r = rnd();
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  if (depth > 4 || r < 0.35) return pick(SCALARS);
  if (r < 0.55) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) o[pick(WORDS)] = value(rnd, depth + 1);
  return o;
}

/** A case whose steps have real action names with random values, so deep validators run. */
function caseDoc(rnd: () => number): unknown {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const steps = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => ({
    client: 'a',
    [pick(STEP_ACTIONS)]: value(rnd, 1),
  }));
  const fragments = rnd() < 0.3 ? { f: steps.slice(0, 2) } : undefined;
  return {
    version: '5.0',
    ...(fragments ? { fragments } : {}),
    cases: [{ id: 'fz', params: value(rnd, 3), steps }],
  };
}

test('the loader never throws on random scenario-shaped documents', () => {
  const rnd = prng(12345);
  for (let i = 0; i < 600; i++) {
    const doc = i % 2 === 0 ? value(rnd, 0) : caseDoc(rnd);
    const text = stringify(doc);
    assert.doesNotThrow(() => parseSource(parseYamlText(text, `fuzz-${i}.yaml`)), text);
  }
});
