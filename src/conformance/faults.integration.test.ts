// The suites' power: for every test-only fault switch of the reference broker, at least one case of the area the
// fault is about passes against the healthy broker and fails against the broker with that fault.
// Prints the share of faults caught.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { FAULT_NAMES } from '../../reference-broker/src/index.ts';
import type { CaseResult } from '../results/model.ts';
import { startReference } from '../transport/testing/peers/reference.ts';
import { bundledCases, conformAgainst } from './testing/reference.ts';

interface FaultPlan {
  config: string;
  profile: string;
  /** Areas (file-level `area:`) whose cases should catch the fault. */
  areas: RegExp;
}

const DEFAULT = { config: 'default', profile: 'reference-default' };
const QOS1 = { config: 'qos1', profile: 'reference-qos1' };
const AUTH = { config: 'auth', profile: 'reference-auth' };
const LIMITS = { config: 'limits', profile: 'reference-limits' };
const PLAN: Record<string, FaultPlan> = {
  'no-pubrec': { ...DEFAULT, areas: /publish|qos|pubrel|pubrec/ },
  'no-puback': { ...DEFAULT, areas: /publish|qos|puback/ },
  'wrong-session-present': { ...DEFAULT, areas: /connack|session/ },
  'retain-not-cleared': { ...DEFAULT, areas: /retain/ },
  'no-retain-on-subscribe': { ...DEFAULT, areas: /retain/ },
  'will-on-clean-disconnect': { ...DEFAULT, areas: /will|disconnect/ },
  'no-will-on-drop': { ...DEFAULT, areas: /will/ },
  'ignore-inbound-alias': { ...DEFAULT, areas: /alias|publish/ },
  'no-keepalive': { ...DEFAULT, areas: /keep-?alive/ },
  'accept-malformed': { ...DEFAULT, areas: /malformed|error|data-representation|connect/ },
  'no-qos-downgrade': { ...DEFAULT, areas: /publish|qos|subscribe/ },
  'shared-deliver-all': { ...DEFAULT, areas: /shared/ },
  'dollar-wildcard': { ...DEFAULT, areas: /dollar|topic/ },
  'no-link-stealing': { ...DEFAULT, areas: /link|connect/ },
  'ignore-receive-maximum': { ...LIMITS, areas: /flow|receive/ },
  'ignore-max-packet-size': { ...DEFAULT, areas: /packet-size/ },
  'no-local-ignored': { ...DEFAULT, areas: /subscri/ },
  'no-subscription-id': { ...DEFAULT, areas: /subscri/ },
  'no-message-expiry': { ...DEFAULT, areas: /expiry|publish/ },
  'second-connect-accepted': { ...DEFAULT, areas: /connect/ },
  'no-unsuback': { ...DEFAULT, areas: /unsub/ },
  'wildcard-publish-accepted': { ...DEFAULT, areas: /topic|publish/ },
  'retain-flag-live': { ...DEFAULT, areas: /retain|publish/ },
  'no-dup-on-redelivery': { ...DEFAULT, areas: /session|qos|publish/ },
  'no-assigned-client-id': { ...DEFAULT, areas: /^connack$/ },
  'will-delay-ignored': { ...DEFAULT, areas: /^will$/ },
  'session-expiry-ignored': { ...DEFAULT, areas: /^session-expiry$/ },
  'clean-start-ignored': { ...DEFAULT, areas: /^(connect|connack)$/ },
  'will-retain-ignored': { ...DEFAULT, areas: /^will$/ },
  'empty-client-id-persistent-accepted': { ...DEFAULT, areas: /^connect$/ },
  'bad-password-accepted': { ...AUTH, areas: /^connect$/ },
  'will-qos-above-maximum-accepted': { ...QOS1, areas: /^connack$/ },
  'unrequested-response-information': { ...DEFAULT, areas: /^request-response$/ },
  'retain-handling-ignored': { ...DEFAULT, areas: /^subscription-options$/ },
  'retain-as-published-ignored': { ...DEFAULT, areas: /^subscription-options$/ },
  'suback-order-reversed': { ...DEFAULT, areas: /^(suback|subscribe)$/ },
  'unsubscribe-ignored': { ...DEFAULT, areas: /^unsubscribe$/ },
  'unsuback-wrong-packet-id': { ...DEFAULT, areas: /^(unsubscribe|unsuback)$/ },
  'no-local-shared-accepted': { ...DEFAULT, areas: /^subscription-options$/ },
  'maximum-qos-not-enforced': { ...QOS1, areas: /^connack$/ },
  'retain-unavailable-accepted': { ...QOS1, areas: /^connack$/ },
  'topic-alias-maximum-ignored': { ...LIMITS, areas: /^topic-alias$/ },
  'publish-acl-ignored': { ...AUTH, areas: /^publish$/ },
  'response-topic-dropped': { ...DEFAULT, areas: /^request-response$/ },
  'no-pingresp': { ...DEFAULT, areas: /^(ping|keepalive)$/ },
  'outbound-alias-beyond-maximum': { ...DEFAULT, areas: /^topic-alias$/ },
  'will-properties-dropped': { ...DEFAULT, areas: /^will$/ },
  'subscription-not-replaced': { ...DEFAULT, areas: /^subscribe$/ },
  'session-expiry-scan': { ...DEFAULT, areas: /^will$/ },
  'overlap-lowest-qos': { ...DEFAULT, areas: /^overlap$/ },
  'keepalive-pingreq-only': { ...DEFAULT, areas: /^keepalive$/ },
  'will-outlives-session': { ...DEFAULT, areas: /^will$/ },
  'qos0-packet-id': { ...DEFAULT, areas: /^(publish|overlap)$/ },
  'packet-after-refusal': { ...DEFAULT, areas: /^connect$/ },
  'mqtt31-long-client-id-accepted': { ...DEFAULT, areas: /^connect$/ },
};

