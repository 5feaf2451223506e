package redistrend

import "github.com/redis/go-redis/v9"

// The scripts build key names from the prefix (the store's keys are not
// declared in KEYS), so the store needs a single Redis node, not a cluster.

// zmscoreLua defines zmscore(key, members): ZMSCORE of every member, in
// calls of at most 1,000 (Lua's unpack takes a few thousand values).
const zmscoreLua = `
local function zmscore(key, members)
  local out = {}
  for c = 1, #members, 1000 do
    local sc = redis.call('ZMSCORE', key, unpack(members, c, math.min(c + 999, #members)))
    for j = 1, #sc do out[c + j - 1] = sc[j] end
  end
  return out
end
`

// rescaleLua moves the landmark L to newL: both sets and both totals are
// multiplied by exp(−λ·(newL−L)). Shared by the add and maintain scripts.
const rescaleLua = zmscoreLua + `
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

// dedupScript decides a batch of hits whose (user, key) pairs are
// distinct. ARGV: prefix, dedup window W in seconds, bucket hash TTL in
// seconds, then per dedup bucket b: b, n, n fields (user NUL key), their n
// times. Returns one '1' (counted) or '0' per hit, in argument order.
//
// Dedup state is one hash per W-long bucket of time (P+"d:<bucket>"),
// field → counted time. A pair counted within W before t is in t's bucket
// or the one before, so two HMGETs per bucket find it: an exact sliding
// window, with per-hit work inside HMGET/HSET rather than a command (and
// an expiry) per hit. Times are compared, not left to Redis expiry,
// because the clock is injectable (accelerated replays).
var dedupScript = redis.NewScript(`
local p, win, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local out, i = {}, 4
while i <= #ARGV do
  local b, n = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local f0 = i + 2
  local t0 = f0 + n
  local cur = p .. 'd:' .. string.format('%d', b)
  local a = redis.call('HMGET', cur, unpack(ARGV, f0, t0 - 1))
  local c = redis.call('HMGET', p .. 'd:' .. string.format('%d', b - 1), unpack(ARGV, f0, t0 - 1))
  local set = {}
  for j = 1, n do
    local last = a[j] or c[j]
    local ts = ARGV[t0 + j - 1]
    if (not last) or tonumber(ts) - tonumber(last) >= win then
      set[#set + 1] = ARGV[f0 + j - 1]
      set[#set + 1] = ts
      out[#out + 1] = '1'
    else
      out[#out + 1] = '0'
    end
  end
  if #set > 0 then
    redis.call('HSET', cur, unpack(set))
    redis.call('EXPIRE', cur, ttl)
  end
  i = t0 + n
end
return table.concat(out)
`)

// countScript adds (part of) a trending.Tally. ARGV: prefix, λs, λl,
// users TTL s, max surfaces, hard rescale exponent, the tally's Ref, its
// short and long totals (0 in all parts but the first), then per keyword:
// key, short weight, long weight, number of users buckets, per bucket
// (bucket, number of users, users...), number of display forms, per form
// (form, hits). Weights are relative to Ref; the script scales them to
// the landmark L (rescaling first when Ref is too far past it). Per
// keyword: ZINCRBY on each set, PFADD (+EXPIRE when it changed) per
// bucket, HINCRBY per form.
var countScript = redis.NewScript(rescaleLua + `
local p = ARGV[1]
local ls, ll = tonumber(ARGV[2]), tonumber(ARGV[3])
local uttl, maxs, hard = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local ref = tonumber(ARGV[7])
local meta = p .. 'meta'
local L = tonumber(redis.call('HGET', meta, 'L') or '')
if not L then
  L = ref
  redis.call('HSET', meta, 'L', ARGV[7])
elseif ls * (ref - L) > hard then
  L = rescale(p, ls, ll, L, ref)
end
local fs, fl = math.exp(ls * (ref - L)), math.exp(ll * (ref - L))
local function f(x) return string.format('%.17g', x) end
local ts, tl = tonumber(ARGV[8]), tonumber(ARGV[9])
if ts > 0 then
  redis.call('HINCRBYFLOAT', meta, 'ts', f(ts * fs))
  redis.call('HINCRBYFLOAT', meta, 'tl', f(tl * fl))
end
local i = 10
while i <= #ARGV do
  local k = ARGV[i]
  redis.call('ZINCRBY', p .. 's', f(tonumber(ARGV[i + 1]) * fs), k)
  redis.call('ZINCRBY', p .. 'l', f(tonumber(ARGV[i + 2]) * fl), k)
  local nb = tonumber(ARGV[i + 3])
  i = i + 4
  for _ = 1, nb do
    local hk, nu = p .. 'u:' .. ARGV[i] .. ':' .. k, tonumber(ARGV[i + 1])
    if redis.call('PFADD', hk, unpack(ARGV, i + 2, i + 1 + nu)) == 1 then
      redis.call('EXPIRE', hk, uttl)
    end
    i = i + 2 + nu
  end
  local ns = tonumber(ARGV[i])
  local fk = p .. 'f:' .. k
  i = i + 1
  for _ = 1, ns do
    local c = tonumber(ARGV[i + 1])
    if redis.call('HINCRBY', fk, ARGV[i], c) == c and redis.call('HLEN', fk) > maxs then
      redis.call('HDEL', fk, ARGV[i])
    end
    i = i + 2
  end
end
return 1
`)

// poolScript returns L, T_s, T_l (as strings; L empty when nothing was
// counted yet) and, per member of the recent set, key, stored short score
// and stored long score (” when trimmed from the baseline set). One call,
// so a concurrent rescale cannot mix landmarks. ARGV: prefix.
var poolScript = redis.NewScript(zmscoreLua + `
local p = ARGV[1]
local m = redis.call('HMGET', p .. 'meta', 'L', 'ts', 'tl')
local out = {m[1] or '', m[2] or '0', m[3] or '0'}
local mem = redis.call('ZRANGE', p .. 's', 0, -1, 'WITHSCORES')
local names = {}
for i = 1, #mem, 2 do names[#names + 1] = mem[i] end
local long = zmscore(p .. 'l', names)
for i, k in ipairs(names) do
  out[#out + 1] = k
  out[#out + 1] = mem[2 * i]
  out[#out + 1] = long[i] or ''
end
return out
`)

// maintainScript rescales when λs·(now−L) > the threshold and trims: the
// recent set to keepS, the baseline set to keepL, deleting the display
// forms of members gone from both. It removes at most maxRemove baseline
// members per call (so it never blocks long) and returns how many members
// are still over the bound; it also unlinks the dedup buckets that are no
// longer read. ARGV: prefix, λs, λl, now, threshold, keepS, keepL,
// maxRemove, the dedup bucket of now.
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
  local kept = zmscore(p .. other, gone)
  for i, k in ipairs(gone) do
    if not kept[i] then redis.call('DEL', p .. 'f:' .. k) end
  end
  over = over + n - keep - c
end
cut('s', 'l', keepS)
cut('l', 's', keepL)
-- Dedup buckets older than the previous one are no longer read: free
-- them in the background before Redis expiry would delete them inline.
local b = tonumber(ARGV[9])
for d = 2, 4 do redis.call('UNLINK', p .. 'd:' .. string.format('%d', b - d)) end
return over
`)
