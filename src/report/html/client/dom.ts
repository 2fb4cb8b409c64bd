// Building the page: elements from DOM methods only (textContent everywhere, so no markup from the data is ever
// interpreted).

/** What an element may hold: nodes and text; null, undefined and false are skipped, arrays are flattened. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** Attributes (`class`, `text` for the text content, `on<event>` for listeners); null, undefined and false
 *  are skipped, true gives an empty attribute. */
export type Props = Record<string, unknown>;

/** Appends children as `h` does (so a missing part adds nothing, never the text "null"). */
export function appendChild(el: HTMLElement, c: Child): void {
  if (c === undefined || c === null || c === false) return;
  if (Array.isArray(c)) {
    for (const x of c as readonly Child[]) appendChild(el, x);
    return;
  }
  el.append(c instanceof Node ? c : document.createTextNode(String(c)));
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v as string;
    else if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v as EventListener);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) appendChild(el, c);
  return el;
}
