package redistrend

import (
	"context"
	"encoding/hex"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/ingest/trending"
)

var _ trending.CategoryStore = (*Store)(nil)

// Category implements trending.CategoryStore: a store on the same client
// whose keys are under P+"c:<hex of name>:".
func (s *Store) Category(name string) (trending.Store, error) {
	return New(s.c, s.cfg, Options{Prefix: s.prefix + "c:" + hex.EncodeToString([]byte(name)) + ":"})
}

// trackScript adds a name to the tracked-categories set (ARGV: set key,
// name, max)
// unless max members are there; 1 when the name is a member after it.
var trackScript = redis.NewScript(`
if redis.call('SISMEMBER', ARGV[1], ARGV[2]) == 1 then return 1 end
if redis.call('SCARD', ARGV[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('SADD', ARGV[1], ARGV[2])
return 1
`)

// TrackCategory implements trending.CategoryStore (one script: the bound
// holds across instances).
func (s *Store) TrackCategory(ctx context.Context, name string, max int) (bool, error) {
	n, err := trackScript.Run(ctx, s.c, nil, s.prefix+"cats", name, max).Int()
	if err != nil {
		return false, translate("track a category", err)
	}
	return n == 1, nil
}

// Categories implements trending.CategoryStore (SMEMBERS).
func (s *Store) Categories(ctx context.Context) ([]string, error) {
	names, err := s.c.SMembers(ctx, s.prefix+"cats").Result()
	if err != nil {
		return nil, translate("list the categories", err)
	}
	slices.Sort(names)
	return names, nil
}
