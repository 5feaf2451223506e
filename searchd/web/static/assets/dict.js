// The dictionary workflow: edit with inline validation, preview, apply
// with a live progress bar, history with rule-level diffs and rollback,
// and the audit trail. Built on the admin dictionaries API (docs/api.md).
import { h, replace, debounce, formatNumber } from './dom.js';
import { admin, events } from './admin-api.js';
import { mountEditor } from './editor.js';

const $ = (id) => document.getElementById(id);
const when = (iso) => (iso ? new Date(iso).toLocaleString('ko-KR') : '');
const list = (x) => (Array.isArray(x) ? x : []);

// ruleText shows a rule whichever way the API spells it.
const ruleText = (r) => (typeof r === 'string' ? r : r && (r.rule || r.text || r.line || [r.from, r.to].filter(Boolean).join(' → ') || (r.members || []).join(', '))) || '';

const PHASES = {
  queued: '대기 중', pending: '대기 중', create: '새 색인 만드는 중', creating: '새 색인 만드는 중', copy: '문서 복사 중', copying: '문서 복사 중',
  catchup: '새로 들어온 쓰기 따라잡는 중', 'catch-up': '새로 들어온 쓰기 따라잡는 중', merge: '세그먼트 병합 중', merging: '세그먼트 병합 중',
  verify: '검증 중', verifying: '검증 중', swap: '별칭 전환 중', swapping: '별칭 전환 중', done: '완료', succeeded: '완료', finished: '완료',
  failed: '실패', canceled: '취소됨', cancelled: '취소됨',
};
const FINAL = new Set(['done', 'succeeded', 'finished', 'failed', 'canceled', 'cancelled']);

export function formatETA(s) {
  if (!(s > 0)) return '';
  const m = Math.floor(s / 60);
  return m ? `약 ${m}분 ${Math.round(s % 60)}초 남음` : `약 ${Math.max(1, Math.round(s))}초 남음`;
}

// jobView turns a job or progress event into what the bar shows.
export function jobView(j) {
  const phase = j.phase || j.state || j.status || '';
  const total = j.total ?? j.docs_total ?? j.documents_total ?? 0;
  const done = j.done ?? j.docs_done ?? j.documents_done ?? j.count ?? 0;
  const finished = FINAL.has(phase) || Boolean(j.finished_at) || j.done === true;
  const ok = finished && !j.error && !['failed', 'canceled', 'cancelled'].includes(phase);
  return { phase, label: PHASES[phase] || phase || '진행 중', total, done, rate: j.rate ?? j.docs_per_second ?? 0,
    eta: j.eta_seconds ?? j.eta ?? 0, error: j.error || '', finished, ok };
}

