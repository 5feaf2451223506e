// The dictionary workflow: edit with inline validation, preview, apply
// with a live progress bar, history with rule-level diffs and rollback,
// and the audit trail. Built on the admin dictionaries API (docs/api.md).
import { h, replace, debounce, formatNumber, table } from './dom.js';
import { admin, events } from './admin-api.js';
import { mountEditor } from './editor.js';

const $ = (id) => document.getElementById(id);
const when = (iso) => (iso ? new Date(iso).toLocaleString('ko-KR') : '');
const list = (x) => (Array.isArray(x) ? x : []);

// ruleText shows a rule as its text. A diff entry wraps its rule in
// from/to ({to: {line, rule, words}, added_words}); docs/api.md names the
// text "text", the server sends "rule": both are read.
const ruleText = (r) => {
  if (typeof r === 'string') return r;
  if (!r) return '';
  if (r.rule !== undefined || r.text !== undefined) return r.rule || r.text || '';
  if (r.to || r.from) return ruleText(r.to || r.from);
  return list(r.words || r.members).join(', ');
};

const PHASES = {
  queued: '대기 중', creating: '새 색인 만드는 중', following: '새 쓰기 따라가는 중', copying: '문서 복사 중',
  catching_up: '밀린 쓰기 따라잡는 중', merging: '세그먼트 병합 중', verifying: '검증 중', swapping: '별칭 전환 중',
  cleaning_up: '정리 중', done: '완료',
};
const STATES = { succeeded: '완료', failed: '실패', canceled: '취소됨' };

export function formatETA(s) {
  if (!(s > 0)) return '';
  const m = Math.floor(s / 60);
  return m ? `약 ${m}분 ${Math.round(s % 60)}초 남음` : `약 ${Math.max(1, Math.round(s))}초 남음`;
}

// jobView turns a job (GET /jobs/:id, or an SSE progress event) into what
// the bar shows. state: running, succeeded, failed, canceled.
export function jobView(j) {
  const finished = j.state in STATES || Boolean(j.finished_at);
  const ok = j.state === 'succeeded';
  const label = finished ? STATES[j.state] || '끝남' : PHASES[j.phase] || j.phase || '진행 중';
  return { phase: j.phase || '', label, total: j.total || 0, done: j.done || 0, rate: j.rate || 0,
    eta: j.eta_seconds || 0, error: j.error || '', finished, ok };
}

