package trendingtest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/searchd/engine"
)

// Backend creates an empty backend for one test, counting with cfg (the
// clock times in-process lock expiry), and returns a function that
// connects a new Store to it. Every connection sees the same data, as
// instances sharing one Redis do; each is closed by the suite.
type Backend func(tb testing.TB, cfg trending.StoreConfig, clock trending.Clock) func() trending.Store

// Salt is the identity salt the suite configures.
const Salt = "trendingtest-salt-0123456789"

// Start is the suite's simulated start time.
var Start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// StoreSuite runs the behavioural tests every trending store must pass,
// through the public Service API at accelerated (manual) time.
func StoreSuite(t *testing.T, backend Backend) {
	t.Run("EmptyBeforeFirstSnapshot", func(t *testing.T) { testEmpty(t, backend) })
	t.Run("SteadyBackgroundDoesNotTrend", func(t *testing.T) { testSteady(t, backend) })
	t.Run("StrongBurstShows", func(t *testing.T) { testBurst(t, backend) })
	t.Run("SpammerNeverTrends", func(t *testing.T) { testSpammer(t, backend) })
	t.Run("VariantsMerge", func(t *testing.T) { testVariants(t, backend) })
	t.Run("BlocklistRemovesAtOnce", func(t *testing.T) { testBlocklist(t, backend) })
	t.Run("Movement", func(t *testing.T) { testMovement(t, backend) })
	t.Run("DedupWindow", func(t *testing.T) { testDedup(t, backend) })
	t.Run("ForwardDecayAndRescale", func(t *testing.T) { testDecay(t, backend) })
	t.Run("PoolIsTrimmed", func(t *testing.T) { testTrim(t, backend) })
	t.Run("NoiseIsExcluded", func(t *testing.T) { testNoise(t, backend) })
	t.Run("LeaderLockExpires", func(t *testing.T) { testLockExpiry(t, backend) })
	t.Run("OneLeaderAndFailover", func(t *testing.T) { testFailover(t, backend) })
	t.Run("ColdStartBurstShows", func(t *testing.T) { testColdStart(t, backend) })
	t.Run("ColdStartTenUsersShow", func(t *testing.T) { testColdStartTen(t, backend) })
	t.Run("LowTrafficBurstShows", func(t *testing.T) { testLowTraffic(t, backend) })
	t.Run("ItemsSayWhy", func(t *testing.T) { testWhy(t, backend) })
	t.Run("PersonalDataNeverTrends", func(t *testing.T) { testPersonalData(t, backend) })
	t.Run("ReviewQueue", func(t *testing.T) { testReview(t, backend) })
	t.Run("ReviewAutoApprove", func(t *testing.T) { testReviewAutoApprove(t, backend) })
	t.Run("ByCategory", func(t *testing.T) { testCategory(t, backend) })
	t.Run("CategoriesAreBounded", func(t *testing.T) { testCategoryBound(t, backend) })
}

// env is one simulated deployment: a store, a service counting into it
// and a manual clock.
type env struct {
	tb      testing.TB
	ctx     context.Context
	clock   *ManualClock
	connect func() trending.Store
	svc     *trending.Service
	reg     *prometheus.Registry
	rng     *rand.Rand
	bgUsers int
}

func newEnv(tb testing.TB, backend Backend, cfg trending.StoreConfig) *env {
	tb.Helper()
	clock := NewManualClock(Start)
	e := &env{tb: tb, ctx: context.Background(), clock: clock, rng: rand.New(rand.NewPCG(1, 2)), bgUsers: 5000}
	e.connect = backend(tb, cfg, clock)
	e.svc, e.reg = e.service(trending.Config{Clock: clock})
	return e
}

// service builds a Service on a new connection and runs its counter
// worker until the test ends.
func (e *env) service(cfg trending.Config) (*trending.Service, *prometheus.Registry) {
	e.tb.Helper()
	cfg.Counter.Salt = Salt
	reg := prometheus.NewRegistry()
	store := e.connect()
	svc, err := trending.New(cfg, store, reg, nil)
	if err != nil {
		e.tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = svc.Counter.Run(ctx); close(done) }()
	e.tb.Cleanup(func() { cancel(); <-done; _ = svc.Close() })
	return svc, reg
}

// search publishes one search at the clock's time.
func (e *env) search(user, query string, total int64) {
	e.svc.Publish(e.ctx, engine.SearchEvent{Time: e.clock.Now(), Query: query, Canonical: query, Total: total, UserID: user})
}

