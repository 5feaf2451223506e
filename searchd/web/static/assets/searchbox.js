// The search box: a WAI-ARIA combobox (input + listbox) over autocomplete.
//
// Korean IME: while a syllable is being composed the input's value holds
// the composing text (삼ㅅ). The box never writes input.value during a
// composition (that is what duplicates syllables: 코 → 코코), never submits
// or moves the selection on keys the IME owns (isComposing, keyCode 229),
// and asks for suggestions only after typing pauses (debounced, one request
// for many composition steps), so the list still follows mid-syllable
// input. A newer request aborts the older one (AbortController).
import { h, replace } from './dom.js';

export function mountSearchBox({ input, list, form, suggest, onSubmit, delay = 150 }) {
  let composing = false;
  let timer = 0;
  let ctrl = null;
  let asked = null; // the text the shown suggestions are for
  let items = [];
  let active = -1;

  const open = () => items.length > 0 && document.activeElement === input;

  function render() {
    replace(list, items.map((s, i) => h('li', {
      id: `suggestion-${i}`,
      role: 'option',
      class: i === active ? 'active' : '',
      'aria-selected': i === active ? 'true' : 'false',
      onpointerdown: (e) => e.preventDefault(), // keep focus in the input
      onclick: () => choose(i),
    }, s.text)));
    const shown = open();
    list.hidden = !shown;
    input.setAttribute('aria-expanded', String(shown));
    if (shown && active >= 0) input.setAttribute('aria-activedescendant', `suggestion-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  function close() {
    active = -1;
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  async function ask() {
    const text = input.value;
    if (text === asked) return;
    asked = text;
    if (ctrl) ctrl.abort();
    ctrl = null;
    if (!text.trim()) {
      items = [];
      render();
      return;
    }
    const mine = new AbortController();
    ctrl = mine;
    try {
      const got = await suggest(text, mine.signal);
      if (ctrl !== mine) return; // a newer request owns the list
      items = got;
      active = -1;
      render();
    } catch (err) {
      if (err.name !== 'AbortError' && ctrl === mine) {
        items = [];
        render();
      }
    }
  }

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(ask, delay);
  };

  function choose(i) {
    const s = items[i];
    if (!s) return;
    input.value = s.text;
    asked = s.text;
    close();
    onSubmit(s.text);
  }

  function move(step) {
    if (!items.length) return;
    const n = items.length;
    if (list.hidden) active = step > 0 ? 0 : n - 1;
    else if (step > 0) active = (active + 1) % n;
    else active = active <= 0 ? n - 1 : active - 1;
    render();
    const el = list.children[active];
    if (el) el.scrollIntoView({ block: 'nearest' });
  }

  input.addEventListener('compositionstart', () => { composing = true; });
  input.addEventListener('compositionend', () => {
    composing = false;
    schedule();
  });
  // Every input event, composing or not, (re)starts the pause timer.
  input.addEventListener('input', schedule);
  input.addEventListener('keydown', (e) => {
    if (e.isComposing || composing || e.keyCode === 229) return; // the IME's key
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        move(1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        move(-1);
        break;
      case 'Enter':
        if (!list.hidden && active >= 0) {
          e.preventDefault();
          choose(active);
        }
        break;
      case 'Escape':
        if (!list.hidden) {
          e.preventDefault();
          close();
        }
        break;
      default:
    }
  });
  input.addEventListener('focus', () => { if (items.length) render(); });
  input.addEventListener('blur', close);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (composing) return;
    clearTimeout(timer);
    if (ctrl) ctrl.abort();
    close();
    onSubmit(input.value);
  });

  return {
    // setValue shows a query (from the URL); never during a composition.
    setValue(v) {
      if (composing || input.value === v) return;
      input.value = v;
      asked = v;
      items = [];
      close();
    },
  };
}
