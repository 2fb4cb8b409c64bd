// Headless Chromium for the HTML report's tests: Debian's /usr/bin/chromium driven by playwright-core (browser
// downloads do not work here). A missing browser follows the one rule for a missing peer: under any non-empty
// CI the test file fails and says how to install it; anywhere else its tests are skipped with that message.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { binaryMissing, skipReason } from '../../../transport/testing/peers/missing.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** For `describe(name, { skip: await chromiumSkip() }, ...)`: false when Chromium is there. Under CI it waits up
 *  to 60 s for it (apt-get may still be installing it), then fails. */
export async function chromiumSkip(): Promise<string | false> {
  const deadline = Date.now() + 60_000;
  while (!existsSync(CHROMIUM) && (process.env.CI ?? '') !== '' && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 1000));
  return skipReason(binaryMissing(CHROMIUM, 'chromium'));
}

/** Headless, sandbox off (the tests may run as root), and none of the background connections this closed
 *  network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 30_000,
  });
}
