// Trending moderation: the widget as users see it, the candidate pool with
// why each keyword is shown or not, and the blocklist.
import { h, replace, formatNumber, table } from './dom.js';
import { admin } from './admin-api.js';
import { request } from './api.js';
import { renderTrending } from './trending.js';

const $ = (id) => document.getElementById(id);
const lines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);
// Why a keyword is or is not shown, in words (trending's reason codes).
const REASONS = {
  shown: '노출 중', blocked: '차단 목록', low_volume: '검색 수가 적음', not_rising: '평소보다 늘지 않음',
  low_score: '상승 점수가 낮음', too_few_users: '검색한 사람 수가 적음', below_top: '순위 밖',
};
const num = (x, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');

export function mountModeration({ banner }) {
  async function widget() {
    try {
      renderTrending($('trending-widget'), await request('/api/v1/trending?size=10'), { link: (k) => `/?q=${encodeURIComponent(k)}` });
    } catch (err) {
      renderTrending($('trending-widget'), null, { link: () => '/', error: err.message });
    }
  }

  async function candidates() {
    try {
      const r = await admin('/trending/candidates');
      const cs = r.candidates || [];
      replace($('candidates'), table(['키워드', ['최근 (분당)', 'num'], ['평소 예상 (분당)', 'num'], ['사용자', 'num'], ['점수', 'num'], '노출', '이유'],
        cs.map((c) => h('tr', { class: c.shown ? 'shown' : '' },
          h('th', { scope: 'row', text: c.keyword || c.key }),
          h('td', { class: 'num', text: num(c.recent_per_min, 2) }),
          h('td', { class: 'num', text: num(c.baseline_per_min, 2) }),
          h('td', { class: 'num', text: c.users < 0 ? '–' : formatNumber(c.users) }),
          h('td', { class: 'num', text: num(c.score, 2) }),
          h('td', { text: c.shown ? `${c.rank}위` : '아니요' }),
          h('td', { text: REASONS[c.reason] || c.reason || '' }))), '아직 후보가 없습니다.'));
    } catch (err) {
      replace($('candidates'), h('p', { class: 'error', text: err.message }));
    }
  }

  async function loadBlocklist() {
    const b = await admin('/trending/blocklist');
    $('block-exact').value = (b.exact || []).join('\n');
    $('block-patterns').value = (b.patterns || []).join('\n');
  }

  $('blocklist-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const status = $('block-status');
    status.textContent = '저장 중…';
    status.className = '';
    try {
      const b = await admin('/trending/blocklist', { method: 'PUT', body: { exact: lines($('block-exact').value), patterns: lines($('block-patterns').value) } });
      $('block-exact').value = (b.exact || []).join('\n');
      $('block-patterns').value = (b.patterns || []).join('\n');
      status.textContent = '저장했습니다. 차단한 키워드는 바로 목록에서 빠집니다.';
      status.className = 'ok';
      await Promise.all([widget(), candidates()]);
    } catch (err) {
      status.textContent = err.message;
      status.className = 'error';
    }
  });

  return {
    async load() {
      try {
        await Promise.all([widget(), candidates(), loadBlocklist()]);
      } catch (err) {
        banner(err.message);
      }
    },
  };
}
