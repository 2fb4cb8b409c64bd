// Test helpers: profiles from inline YAML, and checks registered against both a private mosquitto and the
// reference broker (the peers and the rule for a missing one: src/transport/testing/peers/).
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import { loadProfileText } from '../scenario/load-profile/yaml.ts';
import { requirePeer } from '../transport/testing/peers/missing.ts';
import { mosquittoMissing, startLoadMosquitto } from '../transport/testing/peers/mosquitto.ts';
import { startPlainReference } from '../transport/testing/peers/reference.ts';

export function profileFrom(text: string): LoadProfile {
  const { profile, problems } = loadProfileText(text, 'inline.yaml');
  assert.deepEqual(problems, []);
  assert.ok(profile);
  return profile;
}

/** True when mosquitto can be used; skips the test otherwise (a failure under CI, saying how to install it). */
export function needMosquitto(t: TestContext): boolean {
  return requirePeer(t, mosquittoMissing({ tls: false }));
}

/**
 * Registers `check(port)` as two tests: against a private mosquitto (skipped locally when missing, an error
 * under CI) and against an in-process reference broker.
 */
export function againstBothBrokers(check: (port: number) => Promise<void>): void {
  for (const [name, start] of [
    ['mosquitto', startLoadMosquitto],
    ['reference broker', startPlainReference],
  ] as const) {
    test(name, async (t) => {
      if (name === 'mosquitto' && !needMosquitto(t)) return;
      const b = await start();
      try {
        await check(b.port);
      } finally {
        await b.stop();
      }
    });
  }
}
