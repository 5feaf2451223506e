package trending

import (
	"cmp"
	"math"
	"sort"
	"time"

	"github.com/searchd/searchd/searchd/engine"
)

// Why a candidate is or is not shown (CandidateDebug.Reason).
const (
	WhyShown     = "shown"
	WhyBlocked   = "blocked"
	WhyLowVolume = "low_volume"    // C_s < MinRecentAt
	WhyNotRising = "not_rising"    // ratio < MinRatio
	WhyLowScore  = "low_score"     // score < MinScore
	WhyFewUsers  = "too_few_users" // distinct users < MinUsers
	WhyBelowTop  = "below_top"     // passed every gate, outside Size
)

// Rules are the ranking formula's parameters (see the package doc).
type Rules struct {
	// MinUsers distinct users before a keyword can be shown (default 10).
	MinUsers int64
	// MinRecent is the least recent decayed count on established traffic
	// (default 10): a burst must be concentrated in the last minutes.
	MinRecent float64
	// MinRecentCold is the least recent decayed count while the history
	// is young (default 5): ten users within two minutes still have about
	// 6 at the next snapshot, which MinRecent 10 never lets through. The
	// gate moves from MinRecentCold to MinRecent with the prior's weight
	// (see MinRecentAt); the distinct-users gate holds throughout.
	MinRecentCold float64
	// MinRatio is the least C_s/(E+Prior) (default 2).
	MinRatio float64
	// MinScore is the least z-score (default 4).
	MinScore float64
	// Prior is added to E under the square root and in the ratio
	// (default 1), so keywords with no baseline do not score infinitely.
	Prior float64
	// Size is how many keywords a snapshot keeps (default 20).
	Size int
	// OwnBaselineOnly turns the cold-start prior off: E is the keyword's
	// own baseline share alone, the scoring before the prior existed
	// (with MinRecent 10 it is the old scoring, kept so the harness can
	// report both side by side: see OldRules).
	OwnBaselineOnly bool
	// PriorStrength overrides the cold-start prior's strength M (0: the
	// default, see PriorMass).
	PriorStrength float64
}

// OldRules are the rules before the cold-start work (own baseline only,
// MinRecent 10) with r's other fields, for side-by-side comparisons.
func (r Rules) OldRules() Rules {
	r.OwnBaselineOnly, r.MinRecent, r.MinRecentCold = true, 10, 10
	return r
}

// WithDefaults fills zero fields with the defaults.
func (r Rules) WithDefaults() Rules {
	r.MinUsers = cmp.Or(r.MinUsers, 10)
	r.MinRecent = cmp.Or(r.MinRecent, 10)
	r.MinRecentCold = min(cmp.Or(r.MinRecentCold, 5), r.MinRecent)
	r.MinRatio = cmp.Or(r.MinRatio, 2)
	r.MinScore = cmp.Or(r.MinScore, 4)
	r.Prior = cmp.Or(r.Prior, 1)
	r.Size = cmp.Or(r.Size, 20)
	return r
}

// Validate checks r (after WithDefaults).
func (r Rules) Validate() error {
	if r.MinUsers < 1 || r.MinRecent < 0 || r.MinRecentCold < 0 || r.MinRatio < 1 || r.Prior <= 0 || r.Size < 1 || r.Size > 100 {
		return engine.Errorf(engine.Invalid, "trending: rules need MinUsers ≥ 1, MinRecent ≥ 0, MinRatio ≥ 1, Prior > 0 and 1 ≤ Size ≤ 100")
	}
	return nil
}

