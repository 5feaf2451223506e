package ingest

import (
	"context"
	"time"

	"github.com/searchd/searchd/searchd/engine"
)

// MaxVolumeBuckets bounds a search-volume series (one count per bucket).
const MaxVolumeBuckets = 96

// VolumePoint is the number of searches in [Time, Time+step).
type VolumePoint struct {
	Time  time.Time `json:"time"`
	Count int64     `json:"count"`
}

// Volume counts searches in [from, to) per step, oldest first, with the
// store's Count per bucket (the series is short: at most MaxVolumeBuckets).
func (a *Analytics) Volume(ctx context.Context, from, to time.Time, step time.Duration) ([]VolumePoint, error) {
	if _, err := checkRange(from, to, 1); err != nil {
		return nil, err
	}
	if step <= 0 || (to.Sub(from)+step-1)/step > MaxVolumeBuckets {
		return nil, engine.Errorf(engine.Invalid, "the interval gives more than %d points; choose a longer interval or a shorter range", MaxVolumeBuckets)
	}
	var out []VolumePoint
	for t := from; t.Before(to); t = t.Add(step) {
		end := t.Add(step)
		if end.After(to) {
			end = to
		}
		n, err := a.store.Count(ctx, t, end)
		if err != nil {
			return nil, err
		}
		out = append(out, VolumePoint{Time: t.UTC(), Count: n})
	}
	return out, nil
}