// searchIn publishes one search filtered on category ("" none).
func (e *env) searchIn(user, query, category string) {
	ev := engine.SearchEvent{Time: e.clock.Now(), Query: query, Canonical: query, Total: 10, UserID: user}
	if category != "" {
		ev.Filters = map[string][]string{"category": {category}}
	}
	e.svc.Publish(e.ctx, ev)
}

func (e *env) flush() {
	e.tb.Helper()
	if err := e.svc.Flush(e.ctx); err != nil {
		e.tb.Fatal(err)
	}
}

// background keywords and their rates (searches per second).
var background = []struct {
	q    string
	rate float64
}{
	{"날씨", 0.8}, {"뉴스", 0.6}, {"유튜브", 0.5}, {"로또", 0.4}, {"맛집 추천", 0.3},
	{"영화 순위", 0.25}, {"주식", 0.2}, {"환율", 0.15}, {"부동산", 0.1}, {"게임", 0.05},
}

// burst is extra traffic: rate searches per second of query cycling
// through users.
type burst struct {
	query    []string // cycled through: spelling variants
	users    []string
	rate     float64
	category string // the category filter of every search ("" none)
}

func users(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return out
}

const step = 5 * time.Second

// run advances the clock by d in steps, publishing Poisson background
// traffic from a large user pool and the bursts, flushing every step.
func (e *env) run(d time.Duration, bursts ...*burst) {
	e.tb.Helper()
	n := make([]float64, len(bursts))
	sent := make([]int, len(bursts))
	for elapsed := time.Duration(0); elapsed < d; elapsed += step {
		e.clock.Advance(step)
		for _, bg := range background {
			for range poisson(e.rng, bg.rate*step.Seconds()) {
				e.search(fmt.Sprintf("bg-%d", e.rng.IntN(e.bgUsers)), bg.q, 10)
			}
		}
		for i, b := range bursts {
			n[i] += b.rate * step.Seconds()
			for ; float64(sent[i]) < n[i]; sent[i]++ {
				e.searchIn(b.users[sent[i]%len(b.users)], b.query[sent[i]%len(b.query)], b.category)
			}
		}
		e.flush()
	}
}

func poisson(r *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p < l {
			return k
		}
		k++
	}
}

func (e *env) step() trending.Snapshot {
	e.tb.Helper()
	s, err := e.svc.Step(e.ctx)
	if err != nil {
		e.tb.Fatal(err)
	}
	return s
}

func (e *env) snapshot() trending.Snapshot {
	e.tb.Helper()
	s, err := e.svc.Snapshot(e.ctx)
	if err != nil {
		e.tb.Fatal(err)
	}
	return s
}

func (e *env) candidate(key string) (trending.Candidate, bool) {
	e.tb.Helper()
	cs, err := e.svc.Debug(e.ctx)
	if err != nil {
		e.tb.Fatal(err)
	}
	for _, c := range cs {
		if c.Key == key {
			return c, true
		}
	}
	return trending.Candidate{}, false
}

func find(s trending.Snapshot, key string) (trending.Item, bool) {
	for _, it := range s.Items {
		if it.Key == key {
			return it, true
		}
	}
	return trending.Item{}, false
}

func keys(s trending.Snapshot) []string {
	var out []string
	for _, it := range s.Items {
		out = append(out, it.Key)
	}
	return out
}

// warm runs 40 simulated minutes of background so baselines exist.
func (e *env) warm() { e.run(40 * time.Minute) }

func testEmpty(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	s := e.snapshot()
	if !s.UpdatedAt.IsZero() || len(s.Items) != 0 || s.Items == nil {
		t.Fatalf("before any snapshot: got %+v, want empty items and zero time", s)
	}
	if s.Window.RecentHalfLifeSeconds != 120 || s.Window.IntervalSeconds != 30 {
		t.Fatalf("window = %+v, want 120 s half-life and 30 s interval", s.Window)
	}
	// A step with nothing counted publishes an empty snapshot.
	if s := e.step(); len(s.Items) != 0 || !s.UpdatedAt.Equal(Start) {
		t.Fatalf("first step on an empty store: %+v", s)
	}
}