// Candidate is one member of the candidate pool as the ranking saw it: the
// admin debug view.
type Candidate struct {
	Key     string `json:"key"`
	Keyword string `json:"keyword,omitempty"` // display form
	// Recent (C_s), Baseline (C_l) and Expected (E) are decayed counts.
	Recent   float64 `json:"recent"`
	Baseline float64 `json:"baseline"`
	Expected float64 `json:"expected"`
	// RecentPerMin is the recent rate λ_s·C_s and BaselinePerMin the rate
	// the keyword's usual share predicts, λ_s·E, in searches per minute.
	RecentPerMin   float64 `json:"recent_per_min"`
	BaselinePerMin float64 `json:"baseline_per_min"`
	// Users is -1 when not counted (an earlier gate failed and all=false).
	Users  int64   `json:"users"`
	Ratio  float64 `json:"ratio"`
	Score  float64 `json:"score"`
	Shown  bool    `json:"shown"`
	Rank   int     `json:"rank,omitempty"`
	Reason string  `json:"reason"`
	// ListedSince is when the keyword entered the published list (nil
	// when it is not in it).
	ListedSince *time.Time `json:"listed_since,omitempty"`
}

// Expected returns E(k) = C_l(k) · (T_s − C_s(k)) / (T_l − C_l(k)): the
// keyword's baseline count scaled by how busy the rest of the traffic is
// now compared with its baseline. Leaving the keyword itself out keeps a
// burst from inflating its own expectation. With no other traffic the
// steady-state factor λ_l/λ_s is used. This is the keyword's own share
// alone; Rules.Expected adds the cold-start prior.
func (p Pool) Expected(e PoolEntry, cfg StoreConfig) float64 {
	restS, restL, ok := p.rest(e)
	if !ok {
		return e.Baseline * cfg.LambdaLong() / cfg.LambdaShort()
	}
	return e.Baseline * restS / restL
}

// rest returns the recent and baseline totals of the traffic other than
// e, and false when there is (next to) none.
func (p Pool) rest(e PoolEntry) (restS, restL float64, ok bool) {
	restS, restL = p.RecentTotal-e.Recent, p.BaselineTotal-e.Baseline
	return restS, restL, restS > 0 && restL > 0 && restL > 1e-9*p.BaselineTotal
}

// PriorMass is the strength M of the cold-start prior, in counts of the
// baseline that lies beyond the recent window (T_l − T_s, see Expected):
// MinUsers (10 by default). Until the rest of the traffic holds more
// searches older than the recent window than it takes to list one keyword
// (MinUsers, one per user), it cannot say what is usual even for a keyword
// at the listing threshold, so the prior (a typical keyword's share)
// weighs more than the keyword's own older share; past that the keyword's
// own history takes over (weight D/(D+M) for D older counts: 99% at a
// thousand, which a site at 1 search/s holds after about 20 minutes and
// established traffic far exceeds). Measured on fresh stores (harness
// BenchmarkAccuracyColdStart) M = 10 listed 17–20 of 20 bursts of 10–40
// users and nothing else at 0.5 and 20 searches/s; M = 60 and 600 listed
// about 2 and 7 steady head keywords per busy fresh start. 0 with
// OwnBaselineOnly.
func (r Rules) PriorMass(cfg StoreConfig) float64 {
	if r.OwnBaselineOnly {
		return 0
	}
	if r.PriorStrength > 0 {
		return r.PriorStrength
	}
	return float64(r.MinUsers)
}

// MinRecentAt is the recent-volume gate for pool: MinRecentCold while the
// traffic's counts older than the recent window, D = T_l − T_s, are few,
// moving to MinRecent with their weight D/(D+M), as the prior does (the
// gate is MinRecent within 1% once D holds a thousand counts).
func (r Rules) MinRecentAt(p Pool, cfg StoreConfig) float64 {
	m := r.PriorMass(cfg)
	if m == 0 {
		return r.MinRecent
	}
	d := max(0, p.BaselineTotal-p.RecentTotal)
	return r.MinRecentCold + (r.MinRecent-r.MinRecentCold)*d/(d+m)
}

