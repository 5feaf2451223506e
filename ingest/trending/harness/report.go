package harness

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/searchd/searchd/ingest/trending"
)

// Figures are the synthetic accuracy results.
type Figures struct {
	Trials         int
	Detected60s    int           // bursts listed within 60 s of onset
	StepTrials     int           // bursts that jump to 10× at once (the goal's case)
	StepDetected60 int           // of which listed within 60 s
	StepLatencyP95 time.Duration // over step bursts (a miss counts as the burst duration)
	DetectedAtAll  int           // bursts listed while they lasted
	LatencyP50     time.Duration // over detected bursts
	LatencyP95     time.Duration // over all bursts (a miss counts as the burst duration)
	Agreement      float64       // shown top 10 vs exact, mean over non-empty snapshots
	AgreementN     int
	RawAgreement   float64 // top 10 by score alone vs exact
	FalseEntries   int     // entries of keys that are not injected bursts, burst stream, after its first hour
	FalseBurst     []string
	// ColdEntries are entries of keys that are not bursts within the first
	// hour of either stream (a fresh store: established traffic starts
	// after it).
	ColdEntries    int
	ColdList       []string
	FalsePerHour   float64 // on the burst-free stream
	FalseQuiet     []string
	SpammerListed  bool // on either stream
	VariantKeysMax int  // most distinct pool keys seen for one burst's variants (1 = merged)
	Hours          float64
	QuietHours     float64
	Events         int
}

// Detection rate within 60 s.
func (f Figures) Rate60() float64 { return float64(f.Detected60s) / float64(max(f.Trials, 1)) }

// StepRate60 is the detection rate within 60 s of step bursts.
func (f Figures) StepRate60() float64 {
	return float64(f.StepDetected60) / float64(max(f.StepTrials, 1))
}

func (f Figures) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bursts: %d trials, %d (%.1f%%) in the top 10 within 60 s, %d at all; latency p50 %v, p95 %v\n",
		f.Trials, f.Detected60s, 100*f.Rate60(), f.DetectedAtAll, f.LatencyP50, f.LatencyP95)
	fmt.Fprintf(&b, "step bursts (10× at onset): %d of %d (%.1f%%) within 60 s, latency p95 %v; the rest ramp up over 60 s\n",
		f.StepDetected60, f.StepTrials, 100*f.StepRate60(), f.StepLatencyP95)
	fmt.Fprintf(&b, "top-10 agreement with the exact computation: %.3f shown (%d snapshots), %.3f by score alone\n",
		f.Agreement, f.AgreementN, f.RawAgreement)
	fmt.Fprintf(&b, "false entries: %d on the burst stream (%.1f h) %v, %.2f/h on the burst-free stream (%.1f h) %v\n",
		f.FalseEntries, f.Hours, f.FalseBurst, f.FalsePerHour, f.QuietHours, f.FalseQuiet)
	fmt.Fprintf(&b, "fresh start (first hour of each stream): %d entries of keywords without a burst %v\n", f.ColdEntries, f.ColdList)
	fmt.Fprintf(&b, "spammer listed: %v; most pool keys for one burst's variants: %d; events: %d\n",
		f.SpammerListed, f.VariantKeysMax, f.Events)
	return b.String()
}

