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
// then (key, user, surface, t, dedup key) per hit. Returns the number
// accepted.
//
// Per hit: one SET NX EX for dedup (plus GET/SET when the pair was seen
// before, to compare event times — the clock is injectable, so dedup keys
// hold the accepted time and Redis expiry only cleans up). Per distinct
// key in the batch: ZINCRBY on each set, PFADD per users bucket with its
// EXPIRE (only when PFADD changed the HLL: creating it always does),
// HINCRBY per surface form.
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
local ws, wl, order = {}, {}, {}
local users, uorder, surf, sorder = {}, {}, {}, {}
local sumS, sumL, n = 0, 0, 0
for i = 10, #ARGV, 5 do
  local k, u, s, ts, dk = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local t = tonumber(ts)
  if ls * (t - L) > hard then L = rescale(p, ls, ll, L, t) end
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
    local a, b = math.exp(ls * (t - L)), math.exp(ll * (t - L))
    sumS, sumL = sumS + a, sumL + b
    if ws[k] then
      ws[k], wl[k] = ws[k] + a, wl[k] + b
    else
      ws[k], wl[k] = a, b
      order[#order + 1] = k
    end
    local hk = p .. 'u:' .. math.floor(t / uwin) .. ':' .. k
    local ul = users[hk]
    if ul then ul[#ul + 1] = u else users[hk] = {u}; uorder[#uorder + 1] = hk end
    local sk = s .. '\0' .. k
    if surf[sk] then surf[sk] = surf[sk] + 1 else surf[sk] = 1; sorder[#sorder + 1] = {k, s} end
  end
end
for _, k in ipairs(order) do
  redis.call('ZINCRBY', p .. 's', ws[k], k)
  redis.call('ZINCRBY', p .. 'l', wl[k], k)
end
for _, hk in ipairs(uorder) do
  if redis.call('PFADD', hk, unpack(users[hk])) == 1 then
    redis.call('EXPIRE', hk, uttl)
  end
end
for _, ks in ipairs(sorder) do
  local fk, c = p .. 'f:' .. ks[1], surf[ks[2] .. '\0' .. ks[1]]
  if redis.call('HINCRBY', fk, ks[2], c) == c and redis.call('HLEN', fk) > maxs then
    redis.call('HDEL', fk, ks[2])
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
