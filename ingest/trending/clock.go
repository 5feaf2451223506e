package trending

import "time"

// Clock tells the time. Tests and the accuracy harness inject a manual
// clock to run at accelerated time; production uses SystemClock.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now implements Clock.
func (SystemClock) Now() time.Time { return time.Now() }