export function mountDictionary({ banner, onApplied }) {
  const syn = mountEditor($('syn-text'), $('syn-problems'), { onChange: () => validateSoon() });
  const ud = mountEditor($('ud-text'), $('ud-problems'), { onChange: () => validateSoon() });
  let vctrl = null;
  let jobCtrl = null;
  let jobId = '';

  const draft = () => ({ synonyms: syn.value, user_dictionary: ud.value });

  async function load() {
    const live = await admin('/dictionaries');
    syn.value = live.synonyms || '';
    ud.value = live.user_dictionary || '';
    $('dict-live').textContent = `사용 중: ${live.version ?? '?'}번 버전${live.author ? ` · ${live.author}` : ''}${live.created_at || live.time ? ` · ${when(live.created_at || live.time)}` : ''}${live.message ? ` · “${live.message}”` : ''}`;
    syn.setProblems([]);
    ud.setProblems([]);
    $('validity').textContent = '';
    await Promise.all([history(), audit()]);
  }

  async function validate() {
    if (vctrl) vctrl.abort();
    const mine = new AbortController();
    vctrl = mine;
    $('validity').textContent = '검사 중…';
    try {
      const r = await admin('/dictionaries/validate', { method: 'POST', body: draft(), signal: mine.signal });
      if (vctrl !== mine) return r;
      const ps = list(r.problems);
      const isSyn = (p) => !p.dictionary || p.dictionary.startsWith('syn');
      syn.setProblems(ps.filter(isSyn));
      ud.setProblems(ps.filter((p) => !isSyn(p)));
      const errors = ps.filter((p) => p.severity === 'error').length;
      const warnings = ps.length - errors;
      const v = $('validity');
      v.textContent = errors ? `오류 ${errors}개${warnings ? `, 경고 ${warnings}개` : ''}: 고친 뒤에 적용할 수 있습니다.`
        : warnings ? `경고 ${warnings}개 (적용할 수 있습니다)` : '문제 없음';
      v.className = `validity ${errors ? 'error' : 'ok'}`;
      $('apply-btn').disabled = errors > 0;
      return r;
    } catch (err) {
      if (err.name !== 'AbortError') $('validity').textContent = err.message;
      return null;
    }
  }
  const validateSoon = debounce(validate, 300);

  async function preview() {
    const btn = $('preview-btn');
    btn.disabled = true;
    $('preview').hidden = false;
    replace($('preview-body'), h('p', { role: 'status' }, h('progress', { 'aria-label': '미리보기 계산 중' }), ' 미리보기를 계산하는 중…'));
    try {
      const queries = $('preview-queries').value.split('\n').map((s) => s.trim()).filter(Boolean);
      const body = { ...draft() };
      if (queries.length) body.queries = queries;
      renderPreview(await admin('/dictionaries/preview', { method: 'POST', body }));
    } catch (err) {
      replace($('preview-body'), h('p', { class: 'error', role: 'alert', text: err.message }));
    } finally {
      btn.disabled = false;
    }
  }

  function renderDiff(el, d) {
    const groups = [['added', '추가', 'add'], ['removed', '삭제', 'del'], ['changed', '변경', 'chg']];
    const rows = groups.flatMap(([k, label, cls]) => list(d && d[k]).map((r) => h('li', { class: `diff-${cls}` },
      h('span', { class: 'diff-mark', text: label }),
      r && r.before !== undefined ? [h('del', { text: ruleText(r.before) }), ' → ', h('ins', { text: ruleText(r.after) })] : h('code', { text: ruleText(r) }))));
    replace(el, rows.length ? h('ul', { class: 'diff' }, rows) : h('p', { class: 'muted', text: '바뀐 규칙이 없습니다.' }));
  }

  function hitList(side, marks, sign) {
    const hits = list(side && (side.hits || side.top));
    return h('ol', { class: 'mini-hits' }, hits.map((x) => {
      const id = x.id || (x.document && x.document.id);
      const title = x.title || (x.document && x.document.title) || id;
      const flagged = marks.has(id) || x.change === sign || x.status === sign;
      return h('li', { class: flagged ? `flag-${sign}` : '' }, flagged ? h('span', { class: 'sr-only', text: sign === 'added' ? '새로 나타남: ' : '사라짐: ' }) : null, title);
    }));
  }

  function renderPreview(p) {
    const out = [];
    const diffEl = h('div');
    renderDiff(diffEl, p.diff || p);
    out.push(h('h3', { text: '규칙 변경' }), diffEl);
    const words = list(p.words || p.changed_words);
    if (words.length) {
      out.push(h('h3', { text: '바뀐 단어의 분석과 문서 수' }), h('ul', { class: 'plain' }, words.map((w) => h('li', {},
        h('strong', { text: w.word || w.text || '' }), ' → ', list(w.tokens).map((t) => (typeof t === 'string' ? t : t.token)).join(' · '),
        w.documents != null || w.docs != null ? ` (문서 ${formatNumber(w.documents ?? w.docs)}개)` : ''))));
    }
    const qs = list(p.queries);
    if (qs.length) {
      out.push(h('h3', { text: '검색어별 전후 비교' }), h('div', { class: 'table-wrap' }, h('table', { class: 'preview-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: '검색어' }), h('th', { scope: 'col', text: '지금' }), h('th', { scope: 'col', text: '적용 후' }))),
        h('tbody', {}, qs.map((q) => {
          const before = q.live || q.before || {};
          const after = q.draft || q.after || {};
          const appeared = new Set(list(q.appeared || q.added).map((x) => (typeof x === 'string' ? x : x.id)));
          const gone = new Set(list(q.disappeared || q.removed).map((x) => (typeof x === 'string' ? x : x.id)));
          return h('tr', { class: appeared.size || gone.size ? 'changed' : '' },
            h('th', { scope: 'row', text: q.query || q.q || '' }),
            h('td', {}, h('p', { class: 'count', text: `${formatNumber(before.total ?? 0)}건` }), hitList(before, gone, 'removed')),
            h('td', {}, h('p', { class: 'count', text: `${formatNumber(after.total ?? 0)}건` }), hitList(after, appeared, 'added')));
        })))));
    }
    replace($('preview-body'), out);
  }

  function showJob(j) {
    const v = jobView(j);
    $('job').hidden = false;
    const bar = $('job-progress');
    bar.max = Math.max(1, v.total);
    bar.value = v.finished && v.ok ? bar.max : Math.min(v.done, bar.max);
    const parts = [v.label];
    if (v.total) parts.push(`${formatNumber(v.done)} / ${formatNumber(v.total)}개 문서`);
    if (v.rate && !v.finished) parts.push(`초당 ${formatNumber(Math.round(v.rate))}개`);
    if (!v.finished) parts.push(formatETA(v.eta));
    if (v.error) parts.push(`오류: ${v.error}`);
    $('job-text').textContent = parts.filter(Boolean).join(' · ');
    $('job').dataset.phase = v.phase;
    $('job').dataset.finished = String(v.finished);
    $('job-cancel').hidden = v.finished;
    return v;
  }

  async function follow(id) {
    jobId = id;
    if (jobCtrl) jobCtrl.abort();
    const mine = new AbortController();
    jobCtrl = mine;
    let last = null;
    try {
      await events(`/jobs/${encodeURIComponent(id)}/events`, (_name, data) => {
        if (data && typeof data === 'object') last = showJob(data);
      }, mine.signal);
      // The stream ended: read the final state once.
      last = showJob(await admin(`/jobs/${encodeURIComponent(id)}`));
    } catch (err) {
      if (err.name === 'AbortError') return;
      banner(err.message);
    }
    if (last && last.finished) {
      $('apply-btn').disabled = false;
      if (last.ok) {
        await load();
        onApplied();
      }
    }
  }

  async function apply() {
    const v = await validate();
    if (!v || list(v.problems).some((p) => p.severity === 'error')) return;
    const message = $('apply-message').value.trim();
    if (!message) {
      banner('변경 이유를 적어 주세요. 사전 기록과 감사 기록에 남습니다.');
      $('apply-message').focus();
      return;
    }
    $('apply-btn').disabled = true;
    try {
      const r = await admin('/dictionaries/apply', { method: 'POST', body: { ...draft(), message } });
      const job = r.job || r;
      showJob({ phase: 'queued', ...job });
      follow(job.id);
    } catch (err) {
      $('apply-btn').disabled = false;
      banner(err.message);
    }
  }

  async function history() {
    try {
      const r = await admin('/dictionaries/history');
      const versions = list(r.versions || r.history || r);
      replace($('history'), versions.length === 0 ? h('p', { class: 'muted', text: '기록이 없습니다.' }) : h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['버전', '작성자', '시각', '메시지', '규칙 수', '', ''].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, versions.map((v, i) => {
          const prev = versions[i + 1];
          const rules = v.rules || v.rule_counts || {};
          const count = typeof rules === 'object' ? Object.values(rules).reduce((a, b) => a + (Number(b) || 0), 0) : rules;
          return h('tr', { 'data-version': String(v.version) },
            h('td', {}, `${v.version}`, v.live ? h('span', { class: 'badge', text: '사용 중' }) : null),
            h('td', { text: v.author || '' }), h('td', { text: when(v.created_at || v.time) }), h('td', { text: v.message || '' }),
            h('td', { text: formatNumber(count || 0) }),
            h('td', {}, prev ? h('button', { type: 'button', class: 'small', onclick: () => diff(prev.version, v.version) }, '변경 내용') : null),
            h('td', {}, v.live ? null : h('button', { type: 'button', class: 'small rollback',
              onclick: () => rollback(v.version) }, '이 버전으로 되돌리기')));
        })))));
    } catch (err) {
      replace($('history'), h('p', { class: 'error', text: err.message }));
    }
  }

  async function diff(from, to) {
    try {
      const d = await admin(`/dictionaries/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      const el = h('div');
      renderDiff(el, d.diff || d);
      replace($('diff'), h('h3', { text: `${from}번 → ${to}번 버전의 변경` }), el);
    } catch (err) {
      replace($('diff'), h('p', { class: 'error', text: err.message }));
    }
  }

  async function rollback(version) {
    if (!window.confirm(`${version}번 버전으로 되돌릴까요?`)) return;
    try {
      const r = await admin('/dictionaries/rollback', { method: 'POST', body: { version: Number(version) } });
      const job = r && (r.job || (r.id && r.phase !== undefined ? r : null));
      if (job && job.id) {
        showJob({ phase: 'queued', ...job });
        await follow(job.id);
      } else {
        await load();
        onApplied();
      }
    } catch (err) {
      banner(err.message);
    }
  }

  async function audit() {
    try {
      const r = await admin('/audit');
      const entries = list(r.entries || r.audit || r);
      replace($('audit'), entries.length === 0 ? h('p', { class: 'muted', text: '기록이 없습니다.' }) : h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['시각', '누가', '무엇을', '대상', '결과', '내용'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, entries.map((e) => h('tr', {},
          h('td', { text: when(e.time) }), h('td', { text: e.actor || '' }), h('td', {}, h('code', { text: e.action || '' })),
          h('td', { text: e.target || '' }), h('td', { class: `outcome ${e.outcome}`, text: { ok: '성공', failed: '실패', rejected: '거부' }[e.outcome] || e.outcome || '' }),
          h('td', { text: e.message || '' })))))));
    } catch (err) {
      replace($('audit'), h('p', { class: 'error', text: err.message }));
    }
  }

  $('preview-btn').addEventListener('click', preview);
  $('apply-btn').addEventListener('click', apply);
  $('job-cancel').addEventListener('click', async () => {
    if (!jobId) return;
    try {
      showJob(await admin(`/jobs/${encodeURIComponent(jobId)}/cancel`, { method: 'POST' }));
    } catch (err) {
      banner(err.message);
    }
  });

  return { load };
}
