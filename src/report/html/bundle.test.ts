// The HTML report's client is bundled once per process into one script with nothing left to load: no module
// syntax, no require, and the page references no file or URL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fullDoc } from '../test-fixtures.ts';
import { loadAssets, renderHtml } from './index.ts';

test('the client is bundled once per process, into one script that loads nothing', () => {
  const assets = loadAssets();
  assert.equal(loadAssets(), assets, 'the second report reuses the bundle');
  const js = assets.clientJs;
  assert.match(js, /^"use strict";\(\(\)\s?=>\s?\{/);
  assert.doesNotMatch(js, /\brequire\(|\bimport\s*[({'"]|\bexport\s/);
  // The shared formatting is in it: the HTML notation of a duration and the packet line's properties key.
  assert.match(js, /"properties"/);
});

test('the page is one self-contained file', () => {
  const page = renderHtml(fullDoc());
  assert.doesNotMatch(page, /<script[^>]+src=|<link\b|@import/);
  assert.equal(page.match(/<script>/g)?.length, 2, 'uPlot and the client, inline');
});
