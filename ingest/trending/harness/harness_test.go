package harness_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/searchd/searchd/internal/nsmc"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/harness"
	"github.com/searchd/searchd/ingest/trending/redistrend"
	"github.com/searchd/searchd/internal/testenv"
)

// redisStores returns a constructor of stores, each on its own key
// prefix of one real redis-server.
func redisStores(tb testing.TB, cfg trending.StoreConfig) func() trending.Store {
	srv := testenv.StartRedis(tb)
	n := 0
	return func() trending.Store {
		n++
		c := redis.NewClient(&redis.Options{Addr: srv.Addr})
		s, err := redistrend.New(c, cfg, redistrend.Options{Prefix: "h" + string(rune('a'+n)) + ":", CloseClient: true})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}
}

// TestQualitative runs a short synthetic stream through the real pipeline
// on real Redis: every strong burst shows up, the spammer never does,
// variants stay one key, and the burst-free stream lists nothing.
func TestQualitative(t *testing.T) {
	cfg := harness.Config{}
	f, err := harness.RunSynthetic(context.Background(), cfg, redisStores(t, cfg.Store), 42, 4, 2*time.Hour, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + f.String())
	if f.DetectedAtAll != f.Trials {
		t.Errorf("%d of %d bursts (10× baseline, hundreds of users) never reached the top 10", f.Trials-f.DetectedAtAll, f.Trials)
	}
	if f.SpammerListed {
		t.Error("the spammer reached the top 10")
	}
	if f.VariantKeysMax != 1 {
		t.Errorf("a burst's spelling and spacing variants were counted as %d keys", f.VariantKeysMax)
	}
	if f.FalseEntries != 0 || len(f.FalseQuiet) != 0 {
		t.Errorf("keywords without a burst were listed: %d in the burst stream, %v in the burst-free one", f.FalseEntries, f.FalseQuiet)
	}
}

// scorings are the two scorings every accuracy benchmark reports side by
// side on the same streams: "old" is the keyword's own baseline alone with
// MinRecent 10 throughout (trending.Rules.OldRules, before the cold-start
// work), "new" the prior-smoothed baseline with the current defaults.
type scoring struct {
	name string
	old  bool
}

var scorings = []scoring{{"old", true}, {"new", false}}

// rules returns r for the scoring (SEARCHD_HARNESS_PRIOR and
// SEARCHD_HARNESS_MIN_RECENT set the new scoring's prior strength and
// established MinRecent).
func (sc scoring) rules(r trending.Rules) trending.Rules {
	if sc.old {
		return r.OldRules()
	}
	r.PriorStrength = envFloat("SEARCHD_HARNESS_PRIOR", 0)
	r.MinRecent = envFloat("SEARCHD_HARNESS_MIN_RECENT", 0)
	return r
}

// BenchmarkAccuracySynthetic reports the harness figures for synthetic
// streams (SEARCHD_HARNESS_TRIALS bursts, default 40; an 8 h burst-free
// stream), for both scorings.
func BenchmarkAccuracySynthetic(b *testing.B) {
	trials := envInt("SEARCHD_HARNESS_TRIALS", 40)
	for i := 0; i < b.N; i++ {
		for _, sc := range scorings {
			cfg := harness.Config{Rules: sc.rules(trending.Rules{MinRatio: envFloat("SEARCHD_HARNESS_MIN_RATIO", 0), MinScore: envFloat("SEARCHD_HARNESS_MIN_SCORE", 0)})}
			f, err := harness.RunSynthetic(context.Background(), cfg, redisStores(b, cfg.Store), uint64(1000+i), trials, 8*time.Hour, 10)
			if err != nil {
				b.Fatal(err)
			}
			// Printed, not logged: the testing package cuts a benchmark's log to 10 lines.
			fmt.Printf("%s scoring:\n%s", sc.name, f)
			u := "_" + sc.name
			b.ReportMetric(100*f.Rate60(), "%detected≤60s"+u)
			b.ReportMetric(100*f.StepRate60(), "%step_detected≤60s"+u)
			b.ReportMetric(f.LatencyP50.Seconds(), "latency_p50_s"+u)
			b.ReportMetric(f.LatencyP95.Seconds(), "latency_p95_s"+u)
			b.ReportMetric(f.Agreement, "top10_agreement"+u)
			b.ReportMetric(f.RawAgreement, "raw_top10_agreement"+u)
			b.ReportMetric(float64(f.FalseEntries), "false_entries_burst_stream"+u)
			b.ReportMetric(f.FalsePerHour, "false_entries/h"+u)
			b.ReportMetric(float64(f.ColdEntries), "fresh_start_entries"+u)
			b.ReportMetric(boolMetric(f.SpammerListed), "spammer_listed"+u)
			b.ReportMetric(float64(f.VariantKeysMax), "variant_keys"+u)
		}
	}
}

