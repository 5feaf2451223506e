// Package harness measures the trending pipeline's accuracy: it generates
// synthetic search streams (Zipf background with a daily rhythm, injected
// bursts with spelling and spacing variants, a spammer) or replays the NSMC
// corpus's review dates, feeds them through the real pipeline (Counter →
// Store → snapshot job) at accelerated time, and compares every snapshot
// with an exact offline computation of the same score.
package harness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Event is one simulated search. Canonical is what the search service
// would compute (analyzer + synonyms): spacing, case and Unicode variants
// are left for trending to merge, spelling variants arrive already mapped.
type Event struct {
	T         time.Time
	Query     string
	Canonical string
	User      string
}

// Burst is one injected rise: a term searched at Baseline per second by
// random users all along, rising to Factor × Baseline from Start for
// Duration, reached linearly over Ramp (0: a step), each burst search from
// a new user.
type Burst struct {
	Term     string
	Variants []string // surface forms cycled during the burst
	Spelling string   // a misspelling whose Canonical is Term (synonym mapping)
	Start    time.Time
	Baseline float64
	Factor   float64
	Ramp     time.Duration
	Duration time.Duration
}

// Peak is the burst's full rate (searches per second).
func (b Burst) Peak() float64 { return b.Factor * b.Baseline }

// SynthConfig describes a synthetic stream.
type SynthConfig struct {
	Seed     uint64
	Start    time.Time
	Duration time.Duration
	// Vocab background keywords, Zipf(ZipfS) distributed, MeanRate
	// searches per second on average, modulated by 1 + DailyAmplitude ·
	// sin over 24 h, from Users random users.
	Vocab          int
	ZipfS          float64
	MeanRate       float64
	DailyAmplitude float64
	Users          int
	// Bursts: one every BurstEvery after Warmup (none when zero), with
	// baselines log-uniform in [MinBaseline, MaxBaseline], Factor, lasting
	// BurstDuration; shapes alternate between a step and a 60 s ramp.
	Warmup        time.Duration
	BurstEvery    time.Duration
	MinBaseline   float64
	MaxBaseline   float64
	Factor        float64
	BurstDuration time.Duration
	// SpamRate: one user repeating SpamQuery this often (0: no spammer).
	SpamRate  float64
	SpamQuery string
}

// DefaultSynth is the harness's standard stream.
func DefaultSynth(seed uint64, d time.Duration, bursts bool) SynthConfig {
	c := SynthConfig{
		Seed: seed, Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Duration: d,
		Vocab: 3000, ZipfS: 1.1, MeanRate: 20, DailyAmplitude: 0.6, Users: 300_000,
		Warmup: 2 * time.Hour, MinBaseline: 0.05, MaxBaseline: 0.3, Factor: 10,
		BurstDuration: 5 * time.Minute, SpamRate: 3, SpamQuery: "무료 쿠폰 받기",
	}
	if bursts {
		c.BurstEvery = 12 * time.Minute
	}
	return c
}

// Synthetic generates the stream (sorted by time) and its bursts.
func Synthetic(c SynthConfig) ([]Event, []Burst) {
	r := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	z := rand.NewZipf(r, c.ZipfS, 1, uint64(c.Vocab-1))
	var bursts []Burst
	if c.BurstEvery > 0 {
		i := 0
		for at := c.Warmup; at+c.BurstDuration <= c.Duration; at += c.BurstEvery {
			base := c.MinBaseline * math.Pow(c.MaxBaseline/c.MinBaseline, r.Float64())
			term := fmt.Sprintf("봄 축제 %d", i)
			b := Burst{
				Term: term,
				Variants: []string{term, fmt.Sprintf("봄축제 %d", i), fmt.Sprintf("봄 축제%d", i),
					norm.NFD.String(term), fmt.Sprintf("봄  축제 %d ", i)},
				Spelling: fmt.Sprintf("봄 측제 %d", i),
				Start:    c.Start.Add(at + time.Duration(r.Float64()*float64(30*time.Second))),
				Baseline: base, Factor: c.Factor, Duration: c.BurstDuration,
			}
			if i%2 == 1 {
				b.Ramp = time.Minute
			}
			bursts = append(bursts, b)
			i++
		}
	}
	var evs []Event
	bgUser := func() string { return fmt.Sprintf("u%d", r.IntN(c.Users)) }
	emit := func(t time.Time, q, canon, user string) {
		evs = append(evs, Event{T: t, Query: q, Canonical: canon, User: user})
	}
	const tick = time.Second
	burstN := make([]int, len(bursts))
	burstAcc := make([]float64, len(bursts))
	spamAcc := 0.0
	for at := time.Duration(0); at < c.Duration; at += tick {
		t0 := c.Start.Add(at)
		day := 2 * math.Pi * at.Hours() / 24
		rate := c.MeanRate * (1 + c.DailyAmplitude*math.Sin(day-math.Pi/2))
		within := func() time.Time { return t0.Add(time.Duration(r.Float64() * float64(tick))) }
		for range poisson(r, rate*tick.Seconds()) {
			q := fmt.Sprintf("주제 %d", z.Uint64())
			emit(within(), q, q, bgUser())
		}
		for i, b := range bursts {
			for range poisson(r, b.Baseline*tick.Seconds()) {
				emit(within(), b.Term, b.Term, bgUser())
			}
			since := t0.Sub(b.Start)
			if since < 0 || since >= b.Duration {
				continue
			}
			extra := b.Peak() - b.Baseline
			if b.Ramp > 0 && since < b.Ramp {
				extra *= since.Seconds() / b.Ramp.Seconds()
			}
			burstAcc[i] += extra * tick.Seconds()
			for ; float64(burstN[i]) < burstAcc[i]; burstN[i]++ {
				n := burstN[i]
				q, canon := b.Variants[n%len(b.Variants)], b.Variants[n%len(b.Variants)]
				if n%7 == 6 {
					q, canon = b.Spelling, b.Term
				}
				emit(within(), q, canon, fmt.Sprintf("burst%d-%d", i, n))
			}
		}
		if c.SpamRate > 0 {
			spamAcc += c.SpamRate * tick.Seconds()
			for ; spamAcc >= 1; spamAcc-- {
				emit(within(), c.SpamQuery, c.SpamQuery, "spammer")
			}
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].T.Before(evs[j].T) })
	return evs, bursts
}

func poisson(r *rand.Rand, mean float64) int {
	if mean > 30 {
		return max(0, int(math.Round(mean+math.Sqrt(mean)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p < l {
			return k
		}
		k++
	}
}
