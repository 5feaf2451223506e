// Search results, notices and the pager: pure state → DOM.
import { h, replace, highlighted, formatDate, formatNumber } from './dom.js';
import { PAGE_SIZE, pageURL } from './state.js';

const MAX_DEPTH = 1000; // results deeper than this are not served

function snippet(hit) {
  const hl = hit.highlights || {};
  if (hl.body && hl.body.length) return highlighted(hl.body.join(' … '));
  const body = hit.document.body || '';
  return body.length > 160 ? `${body.slice(0, 160)}…` : body;
}

function hitItem(hit, search) {
  const d = hit.document;
  const hl = hit.highlights || {};
  const title = hl.title && hl.title.length ? highlighted(hl.title[0]) : d.title || d.id;
  return h('li', { class: 'hit' },
    h('article', {},
      h('h2', { class: 'hit-title' }, title),
      h('p', { class: 'hit-body' }, snippet(hit)),
      h('ul', { class: 'hit-meta', 'aria-label': '정보' },
        d.category && h('li', { class: 'chip' }, h('span', { class: 'sr-only', text: '분류: ' }), d.category),
        d.region && h('li', { class: 'chip' }, h('span', { class: 'sr-only', text: '지역: ' }), d.region),
        (d.tags || []).map((t) => h('li', { class: 'tag' },
          h('a', { href: pageURL({ ...search, tags: [t], category: '', region: '', q: '', page: 1 }) }, `#${t}`))),
        d.created_at && h('li', {}, h('time', { datetime: d.created_at }, formatDate(d.created_at))),
        h('li', {}, `인기 ${formatNumber(d.popularity || 0)}`))));
}

function link(text, s, onNavigate) {
  const href = pageURL(s);
  return h('a', { href, onclick: (e) => { e.preventDefault(); onNavigate(s); } }, text);
}

// notices: corrections, did-you-mean, the AND → OR fallback.
export function renderNotices(el, search, resp, onNavigate) {
  const out = [];
  if (resp && resp.corrected) {
    out.push(h('p', { class: 'notice' },
      h('strong', {}, `‘${resp.corrected}’`), ' 검색 결과입니다. ',
      link(`‘${search.q}’ 그대로 검색`, { ...search, page: 1, asTyped: true }, onNavigate)));
  }
  if (resp && resp.match === 'any' && resp.total > 0) {
    out.push(h('p', { class: 'notice' }, '모든 단어를 포함한 결과가 없어 일부 단어만 포함한 결과를 보여 드립니다.'));
  }
  const sugs = (resp && resp.suggestions) || [];
  if (sugs.length && resp.total > 0) {
    out.push(h('p', { class: 'notice' }, '혹시 이것을 찾으셨나요? ',
      sugs.map((s, i) => [i ? ', ' : '', link(s, { ...search, q: s, page: 1, asTyped: false }, onNavigate)])));
  }
  replace(el, out);
}

export function renderSummary(el, search, st) {
  if (st.loading) el.textContent = '검색 중…';
  else if (st.error) el.textContent = st.error;
  else if (!st.resp) el.textContent = '검색어를 입력하세요.';
  else {
    const what = search.q ? `‘${st.resp.corrected || search.q}’ ` : '';
    el.textContent = `${what}검색 결과 ${formatNumber(st.resp.total)}건`;
  }
  el.classList.toggle('error', Boolean(st.error));
}

// renderResults: the hits, or the zero-result state with suggestions and
// trending keywords.
export function renderResults(el, search, st, trending, onNavigate) {
  const resp = st.resp;
  if (!resp || st.error) {
    replace(el);
    return;
  }
  if (resp.hits.length) {
    replace(el, resp.hits.map((hit) => hitItem(hit, search)));
    return;
  }
  const sugs = resp.suggestions || [];
  const items = (trending && trending.items) || [];
  replace(el, h('li', { class: 'empty' },
    h('p', { class: 'empty-title' }, search.q ? `‘${search.q}’에 대한 검색 결과가 없습니다.` : '조건에 맞는 결과가 없습니다.'),
    h('p', {}, '맞춤법을 확인하거나, 더 짧은 단어나 다른 필터로 찾아보세요.'),
    sugs.length > 0 && h('div', {}, h('h3', { text: '이 검색어는 어떠세요?' }),
      h('ul', { class: 'pills' }, sugs.map((s) => h('li', {}, link(s, { ...search, q: s, page: 1, asTyped: false }, onNavigate))))),
    items.length > 0 && h('div', {}, h('h3', { text: '지금 많이 찾는 검색어' }),
      h('ul', { class: 'pills' }, items.slice(0, 8).map((it) => h('li', {},
        link(it.keyword, { q: it.keyword, category: '', region: '', tags: [], sort: 'relevance', page: 1, asTyped: false }, onNavigate)))))));
}

export function renderPager(el, search, resp, onNavigate) {
  if (!resp || resp.total <= PAGE_SIZE) {
    replace(el);
    return;
  }
  const last = Math.max(1, Math.ceil(Math.min(resp.total, MAX_DEPTH) / PAGE_SIZE));
  const cur = Math.min(search.page, last);
  const from = Math.max(1, Math.min(cur - 2, last - 4));
  const to = Math.min(last, from + 4);
  // Visible text is the accessible name; the nav is labelled 페이지.
  const go = (p, text, rel) => (p === cur && !rel
    ? h('span', { class: 'page current', 'aria-current': 'page' }, text)
    : h('a', { class: 'page', href: pageURL({ ...search, page: p }), rel,
      onclick: (e) => { e.preventDefault(); onNavigate({ ...search, page: p }); } }, text));
  const pages = [];
  if (cur > 1) pages.push(go(cur - 1, '이전', 'prev'));
  for (let p = from; p <= to; p++) pages.push(go(p, String(p)));
  if (cur < last) pages.push(go(cur + 1, '다음', 'next'));
  replace(el, pages);
}
