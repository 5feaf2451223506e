// Analytics: search volume over time (SVG chart), top and zero-result
// queries over a chosen range, dead letters; index stats and versions.
import { h, replace, formatNumber, table } from './dom.js';
import { admin } from './admin-api.js';
import { volumeChart } from './chart.js';

const $ = (id) => document.getElementById(id);
const isoDay = (d) => d.toISOString().slice(0, 10);

function queryTable(qs, empty) {
  return table(['검색어', ['횟수', 'num']], qs.map((q) => h('tr', {}, h('td', {}, h('a', { href: `/?q=${encodeURIComponent(q.query)}`, text: q.query })),
    h('td', { class: 'num', text: formatNumber(q.count) }))), empty);
}

function deadTable(dead) {
  return table(['시각', '종류', '이유', '이벤트'], dead.map((d) => h('tr', {}, h('td', { text: new Date(d.failed_at).toLocaleString('ko-KR') }),
    h('td', { text: d.class }), h('td', { text: d.reason }), h('td', {}, h('code', { text: d.event_id || d.message_id })))), '처리하지 못한 로그가 없습니다.');
}

const failed = (el, err) => replace(el, h('p', { class: 'error', text: err.message }));

export function mountAnalytics() {
  const today = new Date();
  $('range-to').value = isoDay(new Date(today.getTime() + 86400000));
  $('range-from').value = isoDay(new Date(today.getTime() - 6 * 86400000));

  async function load() {
    const range = `from=${$('range-from').value}&to=${$('range-to').value}`;
    for (const id of ['volume', 'top-queries', 'zero-queries', 'dead-letters']) replace($(id), h('p', { class: 'muted', role: 'status', text: '불러오는 중…' }));
    await Promise.all([
      admin(`/analytics/volume?${range}`).then((r) => {
        const days = (new Date(r.to) - new Date(r.from)) / 86400000;
        const fmt = (t) => {
          const d = new Date(t);
          return days > 2 ? `${d.getMonth() + 1}/${d.getDate()}${r.interval_seconds < 86400 ? ` ${d.getHours()}시` : ''}` : `${d.getHours()}:${String(d.getMinutes()).padStart(2, '0')}`;
        };
        const total = r.points.reduce((a, p) => a + p.count, 0);
        replace($('volume'), volumeChart(r.points, { label: `검색량 추이: 총 ${formatNumber(total)}회`, format: fmt }),
          h('p', { class: 'muted', text: `총 ${formatNumber(total)}회 · ${r.interval_seconds >= 3600 ? `${r.interval_seconds / 3600}시간` : `${r.interval_seconds / 60}분`} 간격` }));
      }, (err) => failed($('volume'), err)),
      admin(`/analytics/top-queries?${range}&size=20`).then((r) => replace($('top-queries'), queryTable(r.queries, '이 기간의 검색이 없습니다.')), (err) => failed($('top-queries'), err)),
      admin(`/analytics/zero-result-queries?${range}&size=20`).then((r) => replace($('zero-queries'), queryTable(r.queries, '결과 없는 검색이 없습니다.')), (err) => failed($('zero-queries'), err)),
      admin('/ingest/dead-letters?size=20').then((r) => replace($('dead-letters'), deadTable(r.dead_letters)), (err) => failed($('dead-letters'), err)),
    ]);
  }

  $('range-form').addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  return { load };
}

export async function loadIndex() {
  try {
    const [st, vs] = await Promise.all([admin('/stats'), admin('/versions')]);
    replace($('stats'), h('dl', { class: 'stats' },
      h('dt', { text: '엔진' }), h('dd', { text: st.engine }),
      h('dt', { text: '색인' }), h('dd', { text: st.index }),
      h('dt', { text: '사용 중인 버전' }), h('dd', { text: String(st.version) }),
      h('dt', { text: '문서 수' }), h('dd', { text: formatNumber(st.docs) })));
    const versions = vs.versions || vs;
    replace($('versions'), table(['버전', '이름', ['문서 수', 'num'], '만든 시각', '상태'], versions.map((v) => h('tr', {}, h('td', { text: String(v.version) }),
      h('td', {}, h('code', { text: v.name })), h('td', { class: 'num', text: formatNumber(v.docs) }),
      h('td', { text: new Date(v.created_at).toLocaleString('ko-KR') }), h('td', { text: v.live ? '사용 중' : '보관' }))), '버전이 없습니다.'));
  } catch (err) {
    failed($('stats'), err);
  }
}