/** Outcomes against the healthy broker, per configuration, by version + case id. */
const healthy = new Map<string, Promise<Map<string, string>>>();
function healthyOutcomes(plan: FaultPlan): Promise<Map<string, string>> {
  let p = healthy.get(plan.config);
  if (!p) {
    p = (async () => {
      const target = await startReference(plan.config);
      try {
        const results = await conformAgainst(target, plan.profile, await bundledCases());
        return new Map(results.map((r) => [`${r.version}:${r.id}`, r.outcome]));
      } finally {
        await target.broker.close();
      }
    })();
    healthy.set(plan.config, p);
  }
  return p;
}

describe('every broker fault is caught by a case of its area', () => {
  const caught: Record<string, string[]> = {};
  after(() => {
    const names = Object.keys(PLAN);
    const hit = names.filter((n) => (caught[n]?.length ?? 0) > 0);
    const lines = names.map(
      (n) =>
        `  ${n.padEnd(36)} ${caught[n]?.length ? `caught by ${caught[n]!.slice(0, 3).join(', ')}` : 'NOT CAUGHT'}`,
    );
    console.log(
      `faults caught: ${hit.length}/${names.length} (${Math.round((100 * hit.length) / names.length)}%)\n${lines.join('\n')}`,
    );
  });

  test('the plan names every fault switch the broker has', () => {
    assert.deepEqual([...Object.keys(PLAN)].sort(), [...FAULT_NAMES].sort());
  });

  for (const [fault, plan] of Object.entries(PLAN)) {
    test(`fault ${fault}`, async () => {
      const cases = (await bundledCases()).filter((c) => plan.areas.test(c.area));
      assert.ok(cases.length > 0, `no suite case in areas ${plan.areas}`);
      const target = await startReference(plan.config, [fault]);
      let results: CaseResult[];
      try {
        results = await conformAgainst(target, plan.profile, cases);
      } finally {
        await target.broker.close();
      }
      const base = await healthyOutcomes(plan);
      const failing = results.filter(
        (r) =>
          (r.outcome === 'fail' || r.outcome === 'non-strict') && base.get(`${r.version}:${r.id}`) === 'pass',
      );
      caught[fault] = failing.map((r) => `${r.version}:${r.id}`);
      assert.ok(
        failing.length > 0,
        `no case of areas ${plan.areas} caught fault '${fault}' (${cases.length} cases ran)`,
      );
    });
  }
});
