// The trending widget (실시간 급상승 검색어): rank, keyword, movement and
// the snapshot time, refreshed at the snapshot interval.
import { h, replace, formatTime, isZeroTime } from './dom.js';
import { request } from './api.js';

// movement is the visible mark and its spoken form.
export function movement(m) {
  const steps = (m && m.steps) || 0;
  switch (m && m.direction) {
    case 'up': return { mark: `▲${steps}`, say: `${steps}계단 상승`, cls: 'up' };
    case 'down': return { mark: `▼${steps}`, say: `${steps}계단 하락`, cls: 'down' };
    case 'new': return { mark: 'NEW', say: '새로 진입', cls: 'new' };
    default: return { mark: '–', say: '변동 없음', cls: 'same' };
  }
}

// renderTrending draws a snapshot; link(keyword) gives each item's href and
// onSelect, when set, handles a click in the page instead.
export function renderTrending(el, snap, { link, onSelect, error } = {}) {
  const items = (snap && snap.items) || [];
  const at = snap && !isZeroTime(snap.updated_at) ? `${formatTime(snap.updated_at)} 기준` : '';
  replace(el,
    h('div', { class: 'trending-head' },
      h('h2', { id: 'trending-title', text: '실시간 급상승 검색어' }),
      at && h('p', { class: 'trending-time' }, h('time', { datetime: snap.updated_at }, at))),
    error ? h('p', { class: 'error', role: 'alert', text: error })
      : items.length === 0 ? h('p', { class: 'muted', text: '지금은 급상승 검색어가 없습니다.' })
        : h('ol', { class: 'trending-list' }, items.map((it) => {
          const mv = movement(it.movement);
          return h('li', {},
            h('a', {
              href: link(it.keyword),
              target: onSelect ? null : '_blank',
              rel: onSelect ? null : 'noopener',
              onclick: onSelect ? (e) => { e.preventDefault(); onSelect(it.keyword); } : null,
            },
            h('span', { class: 'rank', text: String(it.rank) }),
            h('span', { class: 'keyword', text: it.keyword }),
            h('span', { class: `move ${mv.cls}`, 'aria-hidden': 'true', text: mv.mark }),
            h('span', { class: 'sr-only', text: `, ${mv.say}` })));
        })));
}

// startTrending polls /api/v1/trending at the snapshot interval and calls
// show(snapshot, error) after each answer. It returns a stop function.
export function startTrending(show, { size = 10, minSeconds = 1 } = {}) {
  let timer = 0;
  let stopped = false;
  let last = null;
  async function tick() {
    let wait = 30;
    try {
      last = await request(`/api/v1/trending?size=${size}`);
      show(last, '');
      wait = (last.window && last.window.interval_seconds) || wait;
    } catch (err) {
      show(last, err.message);
    }
    if (!stopped) timer = setTimeout(tick, Math.max(minSeconds, wait) * 1000);
  }
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
