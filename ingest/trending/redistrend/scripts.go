package redistrend

import "github.com/redis/go-redis/v9"

// The scripts build key names from the prefix (the store's keys are not
// declared in KEYS), so the store needs a single Redis node, not a cluster.

// rescaleLua moves the landmark L to newL: both sets and both totals are
// multiplied by exp(−λ·(newL−L)). Shared by the add and maintain scripts.
const rescaleLua = `
local function rescale(p, ls, ll, L, newL)
  local fs = math.exp(-ls * (newL - L))
  local fl = math.exp(-ll * (newL - L))
  if redis.call('EXISTS', p .. 's') == 1 then
    redis.call('ZUNIONSTORE', p .. 's', 1, p .. 's', 'WEIGHTS', fs)
  end
  if redis.call('EXISTS', p .. 'l') == 1 then
    redis.call('ZUNIONSTORE', p .. 'l', 1, p .. 'l', 'WEIGHTS', fl)
  end
  local ts = tonumber(redis.call('HGET', p .. 'meta', 'ts') or '0')
  local tl = tonumber(redis.call('HGET', p .. 'meta', 'tl') or '0')
  redis.call('HSET', p .. 'meta', 'L', string.format('%.17g', newL),
    'ts', string.format('%.17g', ts * fs), 'tl', string.format('%.17g', tl * fl))
  return newL
end
`

// addScript counts a batch. ARGV: prefix, λs, λl, dedup window s, dedup
// TTL s, users window s, users TTL s, max surfaces, hard rescale exponent,
// then (key, user, surface, t) per hit. Returns the number accepted.
//
// Per hit: one SET NX EX for dedup (plus GET/SET when the pair was seen
// before, to compare event times — the clock is injectable, so dedup keys
// hold the accepted time and Redis expiry only cleans up). Per distinct
// key in the batch: ZINCRBY on each set, PFADD per users bucket with its
// EXPIRE, HINCRBY per surface form.
var addScript = redis.NewScript(rescaleLua + `
local p = ARGV[1]
local ls, ll = tonumber(ARGV[2]), tonumber(ARGV[3])
local win, ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
local uwin, uttl = tonumber(ARGV[6]), tonumber(ARGV[7])
local maxs, hard = tonumber(ARGV[8]), tonumber(ARGV[9])
local meta = p .. 'meta'
local L = tonumber(redis.call('HGET', meta, 'L') or '')
if not L and #ARGV >= 13 then
  L = tonumber(ARGV[13])
  redis.call('HSET', meta, 'L', string.format('%.17g', L))
end
local acc, order = {}, {}
local sumS, sumL, n = 0, 0, 0
for i = 10, #ARGV, 4 do
  local k, u, s, t = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  if ls * (t - L) > hard then L = rescale(p, ls, ll, L, t) end
  local dk = p .. 'd:' .. u .. ':' .. k
  local ts = string.format('%.3f', t)
  local ok = redis.call('SET', dk, ts, 'NX', 'EX', ttl)
  if not ok then
    local last = tonumber(redis.call('GET', dk) or '')
    if (not last) or t - last >= win then
      redis.call('SET', dk, ts, 'EX', ttl)
      ok = true
    end
  end
  if ok then
    n = n + 1
    local a = acc[k]
    if not a then
      a = {ws = 0, wl = 0, users = {}, border = {}, surf = {}, sorder = {}}
      acc[k] = a
      order[#order + 1] = k
    end
    local ws, wl = math.exp(ls * (t - L)), math.exp(ll * (t - L))
    a.ws, a.wl = a.ws + ws, a.wl + wl
    sumS, sumL = sumS + ws, sumL + wl
    local b = math.floor(t / uwin)
    local ub = a.users[b]
    if not ub then ub = {}; a.users[b] = ub; a.border[#a.border + 1] = b end
    ub[#ub + 1] = u
    if not a.surf[s] then a.surf[s] = 0; a.sorder[#a.sorder + 1] = s end
    a.surf[s] = a.surf[s] + 1
  end
end
for _, k in ipairs(order) do
  local a = acc[k]
  redis.call('ZINCRBY', p .. 's', string.format('%.17g', a.ws), k)
  redis.call('ZINCRBY', p .. 'l', string.format('%.17g', a.wl), k)
  for _, b in ipairs(a.border) do
    local hk = p .. 'u:' .. b .. ':' .. k
    redis.call('PFADD', hk, unpack(a.users[b]))
    redis.call('EXPIRE', hk, uttl)
  end
  local fk = p .. 'f:' .. k
  for _, s in ipairs(a.sorder) do
    local c = a.surf[s]
    if redis.call('HINCRBY', fk, s, c) == c and redis.call('HLEN', fk) > maxs then
      redis.call('HDEL', fk, s)
    end
  end
end
if n > 0 then
  redis.call('HINCRBYFLOAT', meta, 'ts', string.format('%.17g', sumS))
  redis.call('HINCRBYFLOAT', meta, 'tl', string.format('%.17g', sumL))
end
return n
`)

// poolScript returns L, T_s, T_l (as strings; L empty when nothing was
// counted yet) and, per member of the recent set, key, stored short score
// and stored long score (” when trimmed from the baseline set). One call,
// so a concurrent rescale cannot mix landmarks. ARGV: prefix.
var poolScript = redis.NewScript(`
local p = ARGV[1]
local m = redis.call('HMGET', p .. 'meta', 'L', 'ts', 'tl')
local out = {m[1] or '', m[2] or '0', m[3] or '0'}
local mem = redis.call('ZRANGE', p .. 's', 0, -1, 'WITHSCORES')
for i = 1, #mem, 2 do
  out[#out + 1] = mem[i]
  out[#out + 1] = mem[i + 1]
  out[#out + 1] = redis.call('ZSCORE', p .. 'l', mem[i]) or ''
end
return out
`)

// maintainScript rescales when λs·(now−L) > the threshold and trims: the
// recent set to keepS, the baseline set to keepL, deleting the display
// forms of members gone from both. It removes at most maxRemove baseline
// members per call (so it never blocks long) and returns how many members
// are still over the bound. ARGV: prefix, λs, λl, now, threshold, keepS,
// keepL, maxRemove.
var maintainScript = redis.NewScript(rescaleLua + `
local p = ARGV[1]
local ls, ll, now, thr = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local keepS, keepL, maxr = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local L = tonumber(redis.call('HGET', p .. 'meta', 'L') or '')
if L and ls * (now - L) > thr then rescale(p, ls, ll, L, now) end
local over = 0
local function cut(set, other, keep)
  local n = redis.call('ZCARD', p .. set)
  if n <= keep then return end
  local c = math.min(n - keep, maxr)
  local gone = redis.call('ZRANGE', p .. set, 0, c - 1)
  redis.call('ZREMRANGEBYRANK', p .. set, 0, c - 1)
  for _, k in ipairs(gone) do
    if not redis.call('ZSCORE', p .. other, k) then redis.call('DEL', p .. 'f:' .. k) end
  end
  over = over + n - keep - c
end
cut('s', 'l', keepS)
cut('l', 's', keepL)
return over
`)

// acquireScript takes or renews the leader lock. ARGV: key, owner, ttl ms.
var acquireScript = redis.NewScript(`
local cur = redis.call('GET', ARGV[1])
if cur == ARGV[2] then
  redis.call('PEXPIRE', ARGV[1], ARGV[3])
  return 1
end
if not cur then
  redis.call('SET', ARGV[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
`)

// releaseScript deletes the lock if owner holds it. ARGV: key, owner.
var releaseScript = redis.NewScript(`
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`)
