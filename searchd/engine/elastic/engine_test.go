package elastic_test

import (
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/engine/conformance"
	"github.com/searchd/searchd/searchd/engine/elastic"
	"github.com/searchd/searchd/searchd/search"
)

// openOn opens an engine on node with prefix and closes it when tb ends.
func openOn(tb testing.TB, url, prefix string, settings engine.AnalysisSettings, tune func(*elastic.Options)) *elastic.Engine {
	tb.Helper()
	opts := elastic.Options{URLs: []string{url}, Prefix: prefix, Analysis: settings, RequestTimeout: 30 * time.Second, Logger: testLogger(tb)}
	if tune != nil {
		tune(&opts)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e, err := elastic.Open(ctx, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := e.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return e
}

// openTemp opens an engine with a fresh prefix on the test node; every
// index it creates is deleted when tb ends.
func openTemp(tb testing.TB, settings engine.AnalysisSettings) engine.Engine {
	tb.Helper()
	node := testenv.OpenSearch(tb)
	e := openOn(tb, node.URL, node.Prefix(tb), settings, fastFollow)
	if err := e.Ready(context.Background()); err != nil {
		tb.Fatalf("ready: %v", err)
	}
	return e
}

// fastFollow makes one instance's Follow quick: a test's single instance
// needs no time for others to learn about followers.
func fastFollow(o *elastic.Options) {
	o.LiveRefresh, o.FollowWait = 500*time.Millisecond, 500*time.Millisecond
}

func TestConformance(t *testing.T) {
	conformance.Run(t, openTemp)
}

// forwarder is a TCP proxy to target that refuses connections (closes them
// at once) until up is set: a cluster that is down at start.
type forwarder struct {
	ln     net.Listener
	target string
	up     atomic.Bool
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns []net.Conn
}

func newForwarder(t *testing.T, target string) *forwarder {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &forwarder{ln: ln, target: target}
	f.wg.Add(1)
	go f.serve()
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		for _, c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
		f.wg.Wait()
	})
	return f
}

func (f *forwarder) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		if !f.up.Load() {
			c.Close()
			continue
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			defer c.Close()
			u, err := net.Dial("tcp", f.target)
			if err != nil {
				return
			}
			defer u.Close()
			f.mu.Lock()
			f.conns = append(f.conns, c, u)
			f.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			io.Copy(c, u)
		}()
	}
}

