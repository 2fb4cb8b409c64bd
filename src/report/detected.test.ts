// Show what was detected: capabilities, not-applicable reasons and allowed variations reach the console summary
// and summary.md.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderConsoleSummary } from './console.ts';
import { renderMarkdown } from './markdown.ts';
import { conformanceDoc } from './test-fixtures.ts';

function doc() {
  const d = conformanceDoc();
  d.brokers[0] = {
    ...(d.brokers[0] as (typeof d.brokers)[number]),
    capabilities: { mqtt5: false, mqtt311: true, maximumQoS: 2, mqtt311MaximumQoS: 1, inflightDeliveries: 1 },
    profile: { features: { retainAvailable: false } },
  };
  const c = d.conformance?.cases.find((x) => x.broker === 'reference' && x.outcome === 'pass');
  if (c) c.variations = ['sub: granted QoS 1 for t/a (requested 2): a lower grant is allowed'];
  return d;
}

test('console summary: detected capabilities, not-applicable reasons grouped, allowed variations', () => {
  const text = renderConsoleSummary(doc()).join('\n');
  assert.match(
    text,
    /Detected \(reference\): MQTT 5\.0 no, MQTT 3\.1\.1 yes, maximum QoS \(5\.0\) 2, maximum QoS granted \(3\.1\.1\) 1/,
  );
  assert.match(text, /retain not announced \(profile\)/);
  assert.match(
    text,
    /Not applicable \(\d+\):\n\s+\d+ x requires sharedSubscriptions \(broker reports false\)/,
  );
  assert.match(
    text,
    /Allowed variations \(1 case\(s\), not failures\):\n\s+\S+ \[reference\]: sub: granted QoS 1/,
  );
});

test('summary.md: a capability table per broker, not-applicable reasons and variations', () => {
  const md = renderMarkdown(doc());
  assert.match(md, /#### Detected: reference\n\n\| capability \| value \|/);
  assert.match(md, /\| deliveries in flight \| 1 \|/);
  assert.match(md, /<summary>Not applicable: \d+<\/summary>/);
  assert.match(md, /requires sharedSubscriptions \(broker reports false\)/);
  assert.match(md, /<summary>Allowed variations \(not failures\): 1<\/summary>/);
});
