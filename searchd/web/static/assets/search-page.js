// The search page: one store; the URL is the source of the search state.
import { request, sessionId } from './api.js';
import { createStore } from './store.js';
import { mountSearchBox } from './searchbox.js';
import { fromURL, pageURL, searchURL, isEmpty } from './state.js';
import { renderNotices, renderResults, renderPager, renderSummary } from './results.js';
import { renderFacets } from './facets.js';
import { renderTrending, startTrending } from './trending.js';

const $ = (id) => document.getElementById(id);
const headers = { 'X-Session-ID': sessionId(), 'X-Search-Context': JSON.stringify({ screen: 'web' }) };

const store = createStore({
  search: fromURL(location.search),
  loading: false,
  resp: null,
  error: '',
  trending: null,
  trendingError: '',
});

let inflight = null;

async function run(search) {
  if (inflight) inflight.abort();
  if (isEmpty(search)) {
    store.set({ search, resp: null, error: '', loading: false });
    return;
  }
  const mine = new AbortController();
  inflight = mine;
  store.set({ search, loading: true, error: '' });
  try {
    const resp = await request(searchURL(search), { headers, signal: mine.signal });
    if (inflight === mine) store.set({ resp, loading: false });
  } catch (err) {
    if (err.name !== 'AbortError' && inflight === mine) store.set({ resp: null, error: err.message, loading: false });
  }
}

// navigate shows a new search and records it in the history.
function navigate(search) {
  const url = pageURL(search);
  const paged = search.page !== store.get().search.page;
  if (url !== location.pathname + location.search) history.pushState(null, '', url);
  run(search);
  if (paged) {
    $('results-area').focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }
}

const box = mountSearchBox({
  input: $('q'),
  list: $('suggestions'),
  form: $('search-form'),
  suggest: async (q, signal) => {
    const r = await request(`/api/v1/autocomplete?q=${encodeURIComponent(q)}&size=8`, { signal });
    return r.suggestions || [];
  },
  onSubmit: (q) => navigate({ ...store.get().search, q: q.trim(), page: 1, asTyped: false }),
});

$('sort').addEventListener('change', (e) => navigate({ ...store.get().search, sort: e.target.value, page: 1 }));
window.addEventListener('popstate', () => run(fromURL(location.search)));

let shown = null; // the search the box was last set from

function render(st) {
  const { search } = st;
  // The box follows navigation only: other updates (a trending refresh)
  // must never overwrite what the user is typing.
  if (search !== shown) {
    shown = search;
    box.setValue(search.q);
  }
  $('sort').value = search.sort;
  document.title = search.q ? `${search.q} - 검색 · searchd` : '검색 · searchd';
  document.body.classList.toggle('loading', st.loading);
  renderSummary($('summary'), search, st);
  renderNotices($('notices'), search, st.error ? null : st.resp, navigate);
  renderResults($('results'), search, st, st.trending, navigate);
  renderFacets($('facets'), search, st.error ? null : st.resp, navigate);
  renderPager($('pager'), search, st.error ? null : st.resp, navigate);
  renderTrending($('trending'), st.trending, {
    link: (k) => pageURL({ q: k, category: '', region: '', tags: [], sort: 'relevance', page: 1 }),
    onSelect: (k) => navigate({ q: k, category: '', region: '', tags: [], sort: 'relevance', page: 1, asTyped: false }),
    error: st.trendingError,
  });
}

store.subscribe(render);
startTrending((trending, trendingError) => store.set({ trending, trendingError }));
run(store.get().search);
