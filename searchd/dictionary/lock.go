package dictionary

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/internal/redislock"
	"github.com/searchd/searchd/searchd/engine"
)

// Locker is the one-rebuild-at-a-time lock. The holder is a job id.
type Locker interface {
	// TryLock takes the lock for id; when another holds it, ok is false
	// and holder is that id.
	TryLock(ctx context.Context, id string) (ok bool, holder string, err error)
	// Renew extends id's hold; false when id no longer holds it.
	Renew(ctx context.Context, id string) (bool, error)
	// Unlock releases id's hold.
	Unlock(ctx context.Context, id string) error
	// Holder returns who holds the lock now ("" when free).
	Holder(ctx context.Context) (string, error)
}

// LocalLock is the lock of one process (the embedded engine: one process
// owns the data directory).
type LocalLock struct {
	mu     sync.Mutex
	holder string
}

// TryLock implements Locker.
func (l *LocalLock) TryLock(_ context.Context, id string) (bool, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder != "" && l.holder != id {
		return false, l.holder, nil
	}
	l.holder = id
	return true, id, nil
}

// Renew implements Locker.
func (l *LocalLock) Renew(_ context.Context, id string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holder == id, nil
}

// Unlock implements Locker.
func (l *LocalLock) Unlock(_ context.Context, id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder == id {
		l.holder = ""
	}
	return nil
}

// Holder implements Locker.
func (l *LocalLock) Holder(context.Context) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holder, nil
}

// RedisLock is the lock shared by every instance (elastic mode): a Redis
// key with an expiry that the running job renews every TTL/3, so a job
// whose process died frees the lock within TTL.
type RedisLock struct {
	C   *redis.Client
	Key string
	TTL time.Duration
}

// TryLock implements Locker.
func (l RedisLock) TryLock(ctx context.Context, id string) (bool, string, error) {
	ok, err := redislock.Acquire(ctx, l.C, l.Key, id, l.TTL)
	if err != nil {
		return false, "", lockErr(err)
	}
	if ok {
		return true, id, nil
	}
	h, err := redislock.Holder(ctx, l.C, l.Key)
	return false, h, lockErr(err)
}

// Renew implements Locker.
func (l RedisLock) Renew(ctx context.Context, id string) (bool, error) {
	ok, err := redislock.Acquire(ctx, l.C, l.Key, id, l.TTL)
	return ok, lockErr(err)
}

// Unlock implements Locker.
func (l RedisLock) Unlock(ctx context.Context, id string) error {
	return lockErr(redislock.Release(ctx, l.C, l.Key, id))
}

// Holder implements Locker.
func (l RedisLock) Holder(ctx context.Context) (string, error) {
	h, err := redislock.Holder(ctx, l.C, l.Key)
	return h, lockErr(err)
}

func lockErr(err error) error {
	if err == nil {
		return nil
	}
	return engine.Errorf(engine.Unavailable, "the rebuild lock in redis is not reachable: %v", err)
}

// renewEvery is how often a running job renews its lock.
func renewEvery(ttl time.Duration) time.Duration { return max(ttl/3, 10*time.Millisecond) }
