// A dictionary editor: a textarea with line numbers, and the validation
// problems marked at their line (gutter marker, line band, list below).
import { h, replace } from './dom.js';

const SEVERITY = { error: '오류', warning: '경고' };

export function mountEditor(textarea, problemsList, { onChange, onJump } = {}) {
  const box = textarea.closest('.editor');
  const gutter = box.querySelector('.gutter');
  const backdrop = box.querySelector('.backdrop');
  let problems = [];

  const lineCount = () => textarea.value.split('\n').length;

  function render() {
    const byLine = new Map();
    for (const p of problems) {
      const prev = byLine.get(p.line);
      if (!prev || p.severity === 'error') byLine.set(p.line, p);
    }
    const n = lineCount();
    replace(gutter, Array.from({ length: n }, (_, i) => {
      const p = byLine.get(i + 1);
      return h('li', { class: p ? `ln ${p.severity}` : 'ln', title: p ? p.message : null, 'data-line': String(i + 1) }, String(i + 1));
    }));
    replace(backdrop, [...byLine.values()].filter((p) => p.line >= 1 && p.line <= n).map((p) =>
      h('div', { class: `band ${p.severity}`, style: null, 'data-line': String(p.line) })));
    // Bands are positioned by line with a CSS variable (no inline style attribute).
    for (const band of backdrop.children) band.style.setProperty('--line', String(Number(band.dataset.line) - 1));
    sync();
    textarea.setAttribute('aria-invalid', String(problems.some((p) => p.severity === 'error')));
    replace(problemsList, problems.map((p) => h('li', { class: `problem ${p.severity}`, 'data-line': String(p.line) },
      h('button', { type: 'button', class: 'linkish', onclick: () => jump(p.line, p.column) },
        `${p.line}번째 줄${p.column ? `, ${p.column}번째 칸` : ''}`),
      h('span', { class: `sev ${p.severity}`, text: SEVERITY[p.severity] || p.severity }),
      h('span', { class: 'msg', text: p.message }),
      p.code ? h('code', { text: p.code }) : null)));
  }

  function sync() {
    gutter.style.transform = `translateY(${-textarea.scrollTop}px)`;
    backdrop.style.transform = `translateY(${-textarea.scrollTop}px)`;
  }
  // The textarea scrolls the caret into view after the input event: follow
  // it on the next frame too.
  const syncSoon = () => requestAnimationFrame(sync);

  function jump(line, column = 1) {
    const lines = textarea.value.split('\n');
    let pos = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    pos += Math.max(0, Math.min((column || 1) - 1, (lines[line - 1] || '').length));
    textarea.focus();
    textarea.setSelectionRange(pos, pos);
    if (onJump) onJump(line);
  }

  textarea.addEventListener('scroll', sync);
  textarea.addEventListener('keyup', syncSoon);
  textarea.addEventListener('input', () => {
    syncSoon();
    if (gutter.children.length !== lineCount()) render();
    if (onChange) onChange(textarea.value);
  });

  return {
    get value() { return textarea.value; },
    set value(v) {
      textarea.value = v;
      render();
    },
    setProblems(ps) {
      problems = [...ps].sort((a, b) => a.line - b.line || (a.column || 0) - (b.column || 0));
      render();
    },
  };
}
