package api

import "time"

// SetClock replaces the server's clock (tests of time windows).
func (s *Server) SetClock(now func() time.Time) { s.now = now }
