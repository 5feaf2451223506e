package harness

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/searchd/searchd/internal/nsmc"
)

// NSMCConfig selects reviews to replay: dates in [From, To) become search
// events for "movie <movie_id>" by one user per review, each review day
// compressed into DaySeconds of simulated time (reviews spread uniformly
// within it).
type NSMCConfig struct {
	Path       string
	From, To   string // YYYY-MM-DD
	DaySeconds float64
	Start      time.Time
	Seed       uint64
}

// Release is a movie's first release-like burst day: at least MinUsers
// reviews that day and at least 10× its mean over the previous 30 days.
type Release struct {
	Key   string // "movie <id>" as a key
	Query string
	Day   string
	Start time.Time // simulated start of that day
	Count int
}

// LoadNSMC reads the corpus and returns the replay stream (sorted) and the
// release bursts found in it.
func LoadNSMC(c NSMCConfig, minUsers int) ([]Event, []Release, error) {
	from, err := time.Parse(time.DateOnly, c.From)
	if err != nil {
		return nil, nil, fmt.Errorf("harness: from: %w", err)
	}
	r := rand.New(rand.NewPCG(c.Seed, 17))
	perDay := map[string]map[string]int{} // movie → day → reviews
	var evs []Event
	err = nsmc.Read(c.Path, 0, func(rv nsmc.Review) error {
		if rv.Date < c.From || rv.Date >= c.To {
			return nil
		}
		d, err := time.Parse(time.DateOnly, rv.Date)
		if err != nil {
			return nil
		}
		day := d.Sub(from).Hours() / 24
		t := c.Start.Add(time.Duration((day + r.Float64()) * c.DaySeconds * float64(time.Second)))
		q := "movie " + rv.MovieID
		evs = append(evs, Event{T: t, Query: q, Canonical: q, User: "nsmc-" + rv.ID})
		if perDay[rv.MovieID] == nil {
			perDay[rv.MovieID] = map[string]int{}
		}
		perDay[rv.MovieID][rv.Date]++
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("harness: nsmc: %w", err)
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].T.Before(evs[j].T) })
	var rel []Release
	for movie, days := range perDay {
		var ds []string
		for d := range days {
			ds = append(ds, d)
		}
		sort.Strings(ds)
		for _, d := range ds {
			n := days[d]
			if n < minUsers {
				continue
			}
			dt, _ := time.Parse(time.DateOnly, d)
			prev := 0
			for k := 1; k <= 30; k++ {
				prev += days[dt.AddDate(0, 0, -k).Format(time.DateOnly)]
			}
			if float64(n) < 10*float64(prev)/30 || dt.Sub(from) < 30*24*time.Hour {
				continue
			}
			q := "movie " + movie
			rel = append(rel, Release{Key: keyOf(q), Query: q, Day: d, Count: n,
				Start: c.Start.Add(time.Duration(dt.Sub(from).Hours() / 24 * c.DaySeconds * float64(time.Second)))})
			break
		}
	}
	sort.Slice(rel, func(i, j int) bool { return rel[i].Start.Before(rel[j].Start) })
	return evs, rel, nil
}
