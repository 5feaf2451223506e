// Small DOM helpers. Text always goes in through text nodes (never markup).

// h creates an element: props set attributes ("class", "text" for
// textContent, on* for listeners), children are nodes or strings.
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  appendAll(el, children);
  return el;
}

function appendAll(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c)); // a string becomes a text node
  }
}

// replace sets el's children.
export function replace(el, ...children) {
  el.replaceChildren();
  appendAll(el, children);
}

// The five entities Go's html.EscapeString writes.
const ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&#39;': "'", '&#34;': '"', '&quot;': '"' };

export function unescapeText(s) {
  return s.replace(/&(?:lt|gt|amp|quot|#39|#34);/g, (m) => ENTITIES[m]);
}

// parseHighlight splits a highlight fragment from the server (escaped text
// with matches between the exact tags <em> and </em>) into segments
// {text, mark}. Nothing else in it is treated as markup.
export function parseHighlight(fragment) {
  const out = [];
  let rest = String(fragment);
  while (rest.length > 0) {
    const open = rest.indexOf('<em>');
    const close = open < 0 ? -1 : rest.indexOf('</em>', open + 4);
    if (open < 0 || close < 0) {
      out.push({ text: unescapeText(rest), mark: false });
      break;
    }
    if (open > 0) out.push({ text: unescapeText(rest.slice(0, open)), mark: false });
    out.push({ text: unescapeText(rest.slice(open + 4, close)), mark: true });
    rest = rest.slice(close + 5);
  }
  return out;
}

// highlighted renders a fragment as text nodes and <em> elements.
export function highlighted(fragment) {
  return parseHighlight(fragment).map((s) => (s.mark ? h('em', { text: s.text }) : s.text));
}

// table builds a table: columns are header texts or [text, class]; rows
// are <tr> elements; with no rows it is a note saying empty instead.
export function table(columns, rows, empty) {
  if (!rows.length) return h('p', { class: 'muted', text: empty });
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => {
      const [text, cls] = Array.isArray(c) ? c : [c];
      return h('th', { scope: 'col', class: cls, text });
    }))),
    h('tbody', {}, rows)));
}

// debounce returns f delayed until calls pause for ms.
export function debounce(f, ms) {
  let t = 0;
  const d = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => f(...args), ms);
  };
  d.cancel = () => clearTimeout(t);
  return d;
}

const dateFmt = new Intl.DateTimeFormat('ko-KR', { year: 'numeric', month: 'long', day: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('ko-KR', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const numFmt = new Intl.NumberFormat('ko-KR');

export const formatDate = (iso) => (iso ? dateFmt.format(new Date(iso)) : '');
export const formatTime = (iso) => (iso ? timeFmt.format(new Date(iso)) : '');
export const formatNumber = (n) => numFmt.format(n);

// isZeroTime reports Go's zero time (nothing computed yet).
export const isZeroTime = (iso) => !iso || iso.startsWith('0001-01-01');