// Expected returns the expected recent count of e with the cold-start
// prior. The keyword's usual share is taken from its counts older than the
// recent window, D(k) = C_l(k) − C_s(k) (the difference of the two
// decay kernels is ≈ 0 for the last minute and ≈ 1 beyond ten: a burst's
// own searches are not its baseline), as the posterior mean of a Beta
// prior with mean p0 and strength M (PriorMass):
//
//	share = (D(k) + M·p0) / (D_rest + M),   D_rest = (T_l − C_l) − (T_s − C_s)
//	E     = share · (T_s − C_s(k))
//
// where p0 = 1/N is the share an unseen keyword gets among the N distinct
// keywords of the pool (at most PoolSize). In steady state D(k)/D_rest is
// the keyword's share, so established traffic gets Pool.Expected's E. On a
// fresh instance every count is seconds old: C_l ≈ C_s for every keyword,
// so Pool.Expected predicts each burst from itself (nothing is ever "more
// than usual"), while here D ≈ 0 and the prior expects a typical
// keyword's count, until the older history holds more than M counts.
// With no other traffic at all the steady-state factor is used, as in
// Pool.Expected, so a lone steady keyword does not rise.
func (r Rules) Expected(p Pool, e PoolEntry, cfg StoreConfig) float64 {
	m := r.PriorMass(cfg)
	restS, restL, ok := p.rest(e)
	if m == 0 || !ok {
		return p.Expected(e, cfg)
	}
	n := float64(max(1, min(len(p.Entries), cfg.PoolSize)))
	older, restOlder := max(0, e.Baseline-e.Recent), max(0, restL-restS)
	return restS * (older + m/n) / (restOlder + m)
}

// Score returns the ratio and z-score of a recent count against E.
func (r Rules) Score(recent, expected float64) (ratio, score float64) {
	return recent / (expected + r.Prior), (recent - expected) / math.Sqrt(expected+r.Prior)
}

// Evaluate ranks a pool. blocked reports blocklisted keys; users counts
// distinct users of keys. Users are counted only for keys that pass the
// other gates unless all is set (debug view). The result lists shown
// candidates first, by rank, then the rest by score.
func (r Rules) Evaluate(cfg StoreConfig, pool Pool, blocked func(string) bool, users func([]string) ([]int64, error), all bool) ([]Candidate, error) {
	perMin := cfg.LambdaShort() * 60
	minRecent := r.MinRecentAt(pool, cfg)
	cands := make([]Candidate, len(pool.Entries))
	var ask []int
	for i, e := range pool.Entries {
		exp := r.Expected(pool, e, cfg)
		ratio, score := r.Score(e.Recent, exp)
		c := Candidate{
			Key: e.Key, Recent: e.Recent, Baseline: e.Baseline, Expected: exp,
			RecentPerMin: perMin * e.Recent, BaselinePerMin: perMin * exp,
			Users: -1, Ratio: ratio, Score: score,
		}
		switch {
		case blocked != nil && blocked(e.Key):
			c.Reason = WhyBlocked
		case e.Recent < minRecent:
			c.Reason = WhyLowVolume
		case ratio < r.MinRatio:
			c.Reason = WhyNotRising
		case score < r.MinScore:
			c.Reason = WhyLowScore
		}
		if c.Reason == "" || all {
			ask = append(ask, i)
		}
		cands[i] = c
	}
	if len(ask) > 0 {
		keys := make([]string, len(ask))
		for j, i := range ask {
			keys[j] = cands[i].Key
		}
		n, err := users(keys)
		if err != nil {
			return nil, err
		}
		for j, i := range ask {
			cands[i].Users = n[j]
			if cands[i].Reason == "" && n[j] < r.MinUsers {
				cands[i].Reason = WhyFewUsers
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		pi, pj := cands[i].Reason == "", cands[j].Reason == ""
		if pi != pj {
			return pi
		}
		if cands[i].Score != cands[j].Score {
			return cands[i].Score > cands[j].Score
		}
		return cands[i].Key < cands[j].Key
	})
	rank := 0
	for i := range cands {
		if cands[i].Reason != "" {
			continue
		}
		rank++
		if rank > r.Size {
			cands[i].Reason = WhyBelowTop
			continue
		}
		cands[i].Shown, cands[i].Rank, cands[i].Reason = true, rank, WhyShown
	}
	return cands, nil
}
