package trending

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"

	"github.com/searchd/searchd/searchd/engine"
)

// MinSaltLen is the shortest identity-hashing salt accepted.
const MinSaltLen = 16

// hasher turns an event's identity into a short keyed hash. The same salt
// must be configured on every instance so that dedup agrees across them.
type hasher struct {
	pool sync.Pool
}

func newHasher(salt string) *hasher {
	h := &hasher{}
	key := []byte(salt)
	h.pool.New = func() any { return hmac.New(sha256.New, key) }
	return h
}

// identity returns the hashed identity of ev (UserID, else SessionID, else
// ClientIP) or "" when it has none. The kind is part of the hashed input, so
// a user id never collides with an equal session id.
func (h *hasher) identity(ev engine.SearchEvent) string {
	var kind, v string
	switch {
	case ev.UserID != "":
		kind, v = "u\x00", ev.UserID
	case ev.SessionID != "":
		kind, v = "s\x00", ev.SessionID
	case ev.ClientIP != "":
		kind, v = "ip\x00", ev.ClientIP
	default:
		return ""
	}
	m := h.pool.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(kind))
	m.Write([]byte(v))
	var sum [sha256.Size]byte
	out := m.Sum(sum[:0])
	h.pool.Put(m)
	return hex.EncodeToString(out[:8])
}
