// The admin console: sign-in, then one panel per hash (#dict, #trending,
// #analytics, #index). Each panel module loads its data when shown.
import { admin, session, signIn, signOut } from './admin-api.js';
import { h, replace } from './dom.js';
import { mountDictionary } from './dict.js';
import { mountModeration } from './moderation.js';
import { mountAnalytics, loadIndex } from './analytics.js';

const $ = (id) => document.getElementById(id);
const PANELS = ['dict', 'trending', 'analytics', 'index'];

function banner(message) {
  const b = $('banner');
  if (!message) {
    b.hidden = true;
    return;
  }
  replace(b, h('span', { text: message }), h('button', { type: 'button', class: 'small', onclick: () => banner('') }, '닫기'));
  b.hidden = false;
}

const dict = mountDictionary({ banner, onApplied: () => loadIndex() });
const moderation = mountModeration({ banner });
const analytics = mountAnalytics();
const loaders = { dict: dict.load, trending: moderation.load, analytics: analytics.load, index: loadIndex };

let shown = '';

function show() {
  const s = session();
  $('signin').hidden = Boolean(s);
  $('tabs').hidden = !s;
  $('whoami').hidden = !s;
  if (!s) {
    for (const p of PANELS) $(p).hidden = true;
    $('token').focus();
    return;
  }
  replace($('whoami'), h('span', { text: `${s.name} 님` }), ' ',
    h('button', { type: 'button', class: 'small', onclick: () => { signOut(); show(); } }, '로그아웃'));
  banner('');
  const want = location.hash.slice(1);
  const cur = PANELS.includes(want) ? want : 'dict';
  for (const p of PANELS) $(p).hidden = p !== cur;
  for (const a of $('tabs').querySelectorAll('a')) {
    if (a.hash === `#${cur}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  shown = cur;
  // An answer that arrives after the admin moved on is not shown.
  loaders[cur]().catch((err) => { if (shown === cur) banner(err.message); });
}

$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = $('token').value.trim();
  const name = $('admin-name').value.trim();
  const err = $('signin-error');
  err.textContent = '';
  signIn(token, name);
  try {
    await admin('/stats'); // checks the token
    $('token').value = '';
    show();
  } catch (ex) {
    signOut();
    err.textContent = ex.status === 401 || ex.code === 'unauthorized' ? '토큰이 맞지 않습니다.' : ex.message;
  }
});

window.addEventListener('hashchange', show);
show();
