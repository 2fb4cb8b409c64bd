// Tabs: one panel per view that has data; the URL hash says which one shows.
import { h } from './dom.ts';
import { hashState } from './url-state.ts';

const panels: string[] = [];
const onShow = new Map<string, () => void>();

/** Adds a tab and its panel; `shown` runs each time the tab is shown (after it became visible). */
export function panel(id: string, title: string, shown?: () => void): HTMLElement {
  const sec = h('section', { class: 'panel', id: `panel-${id}` });
  const a = h('a', { href: `#${id}`, 'data-tab': id, text: title });
  document.getElementById('tabs')?.append(a);
  document.getElementById('main')?.append(sec);
  panels.push(id);
  if (shown) onShow.set(id, shown);
  return sec;
}

export function show(want: string): void {
  const id = panels.includes(want) ? want : (panels[0] as string);
  const nav = document.getElementById('tabs');
  for (const p of panels) {
    document.getElementById(`panel-${p}`)?.classList.toggle('active', p === id);
    nav?.querySelector(`[data-tab="${p}"]`)?.classList.toggle('active', p === id);
  }
  onShow.get(id)?.();
}

window.addEventListener('hashchange', () => show(hashState().tab));