// RunSynthetic replays a burst stream of the given number of trials and a
// burst-free stream of quiet duration, each on a fresh store from
// newStore, and computes the figures.
func RunSynthetic(ctx context.Context, cfg Config, newStore func() trending.Store, seed uint64, trials int, quiet time.Duration, meanRate float64) (Figures, error) {
	var f Figures
	sc := DefaultSynth(seed, 0, true)
	sc.MeanRate = meanRate
	sc.Duration = sc.Warmup + time.Duration(trials)*sc.BurstEvery
	evs, bursts := Synthetic(sc)
	watch := map[string]bool{}
	for _, b := range bursts {
		for _, v := range append(b.Variants, b.Spelling) {
			watch[keyOf(v)] = true
		}
	}
	snaps, err := Replay(ctx, cfg, newStore(), evs, watch)
	if err != nil {
		return f, err
	}
	f.Events, f.Hours, f.Trials = len(evs), sc.Duration.Hours(), len(bursts)
	var lat, all, step []time.Duration
	for _, b := range bursts {
		d := Detect(snaps, keyOf(b.Term), b.Start, b.Duration)
		if b.Ramp == 0 {
			f.StepTrials++
			if d.Detected && d.Latency <= time.Minute {
				f.StepDetected60++
			}
			if d.Detected {
				step = append(step, d.Latency)
			} else {
				step = append(step, b.Duration)
			}
		}
		switch {
		case d.Detected:
			f.DetectedAtAll++
			lat = append(lat, d.Latency)
			all = append(all, d.Latency)
			if d.Latency <= time.Minute {
				f.Detected60s++
			}
		default:
			all = append(all, b.Duration)
		}
		seen := map[string]bool{}
		for _, s := range snaps {
			if s.At.Before(b.Start) || s.At.After(b.Start.Add(b.Duration)) {
				continue
			}
			for _, k := range s.Watched {
				for _, v := range append(b.Variants, b.Spelling) {
					if keyOf(v) == k {
						seen[k] = true
					}
				}
			}
		}
		f.VariantKeysMax = max(f.VariantKeysMax, len(seen))
	}
	f.LatencyP50, f.LatencyP95, f.StepLatencyP95 = pct(lat, 0.5), pct(all, 0.95), pct(step, 0.95)
	f.Agreement, f.AgreementN = Agreement(snaps, false)
	f.RawAgreement, _ = Agreement(snaps, true)
	burstKeys := map[string]Burst{}
	for _, b := range bursts {
		burstKeys[keyOf(b.Term)] = b
	}
	cold := func(at time.Time) bool { return at.Sub(sc.Start) < time.Hour }
	f.FalseEntries, f.FalseBurst = Entries(snaps, func(k string, at time.Time) bool {
		b, ok := burstKeys[k]
		return cold(at) || ok && !at.Before(b.Start)
	})
	f.ColdEntries, f.ColdList = Entries(snaps, func(k string, at time.Time) bool { return !cold(at) })
	spam := keyOf(sc.SpamQuery)
	f.SpammerListed = Ever(snaps, spam)

	if quiet > 0 {
		qc := DefaultSynth(seed+1, quiet, false)
		qc.MeanRate = meanRate
		qevs, _ := Synthetic(qc)
		qsnaps, err := Replay(ctx, cfg, newStore(), qevs, nil)
		if err != nil {
			return f, err
		}
		// The first hour is warm-up: baselines start empty.
		qcold := func(at time.Time) bool { return at.Sub(qc.Start) < time.Hour }
		var n int
		n, f.FalseQuiet = Entries(qsnaps, func(_ string, at time.Time) bool { return qcold(at) })
		nc, list := Entries(qsnaps, func(_ string, at time.Time) bool { return !qcold(at) })
		f.ColdEntries, f.ColdList = f.ColdEntries+nc, append(f.ColdList, list...)
		f.QuietHours = quiet.Hours() - 1
		f.FalsePerHour = float64(n) / f.QuietHours
		f.SpammerListed = f.SpammerListed || Ever(qsnaps, spam)
		f.Events += len(qevs)
	}
	return f, nil
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// NSMCFigures are the NSMC replay results.
type NSMCFigures struct {
	Events       int
	Releases     int
	Detected     int     // releases listed within their release day (DaySeconds)
	MedianDays   float64 // detection latency in days, over detected releases
	Agreement    float64
	AgreementN   int
	RawAgreement float64
	Listed       int // distinct movies ever listed
}

func (f NSMCFigures) String() string {
	return fmt.Sprintf("nsmc: %d events, %d release bursts, %d listed within their release day (median %.2f days), %d movies ever listed; top-10 agreement %.3f shown (%d snapshots), %.3f by score alone\n",
		f.Events, f.Releases, f.Detected, f.MedianDays, f.Listed, f.Agreement, f.AgreementN, f.RawAgreement)
}

// RunNSMC replays the corpus through a store from newStore.
func RunNSMC(ctx context.Context, cfg Config, store trending.Store, nc NSMCConfig) (NSMCFigures, error) {
	cfg = cfg.withDefaults()
	evs, rel, err := LoadNSMC(nc, int(cfg.Rules.MinUsers)*3)
	if err != nil {
		return NSMCFigures{}, err
	}
	snaps, err := Replay(ctx, cfg, store, evs, nil)
	if err != nil {
		return NSMCFigures{}, err
	}
	f := NSMCFigures{Events: len(evs), Releases: len(rel)}
	day := time.Duration(nc.DaySeconds * float64(time.Second))
	var lat []time.Duration
	for _, r := range rel {
		if d := Detect(snaps, r.Key, r.Start, day); d.Detected {
			f.Detected++
			lat = append(lat, d.Latency)
		}
	}
	f.MedianDays = pct(lat, 0.5).Seconds() / nc.DaySeconds
	f.Agreement, f.AgreementN = Agreement(snaps, false)
	f.RawAgreement, _ = Agreement(snaps, true)
	listed := map[string]bool{}
	for _, s := range snaps {
		for _, k := range s.Pipeline {
			listed[k] = true
		}
	}
	f.Listed = len(listed)
	return f, nil
}
