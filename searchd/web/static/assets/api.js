// Calls to searchd's API. Errors come back as ApiError with a message in
// words (Korean); the raw JSON never reaches the page.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const BY_CODE = {
  invalid_argument: '요청이 올바르지 않습니다',
  unauthorized: '관리자 토큰이 맞지 않습니다. 다시 로그인해 주세요.',
  not_found: '찾는 항목이 없습니다',
  conflict: '다른 작업과 충돌합니다',
  too_large: '요청이 너무 큽니다',
  too_many_requests: '요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.',
  unavailable: '서비스를 지금 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.',
  engine_unavailable: '검색 엔진에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.',
  engine_timeout: '검색 엔진이 제때 응답하지 않았습니다. 잠시 후 다시 시도해 주세요.',
  internal: '서버에서 오류가 났습니다. 잠시 후 다시 시도해 주세요.',
};

// describe turns an error body into words: the server's message (already
// meant for people) after a Korean lead for the code.
function describe(status, body) {
  const e = body && typeof body === 'object' ? body.error : null;
  const code = (e && typeof e.code === 'string' && e.code) || (status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'invalid_argument');
  const lead = BY_CODE[code] || `요청을 처리하지 못했습니다 (HTTP ${status})`;
  const detail = e && typeof e.message === 'string' && code !== 'internal' ? e.message : '';
  return new ApiError(status, code, detail && !lead.endsWith('.') ? `${lead}: ${detail}` : lead);
}

// request sends one API call and returns the decoded JSON body.
export async function request(url, { method = 'GET', body, headers = {}, signal } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, signal, cache: 'no-cache' };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', '서버에 연결할 수 없습니다. 네트워크를 확인해 주세요.');
  }
  const json = (res.headers.get('Content-Type') || '').includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) throw describe(res.status, json);
  return json;
}

// randomId is 16 random bytes in hex (crypto.randomUUID needs a secure
// context; getRandomValues works on plain http too).
const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

// sessionId is this browser's search session (X-Session-ID), kept in
// localStorage; a fresh one when storage is unavailable.
export function sessionId() {
  const key = 'searchd.session';
  try {
    let id = localStorage.getItem(key);
    if (!id) {
      id = randomId();
      localStorage.setItem(key, id);
    }
    return id;
  } catch {
    return randomId();
  }
}
