// The view's state in the URL: `#<tab>?<filters>` (e.g. #cases?outcome=fail,error&q=MQTT-3.1.2-4&open=...), so
// a failure can be linked and a reload keeps the filters. Filter changes replace the URL (no history entry per
// keystroke); following a link with filters (a statement's case, a matrix cell) applies them.

export function hashState(): { tab: string; params: URLSearchParams } {
  const raw = location.hash.slice(1);
  const q = raw.indexOf('?');
  return {
    tab: decodeURIComponent(q < 0 ? raw : raw.slice(0, q)),
    params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
  };
}

export function hashFor(tab: string, params: URLSearchParams): string {
  const qs = params.toString();
  return `#${tab}${qs ? `?${qs}` : ''}`;
}

/** Records a new filter state without reloading or scrolling (and without a hashchange event). */
export function writeHash(tab: string, params: URLSearchParams): void {
  const next = hashFor(tab, params);
  if (next !== location.hash) history.replaceState(null, '', next);
}
