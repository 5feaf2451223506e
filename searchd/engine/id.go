package engine

import (
	"crypto/rand"
	"encoding/hex"
)

// RandomHex returns n random bytes, hex-encoded (2n characters): event and
// request ids, salts.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