func TestNotReadyUntilTheClusterAnswers(t *testing.T) {
	node := testenv.OpenSearch(t)
	host := node.URL[len("http://"):]
	f := newForwarder(t, host)
	ctx := context.Background()
	start := time.Now()
	e := openOn(t, "http://"+f.ln.Addr().String(), node.Prefix(t), conformance.Settings(), func(o *elastic.Options) {
		o.ConnectBackoffMax = 200 * time.Millisecond
	})
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Open blocked for %v with the cluster down", d)
	}
	if err := e.Ready(ctx); engine.ErrorCode(err) != engine.EngineUnavailable {
		t.Fatalf("ready with the cluster down: %v, want unavailable", err)
	}
	if _, err := e.Search(ctx, engine.Plan{Size: 10}); engine.ErrorCode(err) != engine.EngineUnavailable {
		t.Fatalf("search with the cluster down: %v, want unavailable", err)
	}
	if _, err := e.IndexBatch(ctx, conformance.Documents(), true); engine.ErrorCode(err) != engine.EngineUnavailable {
		t.Fatalf("index with the cluster down: %v, want unavailable", err)
	}

	f.up.Store(true)
	deadline := time.Now().Add(60 * time.Second)
	for e.Ready(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("not ready a minute after the cluster came up: %v", e.Ready(ctx))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if e.Live().Number != 1 {
		t.Fatalf("live = %+v, want the first version", e.Live())
	}
	if err := e.Index(ctx, conformance.Documents()[0], true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Get(ctx, conformance.Documents()[0].ID); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	ctx := context.Background()
	for name, o := range map[string]elastic.Options{
		"no url":       {},
		"upper prefix": {URLs: []string{"http://127.0.0.1:1"}, Prefix: "Docs"},
		"bad analysis": {URLs: []string{"http://127.0.0.1:1"}, Analysis: engine.AnalysisSettings{DecompoundMode: "sideways"}},
	} {
		t.Run(name, func(t *testing.T) {
			e, err := elastic.Open(ctx, o)
			if engine.ErrorCode(err) != engine.Invalid {
				if e != nil {
					e.Close()
				}
				t.Fatalf("error %v, want invalid_argument", err)
			}
		})
	}
}

// indexFixtures indexes the conformance documents and fails on any error.
func indexFixtures(t *testing.T, e engine.Engine) {
	t.Helper()
	items, err := e.IndexBatch(context.Background(), conformance.Documents(), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Error != nil {
			t.Fatalf("%s: %v", it.ID, it.Error)
		}
	}
}

func TestSwapIsAtomicForSearches(t *testing.T) {
	node := testenv.OpenSearch(t)
	e := openOn(t, node.URL, node.Prefix(t), conformance.Settings(), nil)
	ctx := context.Background()
	indexFixtures(t, e)
	v, err := e.CreateVersion(ctx, conformance.Settings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CopyVersion(ctx, 1, v, time.Time{}); err != nil {
		t.Fatal(err)
	}
	want := int64(len(conformance.Documents()))
	stop := make(chan struct{})
	var searches, wrong atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := e.Search(ctx, engine.Plan{Size: 1})
				searches.Add(1)
				if err != nil || r.Total != want {
					wrong.Add(1)
					firstErr.CompareAndSwap(nil, struct {
						total int64
						err   error
					}{r.Total, err})
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		to := v
		if i%2 == 1 {
			to = 1
		}
		if err := e.SwapAlias(ctx, to); err != nil {
			close(stop)
			wg.Wait()
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if wrong.Load() > 0 {
		t.Fatalf("%d of %d searches during swaps saw a wrong total or failed; first: %+v", wrong.Load(), searches.Load(), firstErr.Load())
	}
	if searches.Load() == 0 {
		t.Fatal("no search ran during the swaps")
	}
}

func TestReopenFindsTheLiveVersionAndItsSettings(t *testing.T) {
	node := testenv.OpenSearch(t)
	prefix := node.Prefix(t)
	ctx := context.Background()
	a := openOn(t, node.URL, prefix, conformance.Settings(), func(o *elastic.Options) { o.LiveRefresh = 100 * time.Millisecond })
	indexFixtures(t, a)

	// A second instance on the same cluster and prefix.
	b := openOn(t, node.URL, prefix, engine.AnalysisSettings{}, func(o *elastic.Options) { o.LiveRefresh = 100 * time.Millisecond })
	if b.Live().Number != 1 || b.Live().Analysis.Synonyms != conformance.Settings().Synonyms {
		t.Fatalf("second instance: live %+v, want version 1 with the suite's settings", b.Live())
	}

	next := conformance.Settings()
	next.Synonyms += "등산, 하이킹\n"
	v, err := a.CreateVersion(ctx, next)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CopyVersion(ctx, 1, v, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := a.SwapAlias(ctx, v); err != nil {
		t.Fatal(err)
	}
	// The other instance sees the swap on its next refresh.
	deadline := time.Now().Add(10 * time.Second)
	for b.Live().Number != v {
		if time.Now().After(deadline) {
			t.Fatalf("the other instance still has live %d", b.Live().Number)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if b.Live().Analysis.Synonyms != next.Synonyms {
		t.Fatalf("the other instance's live settings: %+v", b.Live().Analysis)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// A restart with different configured settings keeps the cluster's.
	c := openOn(t, node.URL, prefix, engine.AnalysisSettings{}, nil)
	if c.Live().Number != v || c.Live().Analysis.Synonyms != next.Synonyms || !c.Live().Live {
		t.Fatalf("after reopen: live %+v, want version %d with the new synonyms", c.Live(), v)
	}
	st, err := c.Stats(ctx)
	if err != nil || st.Docs != uint64(len(conformance.Documents())) || st.Version != v {
		t.Fatalf("stats after reopen = %+v, %v", st, err)
	}
	vs, err := c.Versions(ctx)
	if err != nil || len(vs) != 2 || vs[0].Docs != uint64(len(conformance.Documents())) || vs[0].Live || !vs[1].Live {
		t.Fatalf("versions after reopen = %+v, %v", vs, err)
	}
	s := search.NewService(c, engine.NopSink{}, nil)
	r, err := s.Search(ctx, engine.Query{Text: "하이킹"}, search.RequestMeta{})
	if err != nil || r.Total != 1 || r.Hits[0].ID != "hiking" {
		t.Fatalf("search with the new version's synonyms: %+v, %v", r, err)
	}
}

func testLogger(tb testing.TB) *zap.Logger {
	if !testing.Verbose() {
		return nil
	}
	return zaptest.NewLogger(tb)
}

func TestAnalyzeExplainReadsNoriAttributes(t *testing.T) {
	e := openTemp(t, conformance.Settings())
	toks, err := e.Analyze(context.Background(), engine.AnalyzeRequest{Analyzer: "search", Text: "독서모임을 했다", Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(toks) == 0 {
		t.Fatal("no tokens")
	}
	for _, tk := range toks {
		if tk.LeftPOS == "" || tk.POSType == "" {
			t.Errorf("token without nori attributes: %+v", tk)
		}
	}
	plain, err := e.Analyze(context.Background(), engine.AnalyzeRequest{Analyzer: "search", Text: "독서모임을 했다"})
	if err != nil || len(plain) != len(toks) || plain[0].LeftPOS != "" {
		t.Errorf("without explain: %+v, %v (explain gave %d tokens)", plain, err, len(toks))
	}
	if _, err := e.Analyze(context.Background(), engine.AnalyzeRequest{Analyzer: "standard", Text: "x"}); engine.ErrorCode(err) != engine.Invalid {
		t.Errorf("unknown analyzer: %v, want invalid_argument", err)
	}
}

// A Latin user word stays one token in the cluster whatever its case, as
// in the Go analyzer (nori itself matches user words case-sensitively; the
// generated settings give it both spellings).
func TestUserWordsMatchInEitherCase(t *testing.T) {
	e := openTemp(t, engine.AnalysisSettings{UserDictionary: []string{"C++"}})
	for _, text := range []string{"C++ 스터디", "c++ 스터디"} {
		toks, err := e.Analyze(context.Background(), engine.AnalyzeRequest{Analyzer: "search", Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if len(toks) == 0 || toks[0].Token != "c++" {
			t.Errorf("%q analyzed to %+v, want c++ first", text, toks)
		}
	}
}