export function mountDictionary({ banner, onApplied }) {
  const syn = mountEditor($('syn-text'), $('syn-problems'), { onChange: () => validateSoon() });
  const ud = mountEditor($('ud-text'), $('ud-problems'), { onChange: () => validateSoon() });
  let vctrl = null;
  let jobCtrl = null;
  let jobId = '';

  const draft = () => ({ synonyms: syn.value, user_dictionary: ud.value });

  // loaded is the live text last put in the editors: a reload (coming back
  // to the tab) never overwrites a draft the admin has changed since.
  let loaded = null;

  async function load({ force = false } = {}) {
    const live = await admin('/dictionaries');
    const untouched = !loaded || (syn.value === loaded.synonyms && ud.value === loaded.user_dictionary);
    if (force || untouched) {
      syn.value = live.synonyms || '';
      ud.value = live.user_dictionary || '';
      loaded = { synonyms: syn.value, user_dictionary: ud.value };
    }
    const c = live.counts || {};
    $('dict-live').textContent = `사용 중: ${live.version ?? '?'}번 버전 · 동의어 ${formatNumber(c.synonym_rules || 0)}개, 사용자 사전 ${formatNumber(c.user_dictionary_rules || 0)}개${live.author ? ` · ${live.author}` : ''}${live.time ? ` · ${when(live.time)}` : ''}${live.message ? ` · “${live.message}”` : ''}`;
    if (force || untouched) {
      syn.setProblems([]);
      ud.setProblems([]);
      $('validity').textContent = '';
    }
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

  // renderDiff shows a rule-level diff: per dictionary, rules added,
  // removed and changed ({from, to} rules).
  function renderDiff(el, d) {
    const rows = [];
    for (const [dict, title] of [['synonyms', '동의어'], ['user_dictionary', '사용자 사전']]) {
      const part = (d && d[dict]) || {};
      const items = [
        ...list(part.added).map((r) => h('li', { class: 'diff-add' }, h('span', { class: 'diff-mark', text: '추가' }), h('code', { text: ruleText(r) }))),
        ...list(part.removed).map((r) => h('li', { class: 'diff-del' }, h('span', { class: 'diff-mark', text: '삭제' }), h('code', { text: ruleText(r) }))),
        ...list(part.changed).map((c) => h('li', { class: 'diff-chg' }, h('span', { class: 'diff-mark', text: '변경' }),
          h('del', { text: ruleText(c.from) }), ' → ', h('ins', { text: ruleText(c.to) }))),
      ];
      if (items.length) rows.push(h('li', { class: 'diff-group' }, h('strong', { text: title }), h('ul', { class: 'diff' }, items)));
    }
    replace(el, rows.length ? h('ul', { class: 'diff plain' }, rows) : h('p', { class: 'muted', text: '바뀐 규칙이 없습니다.' }));
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
    renderDiff(diffEl, p.diff);
    out.push(h('h3', { text: '규칙 변경' }), diffEl);
    const toks = (ts) => list(ts).map((t) => (typeof t === 'string' ? t : t.token)).join(' · ') || '(없음)';
    const words = list(p.words);
    if (words.length) {
      out.push(h('h3', { text: '바뀐 단어의 색인 분석 (지금 → 적용 후)' }), h('ul', { class: 'plain' }, words.map((w) => h('li', {},
        h('strong', { text: w.word || '' }), `: ${toks(w.live)} → ${toks(w.draft)}`))));
    }
    if (p.affected_documents != null) out.push(h('p', { text: `바뀐 단어가 들어 있는 문서: ${formatNumber(p.affected_documents)}개` }));
    const qs = list(p.queries);
    if (qs.length) {
      out.push(h('h3', { text: '검색어별 전후 비교' }), h('div', { class: 'table-wrap' }, h('table', { class: 'preview-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: '검색어' }), h('th', { scope: 'col', text: '지금' }), h('th', { scope: 'col', text: '적용 후' }))),
        h('tbody', {}, qs.map((q) => {
          const before = q.live || q.before || {};
          const after = q.draft || q.after || {};
          const ch = q.changes || {};
          const appeared = new Set(list(ch.appear).map((x) => (typeof x === 'string' ? x : x.id)));
          const gone = new Set(list(ch.disappear).map((x) => (typeof x === 'string' ? x : x.id)));
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
        await load({ force: true });
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
      showJob({ phase: 'queued', state: 'running', ...job });
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
      replace($('history'), table(['버전', '작성자', '시각', '메시지', '규칙 수', '비교', '되돌리기'], versions.map((v, i) => {
        const prev = versions[i + 1];
        const count = Object.values(v.counts || {}).reduce((x, y) => x + (Number(y) || 0), 0);
        return h('tr', { 'data-version': String(v.version) },
          h('td', {}, `${v.version}`, v.live ? h('span', { class: 'badge', text: '사용 중' }) : null),
          h('td', { text: v.author || '' }), h('td', { text: when(v.time) }), h('td', { text: v.message || '' }),
          h('td', { text: formatNumber(count) }),
          h('td', {}, prev ? h('button', { type: 'button', class: 'small', onclick: () => diff(prev.version, v.version) }, '변경 내용') : null),
          h('td', {}, v.live ? null : h('button', { type: 'button', class: 'small rollback', onclick: () => rollback(v.version) }, '이 버전으로 되돌리기')));
      }), '기록이 없습니다.'));
    } catch (err) {
      replace($('history'), h('p', { class: 'error', text: err.message }));
    }
  }

  async function diff(from, to) {
    try {
      const d = await admin(`/dictionaries/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      const el = h('div');
      renderDiff(el, d);
      replace($('diff'), h('h3', { text: `${from}번 → ${to}번 버전의 변경` }), el);
    } catch (err) {
      replace($('diff'), h('p', { class: 'error', text: err.message }));
    }
  }

  async function rollback(version) {
    if (!window.confirm(`${version}번 버전으로 되돌릴까요?`)) return;
    try {
      const r = await admin('/dictionaries/rollback', { method: 'POST', body: { version: Number(version), message: `${version}번 버전으로 되돌리기` } });
      const job = r && r.job;
      if (job && job.id) {
        showJob({ phase: 'queued', state: 'running', ...job });
        await follow(job.id);
      } else {
        await load({ force: true });
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
      const outcome = { ok: '성공', failed: '실패', rejected: '거부' };
      replace($('audit'), table(['시각', '누가', '무엇을', '대상', '결과', '내용'], entries.map((e) => h('tr', {},
        h('td', { text: when(e.time) }), h('td', { text: e.actor || '' }), h('td', {}, h('code', { text: e.action || '' })),
        h('td', { text: e.target || '' }), h('td', { class: `outcome ${e.outcome}`, text: outcome[e.outcome] || e.outcome || '' }),
        h('td', { text: e.message || '' }))), '기록이 없습니다.'));
    } catch (err) {
      replace($('audit'), h('p', { class: 'error', text: err.message }));
    }
  }

  $('preview-btn').addEventListener('click', preview);
  $('apply-btn').addEventListener('click', apply);
  $('job-cancel').addEventListener('click', async () => {
    if (!jobId) return;
    try {
      const r = await admin(`/jobs/${encodeURIComponent(jobId)}/cancel`, { method: 'POST' });
      showJob(r.job || r);
    } catch (err) {
      banner(err.message);
    }
  });

  return { load: () => load() };
}
