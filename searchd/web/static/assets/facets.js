// Facets: category and region pick one value, tags combine (all must be
// present). Every choice is a link to the URL it leads to.
import { h, replace, formatNumber } from './dom.js';
import { pageURL } from './state.js';

const GROUPS = [
  { field: 'category', title: '분류' },
  { field: 'region', title: '지역' },
  { field: 'tags', title: '태그' },
];

// toggled is the search after clicking value in field.
export function toggled(search, field, value) {
  const next = { ...search, page: 1 };
  if (field === 'tags') {
    next.tags = search.tags.includes(value) ? search.tags.filter((t) => t !== value) : [...search.tags, value];
  } else {
    next[field] = search[field] === value ? '' : value;
  }
  return next;
}

const isOn = (search, field, value) => (field === 'tags' ? search.tags.includes(value) : search[field] === value);

export function renderFacets(el, search, resp, onNavigate) {
  const facets = (resp && resp.facets) || {};
  const groups = GROUPS.map(({ field, title }) => {
    const counts = [...(facets[field] || [])];
    // A chosen value stays visible (and undoable) even when it has no count.
    const chosen = field === 'tags' ? search.tags : search[field] ? [search[field]] : [];
    for (const v of chosen) if (!counts.some((c) => c.value === v)) counts.push({ value: v, count: null });
    if (!counts.length) return null;
    return h('section', { class: 'facet', 'aria-labelledby': `facet-${field}` },
      h('h2', { id: `facet-${field}`, class: 'facet-title', text: title }),
      h('ul', {}, counts.map((c) => {
        const next = toggled(search, field, c.value);
        const on = isOn(search, field, c.value);
        return h('li', {}, h('a', {
          href: pageURL(next),
          class: on ? 'facet-value on' : 'facet-value',
          role: 'checkbox',
          'aria-checked': String(on),
          'data-field': field,
          'data-value': c.value,
          onclick: (e) => { e.preventDefault(); onNavigate(next); },
        }, h('span', { class: 'facet-name', text: c.value }),
        c.count != null && h('span', { class: 'count', text: formatNumber(c.count) })));
      })));
  }).filter(Boolean);
  const any = search.category || search.region || search.tags.length;
  replace(el, groups.length ? h('h2', { class: 'sr-only', text: '필터' }) : null, groups,
    any ? h('p', {}, h('a', {
      href: pageURL({ ...search, category: '', region: '', tags: [], page: 1 }),
      class: 'clear',
      onclick: (e) => { e.preventDefault(); onNavigate({ ...search, category: '', region: '', tags: [], page: 1 }); },
    }, '필터 모두 해제')) : null);
}
