// The search page's state in the URL: /?q=..&category=..&region=..&tag=..&sort=..&page=..
// Shared links and the back button restore exactly what was shown.

export const PAGE_SIZE = 10;
const SORTS = ['relevance', 'recent', 'popular'];

export function fromURL(search) {
  const p = new URLSearchParams(search);
  const page = Number.parseInt(p.get('page') || '1', 10);
  const sort = p.get('sort') || 'relevance';
  return {
    q: p.get('q') || '',
    category: p.get('category') || '',
    region: p.get('region') || '',
    tags: [...new Set(p.getAll('tag').filter(Boolean))],
    sort: SORTS.includes(sort) ? sort : 'relevance',
    page: Number.isFinite(page) && page > 0 ? page : 1,
    asTyped: p.get('as_typed') === '1',
  };
}

// toParams is the URL query of a state (defaults left out).
export function toParams(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.category) p.set('category', s.category);
  if (s.region) p.set('region', s.region);
  for (const t of s.tags) p.append('tag', t);
  if (s.sort && s.sort !== 'relevance') p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.asTyped) p.set('as_typed', '1');
  return p;
}

export const pageURL = (s) => {
  const qs = toParams(s).toString();
  return qs ? `/?${qs}` : '/';
};

export function searchURL(s) {
  const p = toParams(s);
  p.set('size', String(PAGE_SIZE));
  return `/api/v1/search?${p}`;
}

// isEmpty: nothing asked yet (the start page).
export const isEmpty = (s) => !s.q && !s.category && !s.region && s.tags.length === 0;
