package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/searchd/engine"
)

// VolumeAnalytics is the search-volume series (ingest.Analytics); the
// route answers 503 when the configured Analytics lacks it.
type VolumeAnalytics interface {
	Volume(ctx context.Context, from, to time.Time, step time.Duration) ([]ingest.VolumePoint, error)
}

// volumeSteps are the intervals chosen when none is given: the shortest
// that keeps the series at most volumeTarget points.
var volumeSteps = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

const volumeTarget = 48

// searchVolume serves GET /api/v1/admin/analytics/volume: searches per
// interval over [from, to) for the console's chart.
func (s *Server) searchVolume(c *gin.Context) {
	va, ok := s.analytics.(VolumeAnalytics)
	if !ok {
		s.fail(c, unavailable("search analytics"))
		return
	}
	from, to, err := s.timeRange(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var step time.Duration
	if v := c.Query("interval"); v != "" {
		if step, err = time.ParseDuration(v); err != nil || step < time.Minute {
			s.fail(c, engine.Errorf(engine.Invalid, "interval must be a duration of at least 1m, such as 15m or 1h"))
			return
		}
	} else {
		step = volumeSteps[len(volumeSteps)-1]
		for _, st := range volumeSteps {
			if to.Sub(from) <= st*volumeTarget {
				step = st
				break
			}
		}
	}
	points, err := va.Volume(c.Request.Context(), from, to, step)
	if err != nil {
		s.fail(c, err)
		return
	}
	if points == nil {
		points = []ingest.VolumePoint{}
	}
	c.JSON(http.StatusOK, gin.H{"from": from.UTC(), "to": to.UTC(), "interval_seconds": step.Seconds(), "points": points})
}