func testSteady(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	for range 6 {
		e.run(10 * time.Minute)
		if s := e.step(); len(s.Items) != 0 {
			t.Fatalf("steady background at %v produced trending items %v", e.clock.Now().Sub(Start), keys(s))
		}
	}
	c, ok := e.candidate("날씨")
	if !ok {
		t.Fatal("the most searched background keyword is not in the candidate pool")
	}
	if c.Reason != trending.WhyNotRising && c.Reason != trending.WhyLowScore {
		t.Fatalf("steady keyword: reason %q, want not rising", c.Reason)
	}
	if c.RecentPerMin < 30 || c.RecentPerMin > 70 || math.Abs(c.Score) > 4 {
		t.Fatalf("steady keyword at 48/min: %+v", c)
	}
}

func testBurst(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	e.warm()
	e.step()
	// 40 users search a new keyword within a minute.
	e.run(time.Minute, &burst{query: []string{"신작 게임 출시"}, users: users("fan", 40), rate: 40.0 / 60})
	s := e.step()
	it, ok := find(s, "신작게임출시")
	if !ok {
		t.Fatalf("burst from 40 users within a minute is not trending: %v", keys(s))
	}
	if it.Rank != 1 || it.Keyword != "신작 게임 출시" || it.Movement.Direction != trending.MoveNew {
		t.Fatalf("burst item = %+v, want rank 1, display form, new", it)
	}
	if !s.UpdatedAt.Equal(e.clock.Now()) || s.Window.RecentHalfLifeSeconds != 120 || s.Window.BaselineHalfLifeSeconds != 7200 {
		t.Fatalf("snapshot time/window: %v %+v", s.UpdatedAt, s.Window)
	}
	if got := e.snapshot(); len(got.Items) != len(s.Items) || !reflect.DeepEqual(got.Items[0], s.Items[0]) {
		t.Fatalf("stored snapshot %+v differs from computed %+v", got, s)
	}
	// A rise of an established keyword: 날씨 (0.8/s) gets 6/s from new users.
	e.run(time.Minute, &burst{query: []string{"날씨"}, users: users("storm", 400), rate: 6})
	if _, ok := find(e.step(), "날씨"); !ok {
		c, _ := e.candidate("날씨")
		t.Fatalf("an established keyword at 8× its rate is not trending: %+v", c)
	}
}

func testSpammer(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	e.warm()
	spam := &burst{query: []string{"불법 도박 사이트"}, users: []string{"bot"}, rate: 20}
	for range 4 {
		e.run(5*time.Minute, spam)
		if _, ok := find(e.step(), "불법도박사이트"); ok {
			t.Fatal("a single user repeating a query made it trend")
		}
	}
	c, ok := e.candidate("불법도박사이트")
	if !ok {
		t.Fatal("the spammed keyword is not a candidate at all")
	}
	if c.Users != 1 || c.Reason != trending.WhyLowVolume && c.Reason != trending.WhyFewUsers {
		t.Fatalf("spammed keyword: %+v, want 1 user, low volume or too few users", c)
	}
	// 6000 searches in 20 minutes, counted once per 10-minute dedup window.
	if c.Recent > 2 {
		t.Fatalf("spammed keyword recent count %.2f: dedup did not hold", c.Recent)
	}
}

func testVariants(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	e.warm()
	nfd := norm.NFD.String("아이폰 15")
	variants := []string{"아이폰 15", "아이폰15", " 아이폰  15 ", nfd, "아이폰 15"}
	e.run(time.Minute, &burst{query: variants, users: users("buyer", 50), rate: 50.0 / 60})
	s := e.step()
	n := 0
	for _, it := range s.Items {
		if it.Key == "아이폰15" {
			n++
		}
	}
	if n != 1 || len(s.Items) != 1 {
		t.Fatalf("variants of one keyword: %v, want exactly one item 아이폰15", keys(s))
	}
	if s.Items[0].Keyword != "아이폰 15" {
		t.Fatalf("display form %q, want the most frequent surface form 아이폰 15", s.Items[0].Keyword)
	}
	c, _ := e.candidate("아이폰15")
	if c.Users < 48 || c.Users > 52 {
		t.Fatalf("users of merged variants = %d, want 50", c.Users)
	}
}

