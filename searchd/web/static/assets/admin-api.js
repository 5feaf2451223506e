// The admin session: the token lives in sessionStorage only (this tab),
// never in a URL or a log; the name goes out as X-Admin-User.
import { request, ApiError } from './api.js';

const KEY = 'searchd.admin';

export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return s && s.token ? s : null;
  } catch {
    return null;
  }
}

export function signIn(token, name) {
  sessionStorage.setItem(KEY, JSON.stringify({ token, name }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

function authHeaders() {
  const s = session();
  if (!s) throw new ApiError(401, 'unauthorized', '로그인이 필요합니다.');
  return { Authorization: `Bearer ${s.token}`, 'X-Admin-User': encodeURIComponent(s.name) };
}

// admin calls an admin route (path below /api/v1/admin).
export function admin(path, opts = {}) {
  return request(`/api/v1/admin${path}`, { ...opts, headers: { ...authHeaders(), ...(opts.headers || {}) } });
}

// events reads a Server-Sent Events stream (fetch, since EventSource cannot
// send the token) and calls onEvent(name, data) for each event until the
// stream ends or signal aborts.
export async function events(path, onEvent, signal) {
  const res = await fetch(`/api/v1/admin${path}`, { headers: { ...authHeaders(), Accept: 'text/event-stream' }, signal, cache: 'no-store' });
  if (!res.ok || !res.body) {
    const body = await res.json().catch(() => null);
    throw new ApiError(res.status, (body && body.error && body.error.code) || 'internal',
      (body && body.error && body.error.message) || `작업 진행 상황을 받을 수 없습니다 (HTTP ${res.status})`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let cut;
    while ((cut = buf.search(/\r?\n\r?\n/)) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut).replace(/^\r?\n\r?\n/, '');
      let name = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (!data.length) continue;
      let parsed = data.join('\n');
      try { parsed = JSON.parse(parsed); } catch { /* plain text event */ }
      onEvent(name, parsed);
    }
  }
}
