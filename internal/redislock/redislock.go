// Package redislock is a Redis lock with expiry and renewal shared by
// searchd's single-runner jobs (the trending leader, the dictionary
// rebuild): the holder's id is the key's value, Acquire takes a free lock
// or renews the caller's own, and a holder that dies loses the lock when
// its expiry passes.
package redislock

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// acquireScript takes or renews the lock. ARGV: key, owner, ttl ms.
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

// Acquire takes the lock key for owner for ttl, or extends it when owner
// holds it already (one script, so two callers cannot both win).
func Acquire(ctx context.Context, c redis.Scripter, key, owner string, ttl time.Duration) (bool, error) {
	n, err := acquireScript.Run(ctx, c, nil, key, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}

// Release gives the lock up if owner holds it.
func Release(ctx context.Context, c redis.Scripter, key, owner string) error {
	return releaseScript.Run(ctx, c, nil, key, owner).Err()
}

// Holder returns who holds the lock ("" when free).
func Holder(ctx context.Context, c redis.Cmdable, key string) (string, error) {
	v, err := c.Get(ctx, key).Result()
	if err == redis.Nil {
		return "", nil
	}
	return v, err
}
