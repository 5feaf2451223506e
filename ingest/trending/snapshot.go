package trending

import "time"

// Movement directions.
const (
	MoveNew  = "new"
	MoveUp   = "up"
	MoveDown = "down"
	MoveSame = "same"
)

// Movement is an item's change against the previous snapshot: up or down
// Steps ranks, new (not in the previous snapshot) or same.
type Movement struct {
	Direction string `json:"direction"`
	Steps     int    `json:"steps,omitempty"`
}

// Item is one trending keyword.
type Item struct {
	Rank     int      `json:"rank"`
	Keyword  string   `json:"keyword"` // display form
	Key      string   `json:"key"`     // normalized key
	Score    float64  `json:"score"`
	Movement Movement `json:"movement"`
	// Why holds the numbers behind the item. Snapshots always carry it;
	// the public API shows it only when asked (?explain=1).
	Why *Why `json:"why,omitempty"`
}

// Why is why an item is listed: its recent decayed count against the
// count its baseline predicts (see Rules.Expected), their ratio, its
// distinct users, and since when it has been listed without a break.
type Why struct {
	Recent      float64   `json:"recent"`
	Expected    float64   `json:"expected"`
	Ratio       float64   `json:"ratio"`
	Users       int64     `json:"users"`
	ListedSince time.Time `json:"listed_since"`
}

// Unexplained returns s without the items' Why (the public default).
func (s Snapshot) Unexplained() Snapshot {
	items := make([]Item, len(s.Items))
	for i, it := range s.Items {
		it.Why = nil
		items[i] = it
	}
	s.Items = items
	return s
}

// listedSince is when key has been listed since, by the previous
// snapshot's items: its ListedSince when it was listed, else now.
func listedSince(prev map[string]Item, key string, now time.Time) time.Time {
	if it, ok := prev[key]; ok && it.Why != nil && !it.Why.ListedSince.IsZero() {
		return it.Why.ListedSince
	}
	return now
}

// Window describes what a snapshot measures: recent counts decay with
// RecentHalfLife and are compared with baseline counts decaying with
// BaselineHalfLife; snapshots are recomputed every IntervalSeconds.
type Window struct {
	RecentHalfLifeSeconds   float64 `json:"recent_half_life_seconds"`
	BaselineHalfLifeSeconds float64 `json:"baseline_half_life_seconds"`
	IntervalSeconds         float64 `json:"interval_seconds"`
}

// Snapshot is the published trending list. The zero Snapshot (no items,
// zero UpdatedAt) means none has been computed yet.
type Snapshot struct {
	Items     []Item    `json:"items"`
	Window    Window    `json:"window"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Top returns the snapshot with at most n items (n ≤ 0: all).
func (s Snapshot) Top(n int) Snapshot {
	if n > 0 && len(s.Items) > n {
		s.Items = s.Items[:n]
	}
	return s
}

// without returns s minus blocked items, ranks renumbered (movement is
// kept as computed).
func (s Snapshot) without(m *matcher) Snapshot {
	if m == nil || (len(m.exact) == 0 && len(m.patterns) == 0) {
		return s
	}
	items := make([]Item, 0, len(s.Items))
	for _, it := range s.Items {
		if m.Blocked(it.Key) {
			continue
		}
		it.Rank = len(items) + 1
		items = append(items, it)
	}
	s.Items = items
	return s
}

// movement returns the movement of key at rank against prev (key → rank).
func movement(prev map[string]int, key string, rank int) Movement {
	p, ok := prev[key]
	switch {
	case !ok:
		return Movement{Direction: MoveNew}
	case p > rank:
		return Movement{Direction: MoveUp, Steps: p - rank}
	case p < rank:
		return Movement{Direction: MoveDown, Steps: rank - p}
	}
	return Movement{Direction: MoveSame}
}