func testBlocklist(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	e.warm()
	e.run(time.Minute,
		&burst{query: []string{"연예인 루머"}, users: users("a", 40), rate: 40.0 / 60},
		&burst{query: []string{"콘서트 예매"}, users: users("b", 40), rate: 30.0 / 60})
	s := e.step()
	if len(s.Items) != 2 {
		t.Fatalf("want two trending items, got %v", keys(s))
	}
	if _, err := e.svc.SetBlocklist(e.ctx, trending.Blocklist{Exact: []string{"연예인  루머"}}); err != nil {
		t.Fatal(err)
	}
	got := e.snapshot()
	if _, ok := find(got, "연예인루머"); ok || len(got.Items) != 1 || got.Items[0].Rank != 1 {
		t.Fatalf("after blocking, read (no new step) shows %+v", got.Items)
	}
	if _, ok := find(e.step(), "연예인루머"); ok {
		t.Fatal("a blocked keyword was computed into a new snapshot")
	}
	if c, _ := e.candidate("연예인루머"); c.Reason != trending.WhyBlocked {
		t.Fatalf("debug reason %q, want blocked", c.Reason)
	}
	bl, err := e.svc.SetBlocklist(e.ctx, trending.Blocklist{Patterns: []string{"콘서트*"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(bl.Patterns) != 1 || bl.Patterns[0] != "콘서트*" || bl.UpdatedAt.IsZero() {
		t.Fatalf("stored blocklist %+v", bl)
	}
	if got := e.snapshot(); len(got.Items) != 0 {
		t.Fatalf("pattern block: read shows %v", keys(got))
	}
	if got := e.step(); len(got.Items) != 1 || got.Items[0].Key != "연예인루머" {
		t.Fatalf("after unblocking the exact entry, the next snapshot shows %v", keys(got))
	}
	if back, err := e.svc.Blocklist(e.ctx); err != nil || len(back.Patterns) != 1 || len(back.Exact) != 0 {
		t.Fatalf("Blocklist() = %+v, %v", back, err)
	}
	_, err = e.svc.SetBlocklist(e.ctx, trending.Blocklist{Patterns: []string{"**"}})
	if engine.ErrorCode(err) != engine.Invalid {
		t.Fatalf("a pattern blocking everything: err %v, want invalid_argument", err)
	}
}

// festival warms a new env, runs a minute of a 600-user burst of 벚꽃 축제
// and steps: the env, the burst and the snapshot.
func festival(t *testing.T, b Backend) (*env, *burst, trending.Snapshot) {
	e := newEnv(t, b, trending.StoreConfig{})
	e.warm()
	a := &burst{query: []string{"벚꽃 축제"}, users: users("a", 600), rate: 1}
	e.run(time.Minute, a)
	return e, a, e.step()
}

func testMovement(t *testing.T, b Backend) {
	e, a, first := festival(t, b)
	if it, ok := find(first, "벚꽃축제"); !ok || it.Movement.Direction != trending.MoveNew {
		t.Fatalf("first appearance: %+v", first.Items)
	}
	e.run(30*time.Second, a)
	if it, ok := find(e.step(), "벚꽃축제"); !ok || it.Movement.Direction != trending.MoveSame {
		t.Fatalf("unchanged rank: %+v, want same", it)
	}
	e.run(time.Minute, a, &burst{query: []string{"지진 속보"}, users: users("q", 600), rate: 5})
	s := e.step()
	q, _ := find(s, "지진속보")
	c, _ := find(s, "벚꽃축제")
	if q.Rank != 1 || q.Movement.Direction != trending.MoveNew || c.Rank != 2 || c.Movement != (trending.Movement{Direction: trending.MoveDown, Steps: 1}) {
		t.Fatalf("after a stronger burst: %+v", s.Items)
	}
	// The quake burst ends; the festival keeps rising past it.
	e.run(4*time.Minute, &burst{query: []string{"벚꽃 축제"}, users: users("a2", 2000), rate: 4})
	s = e.step()
	if c, _ := find(s, "벚꽃축제"); c.Rank != 1 || c.Movement != (trending.Movement{Direction: trending.MoveUp, Steps: 1}) {
		t.Fatalf("overtaking: %+v", s.Items)
	}
}

func testDedup(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	store := e.connect()
	defer store.Close()
	var accepted []time.Time
	for _, at := range []time.Duration{0, time.Minute, 9 * time.Minute, 10*time.Minute + time.Second, 12 * time.Minute, 20*time.Minute + 2*time.Second} {
		e.clock.Set(Start.Add(at))
		e.search("u1", "캠핑", 5)
		e.flush()
		if at == 0 || at == 10*time.Minute+time.Second || at == 20*time.Minute+2*time.Second {
			accepted = append(accepted, Start.Add(at))
		}
	}
	e.search("u2", "캠핑", 5) // another user counts at once
	e.flush()
	accepted = append(accepted, e.clock.Now())
	now := e.clock.Now().Add(30 * time.Second)
	p, err := store.Pool(e.ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for _, at := range accepted {
		want += math.Exp2(-now.Sub(at).Seconds() / 120)
	}
	if len(p.Entries) != 1 || math.Abs(p.Entries[0].Recent-want) > 1e-6*want {
		t.Fatalf("pool %+v, want recent %.6f from %d accepted searches", p.Entries, want, len(accepted))
	}
	if got := counter(t, e.reg, "searchd_trending_counted_total", ""); got != float64(len(accepted)) {
		t.Fatalf("counted_total = %v, want %d", got, len(accepted))
	}
}

func testDecay(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	store := e.connect()
	defer store.Close()
	// Two keywords, one search each (new user) every 10 minutes for three
	// days; maintenance (with rescales) runs hourly for two days, then not
	// at all, so the store must rescale inline.
	const every = 10 * time.Minute
	n := 0
	for at := time.Duration(0); at <= 72*time.Hour; at += every {
		e.clock.Set(Start.Add(at))
		e.search(fmt.Sprintf("d%d", n), "등산", 1)
		e.search(fmt.Sprintf("d%d", n), "낚시", 1)
		n++
		e.flush()
		if at%time.Hour == 0 && at <= 48*time.Hour {
			if err := store.Maintain(e.ctx, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	now := e.clock.Now()
	p, err := store.Pool(e.ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	var wantS, wantL float64
	for i := range n {
		age := now.Sub(Start.Add(time.Duration(i) * every)).Seconds()
		wantS += math.Exp2(-age / 120)
		wantL += math.Exp2(-age / 7200)
	}
	if len(p.Entries) != 2 {
		t.Fatalf("pool has %d entries, want 2", len(p.Entries))
	}
	for _, en := range p.Entries {
		if math.Abs(en.Recent-wantS) > 1e-6*wantS || math.Abs(en.Baseline-wantL) > 1e-6*wantL {
			t.Fatalf("%s: recent %.9f baseline %.9f, want %.9f %.9f", en.Key, en.Recent, en.Baseline, wantS, wantL)
		}
	}
	if math.Abs(p.RecentTotal-2*wantS) > 1e-6*wantS || math.Abs(p.BaselineTotal-2*wantL) > 1e-6*wantL {
		t.Fatalf("totals %.9f %.9f, want %.9f %.9f", p.RecentTotal, p.BaselineTotal, 2*wantS, 2*wantL)
	}
}

func testTrim(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{PoolSize: 10})
	store := e.connect()
	defer store.Close()
	// Keyword i gets i searches from distinct users.
	for i := 1; i <= 60; i++ {
		for u := range i {
			e.search(fmt.Sprintf("u%d", u), fmt.Sprintf("키워드%d", i), 1)
		}
	}
	e.flush()
	if err := store.Maintain(e.ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	p, err := store.Pool(e.ctx, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 10 {
		t.Fatalf("pool has %d entries after trimming to 10", len(p.Entries))
	}
	for _, en := range p.Entries {
		var i int
		fmt.Sscanf(en.Key, "키워드%d", &i)
		if i <= 50 || en.Baseline == 0 {
			t.Fatalf("pool kept %s (recent %.1f, baseline %.1f); want the 10 most searched with baselines", en.Key, en.Recent, en.Baseline)
		}
	}
	// Totals keep every counted search, trimmed or not.
	if math.Abs(p.RecentTotal-60*61/2) > 1e-6 {
		t.Fatalf("recent total %.3f, want %d", p.RecentTotal, 60*61/2)
	}
}

func testNoise(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	e.search("n1", strings.Repeat("아주 긴 검색어 ", 6), 5)
	e.search("n1", "12345 !!!", 5)
	e.search("n1", "   ", 5)
	for i := range 6 {
		e.search(fmt.Sprintf("z%d", i), "qwzxkj", 0) // zero results over and over
	}
	e.svc.Publish(e.ctx, engine.SearchEvent{Query: "익명", Canonical: "익명", Total: 3})
	e.search("n2", "새 검색어", 0) // one zero-result search counts
	e.flush()
	for reason, want := range map[string]float64{
		trending.ReasonTooLong: 1, trending.ReasonNoLetters: 1, trending.ReasonEmpty: 1,
		trending.ReasonZeroResults: 3, trending.ReasonNoIdentity: 1,
	} {
		if got := counter(t, e.reg, "searchd_trending_excluded_total", reason); got != want {
			t.Errorf("excluded{reason=%q} = %v, want %v", reason, got, want)
		}
	}
	p, err := e.connect().Pool(e.ctx, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, en := range p.Entries {
		got[en.Key] = en.Recent
	}
	if len(got) != 2 || got["qwzxkj"] != 3 || got["새검색어"] != 1 {
		t.Fatalf("counted keys %v, want qwzxkj ×3 (before the zero-result rule) and 새검색어", got)
	}
}

func testLockExpiry(t *testing.T, b Backend) {
	clock := SystemClock{}
	connect := b(t, trending.StoreConfig{}, clock)
	a, c := connect(), connect()
	defer a.Close()
	defer c.Close()
	ctx := context.Background()
	const ttl = 300 * time.Millisecond
	mustLock := func(s trending.Store, owner string, want bool) {
		t.Helper()
		ok, err := s.AcquireLeader(ctx, owner, ttl)
		if err != nil || ok != want {
			t.Fatalf("AcquireLeader(%s) = %v, %v; want %v", owner, ok, err, want)
		}
	}
	mustLock(a, "A", true)
	mustLock(c, "B", false)
	mustLock(a, "A", true) // renewal
	// A dies without releasing: B takes over once the lock expires.
	deadline := time.Now().Add(10 * ttl)
	for {
		ok, err := c.AcquireLeader(ctx, "B", ttl)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the lock of a dead leader never expired")
		}
		time.Sleep(ttl / 10)
	}
	mustLock(a, "A", false)
	if err := a.ReleaseLeader(ctx, "A"); err != nil { // not the owner: no effect
		t.Fatal(err)
	}
	mustLock(a, "A", false)
	if err := c.ReleaseLeader(ctx, "B"); err != nil {
		t.Fatal(err)
	}
	mustLock(a, "A", true)
}

// SystemClock re-exports the wall clock for backends.
type SystemClock = trending.SystemClock

func testFailover(t *testing.T, b Backend) {
	clock := SystemClock{}
	e := &env{tb: t, ctx: context.Background(), rng: rand.New(rand.NewPCG(3, 4))}
	e.connect = b(t, trending.StoreConfig{}, clock)
	type inst struct {
		svc    *trending.Service
		reg    *prometheus.Registry
		cancel context.CancelFunc
		done   chan struct{}
	}
	var insts []*inst
	for _, id := range []string{"one", "two"} {
		svc, reg := e.service(trending.Config{Interval: 40 * time.Millisecond, LockTTL: 400 * time.Millisecond, InstanceID: id})
		ctx, cancel := context.WithCancel(context.Background())
		in := &inst{svc: svc, reg: reg, cancel: cancel, done: make(chan struct{})}
		go func() { _ = svc.RunJob(ctx); close(in.done) }()
		t.Cleanup(func() { cancel(); <-in.done })
		insts = append(insts, in)
	}
	leaders := func() []int {
		var out []int
		for i, in := range insts {
			if gauge(t, in.reg, "searchd_trending_leader") == 1 {
				out = append(out, i)
			}
		}
		return out
	}
	updated := func() time.Time {
		s, err := insts[0].svc.Snapshot(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return s.UpdatedAt
	}
	waitFor := func(what string, limit time.Duration, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(limit)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("a first snapshot", 5*time.Second, func() bool { return !updated().IsZero() })
	waitFor("one leader", 5*time.Second, func() bool { return len(leaders()) == 1 })
	// Over several intervals there is never more than one leader.
	for range 20 {
		if l := leaders(); len(l) > 1 {
			t.Fatalf("two leaders at once: %v", l)
		}
		time.Sleep(10 * time.Millisecond)
	}
	old := leaders()[0]
	insts[old].cancel()
	<-insts[old].done
	other := 1 - old
	waitFor("the other instance to lead", 5*time.Second, func() bool { return gauge(t, insts[other].reg, "searchd_trending_leader") == 1 })
	before := updated()
	waitFor("a snapshot from the new leader", 5*time.Second, func() bool { return updated().After(before) })
}

// counter reads a counter (with one label value, or none) from reg.
func counter(tb testing.TB, reg *prometheus.Registry, name, label string) float64 {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if label == "" || (len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == label) {
				if m.GetCounter() != nil {
					return m.GetCounter().GetValue()
				}
				return m.GetGauge().GetValue()
			}
		}
	}
	tb.Fatalf("metric %s{%s} not found", name, label)
	return 0
}

func gauge(tb testing.TB, reg *prometheus.Registry, name string) float64 {
	return counter(tb, reg, name, "")
}