// BenchmarkAccuracyColdStart reports fresh-start detection, for both
// scorings, on a small site (0.5 searches/s) and a busy one (20/s):
// SEARCHD_HARNESS_TRIALS fresh stores each (default 20).
func BenchmarkAccuracyColdStart(b *testing.B) {
	trials := envInt("SEARCHD_HARNESS_TRIALS", 20)
	for i := 0; i < b.N; i++ {
		for _, rate := range []float64{0.5, 20} {
			for _, sc := range scorings {
				cfg := harness.Config{Rules: sc.rules(trending.Rules{})}
				f, err := harness.RunColdStart(context.Background(), cfg, redisStores(b, cfg.Store), uint64(2000+i), trials, rate)
				if err != nil {
					b.Fatal(err)
				}
				fmt.Printf("%s scoring: %s", sc.name, f)
				u := fmt.Sprintf("_%g/s_%s", rate, sc.name)
				b.ReportMetric(100*float64(f.Detected)/float64(f.Trials), "%detected"+u)
				b.ReportMetric(float64(f.FalseEntries)/float64(f.Trials), "false_entries/start"+u)
				b.ReportMetric(boolMetric(f.SpammerListed), "spammer_listed"+u)
			}
		}
	}
}

// BenchmarkAccuracyNSMC replays 2015's review dates (one day = 60 s), for
// both scorings.
func BenchmarkAccuracyNSMC(b *testing.B) {
	path, ok := nsmc.Path()
	if !ok {
		b.Skipf("NSMC corpus not found at %s (set SEARCHD_NSMC)", path)
	}
	for i := 0; i < b.N; i++ {
		for _, sc := range scorings {
			cfg := harness.Config{Rules: sc.rules(trending.Rules{})}
			f, err := harness.RunNSMC(context.Background(), cfg, redisStores(b, cfg.Store)(), harness.NSMCConfig{
				Path: path, From: "2015-01-01", To: "2016-01-01", DaySeconds: 60,
				Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Seed: 1,
			})
			if err != nil {
				b.Fatal(err)
			}
			// Printed, not logged: the testing package cuts a benchmark's log to 10 lines.
			fmt.Printf("%s scoring:\n%s", sc.name, f)
			u := "_" + sc.name
			b.ReportMetric(float64(f.Releases), "releases"+u)
			b.ReportMetric(float64(f.Detected), "detected"+u)
			b.ReportMetric(f.MedianDays, "median_days"+u)
			b.ReportMetric(f.Agreement, "top10_agreement"+u)
			b.ReportMetric(f.RawAgreement, "raw_top10_agreement"+u)
		}
	}
}

func boolMetric(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

// TestColdStart: on fresh stores, the prior lists bursts of 10–40 new
// users that the keyword's own baseline cannot, never the spammer.
func TestColdStart(t *testing.T) {
	for _, sc := range scorings {
		cfg := harness.Config{Rules: sc.rules(trending.Rules{})}
		f, err := harness.RunColdStart(context.Background(), cfg, redisStores(t, cfg.Store), 7, 4, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s scoring: %s", sc.name, f)
		if f.SpammerListed {
			t.Errorf("%s scoring listed the spammer on a fresh store", sc.name)
		}
		if !sc.old && f.Detected != f.Trials {
			t.Errorf("new scoring: %d of %d fresh-start bursts listed", f.Detected, f.Trials)
		}
	}
}
