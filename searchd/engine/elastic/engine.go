// Package elastic is the Elasticsearch engine: documents live in versioned
// indexes "<prefix>docs-v{n}" behind the alias "<prefix>docs", on
// Elasticsearch 7 or OpenSearch 2 with the nori plugin, through
// github.com/olivere/elastic/v7 (sniffing off, explicit timeouts).
//
// As in the embedded engine, each document is analyzed once in Go
// (search.Derive) with the analyzer of the version it goes into: the jamo,
// 초성 and suggestion fields are computed by searchd and indexed as keywords,
// while title and body are analyzed by nori with settings generated from
// the same analysis (analyzers.Analysis.Elasticsearch). A version's
// analysis settings are kept in its index mapping's _meta, so every
// instance sharing the cluster — and an instance restarted later — reads
// them back.
//
// Copying between versions does not use _reindex: the derived fields depend
// on the target version's synonyms and are computed in Go, so _reindex would
// carry stale derived fields over. CopyVersion scans the source with
// search_after, re-derives each document with the target's analyzer and
// bulk-writes it into the target.
//
// Writes go through a bounded queue (callers block when it is full) into
// olivere's BulkProcessor; each document's bulk item result is reported back
// to its caller. Writes go to the concrete index of the live version as this
// instance last saw it (re-read every Options.LiveRefresh, and set by its own
// swaps), because that version's analyzer derived them; a catch-up
// CopyVersion by update time picks up writes that landed in the old version
// around another instance's swap. Reads go through the alias. Searches
// translate an engine.Plan into bool/term/fuzzy/prefix queries only; user
// text never reaches a query language.
//
// When the cluster is unreachable at start, Open returns an engine that
// retries in the background with exponential backoff; Ready reports
// Unavailable (and the log says why) until it has connected and the alias
// exists.
package elastic

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	es "github.com/olivere/elastic/v7"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// Options configure the elastic engine. Zero values take the defaults named.
type Options struct {
	// URLs of the cluster's nodes (http://host:9200). Required.
	URLs []string
	// Username and Password for basic authentication, when set.
	Username, Password string
	// Prefix of every index and alias name: the alias is "<prefix>docs" and
	// the versions "<prefix>docs-v{n}". Lowercase; may be empty.
	Prefix string
	// Analysis is used when the cluster has no documents index yet: the
	// first version is created with these settings.
	Analysis engine.AnalysisSettings
	Logger   *zap.Logger
	// RequestTimeout bounds every HTTP request to the cluster (10s).
	RequestTimeout time.Duration
	// ConnectBackoffMax caps the wait between connection attempts while the
	// cluster is unreachable (30s; the first wait is 250ms).
	ConnectBackoffMax time.Duration
	// LiveRefresh is how often the live version is re-read, so another
	// instance's alias swap becomes visible (10s).
	LiveRefresh time.Duration
	// FollowWait is how long Follow, Unfollow and dropping a follower wait
	// until every instance has re-read the followers and finished writes
	// sent before (LiveRefresh plus RequestTimeout).
	FollowWait time.Duration
	// AnalysisWorkers derive documents in parallel (GOMAXPROCS).
	AnalysisWorkers int
	// QueueSize bounds documents waiting for the bulk processor (10000).
	QueueSize int
	// Bulk processor: actions (1000) and bytes (5 MiB) per bulk request,
	// workers (2) and flush interval (1s).
	BulkActions   int
	BulkBytes     int
	BulkWorkers   int
	FlushInterval time.Duration
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	setDefault(&o.RequestTimeout, 10*time.Second)
	setDefault(&o.ConnectBackoffMax, 30*time.Second)
	setDefault(&o.LiveRefresh, 10*time.Second)
	setDefault(&o.FollowWait, o.LiveRefresh+o.RequestTimeout)
	setDefault(&o.FlushInterval, time.Second)
	setDefault(&o.AnalysisWorkers, defaultWorkers())
	setDefault(&o.QueueSize, 10000)
	setDefault(&o.BulkActions, 1000)
	setDefault(&o.BulkBytes, 5<<20)
	setDefault(&o.BulkWorkers, 2)
}

func setDefault[T int | time.Duration](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// Engine is the elastic engine.
type Engine struct {
	opts     Options
	log      *zap.Logger
	alias    string
	analyses *search.AnalyzerCache
	now      func() time.Time

	stop    context.CancelFunc
	stopped <-chan struct{}
	wg      sync.WaitGroup

	mu      sync.RWMutex
	client  *es.Client // nil until connected
	httpc   *http.Client
	writer  *writer  // nil until connected
	live    *version // nil until the alias is known
	lastErr error    // why the engine is not ready
	closed  bool
	// followers receive every write (follow.go), as last read.
	followers []*version
	// lastStamp is the last write's version (nanoseconds).
	lastStamp atomic.Int64
}

// version is a documents index version as read from the cluster.
type version struct {
	engine.Version
	index    string
	aliased  bool
	follows  bool
	analyzer search.Analyzer
}

// Open validates opts and starts connecting. It returns once the first
// connection attempt has finished (or ctx ends): with a reachable cluster
// the engine is ready; otherwise it keeps retrying in the background and
// Ready says why it is not ready. Close stops it.
func Open(ctx context.Context, opts Options) (*Engine, error) {
	opts.defaults()
	if len(opts.URLs) == 0 {
		return nil, engine.Errorf(engine.Invalid, "elastic: at least one cluster URL is required")
	}
	if opts.Prefix != strings.ToLower(opts.Prefix) || strings.ContainsAny(opts.Prefix, ` "*\<|,>/?#:`) {
		return nil, engine.Errorf(engine.Invalid, "elastic: index prefix %q must be lowercase without spaces or any of \"*\\<|,>/?#:", opts.Prefix)
	}
	e := &Engine{
		opts:     opts,
		log:      opts.Logger.With(zap.String("component", "engine.elastic")),
		alias:    opts.Prefix + "docs",
		analyses: search.NewAnalyzerCache(),
		now:      time.Now,
		lastErr:  errors.New("connecting"),
	}
	if _, err := e.analyzerFor(opts.Analysis); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	e.stop, e.stopped = cancel, runCtx.Done()
	first := make(chan struct{})
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.run(runCtx, first)
	}()
	select {
	case <-first:
	case <-ctx.Done():
	}
	return e, nil
}

// analyzerFor returns the cached analysis of settings, reporting bad
// settings as Invalid. The Elasticsearch settings are generated from the
// same analysis (versionBody).
func (e *Engine) analyzerFor(a engine.AnalysisSettings) (search.Analyzer, error) {
	an, err := e.analyses.Get(a)
	if err != nil {
		return nil, engine.Errorf(engine.Invalid, "analysis settings: %s", engine.ErrorMessage(err))
	}
	return an, nil
}

// run connects with exponential backoff, then keeps the live version fresh
// until ctx ends. first is closed after the first attempt.
func (e *Engine) run(ctx context.Context, first chan struct{}) {
	wait := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := e.connect(ctx)
		if attempt == 1 {
			close(first)
		}
		if err == nil {
			break
		}
		e.setErr(err)
		e.log.Warn("Elasticsearch is not ready; retrying", zap.Strings("urls", e.opts.URLs),
			zap.Int("attempt", attempt), zap.Duration("retry_in", wait), zap.Error(err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, e.opts.ConnectBackoffMax)
	}
	e.log.Info("connected to Elasticsearch", zap.Strings("urls", e.opts.URLs),
		zap.String("alias", e.alias), zap.Int("live", e.Live().Number))
	t := time.NewTicker(e.opts.LiveRefresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			rctx, cancel := context.WithTimeout(ctx, e.opts.RequestTimeout)
			if err := e.refreshLive(rctx); err != nil && ctx.Err() == nil {
				e.log.Warn("reading the live version failed", zap.Error(err))
			}
			cancel()
		}
	}
}

// connect makes the client, makes sure the alias and a first version exist
// and starts the writer.
func (e *Engine) connect(ctx context.Context) error {
	httpc := &http.Client{Timeout: e.opts.RequestTimeout}
	opts := []es.ClientOptionFunc{
		es.SetURL(e.opts.URLs...),
		es.SetSniff(false),
		es.SetHttpClient(httpc),
		es.SetHealthcheck(true),
		es.SetHealthcheckTimeoutStartup(min(e.opts.RequestTimeout, 5*time.Second)),
		es.SetHealthcheckTimeout(min(e.opts.RequestTimeout, 5*time.Second)),
		es.SetHealthcheckInterval(10 * time.Second),
		es.SetRetrier(es.NewBackoffRetrier(es.NewSimpleBackoff(100, 300))),
		es.SetErrorLog(zapPrintf{e.log}),
	}
	if e.opts.Username != "" {
		opts = append(opts, es.SetBasicAuth(e.opts.Username, e.opts.Password))
	}
	c, err := es.DialContext(ctx, opts...)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", strings.Join(e.opts.URLs, ", "), err)
	}
	e.mu.Lock()
	e.client, e.httpc = c, httpc
	e.mu.Unlock()
	rctx, cancel := context.WithTimeout(ctx, 3*e.opts.RequestTimeout)
	defer cancel()
	if err := e.ensureAlias(rctx); err != nil {
		return err
	}
	w, err := newWriter(c, e.opts, e.log)
	if err != nil {
		return fmt.Errorf("start the bulk processor: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		w.close()
		return errors.New("closed")
	}
	e.writer = w
	e.lastErr = nil
	return nil
}

func (e *Engine) setErr(err error) {
	e.mu.Lock()
	e.lastErr = err
	e.mu.Unlock()
}

// conn returns the client and the live version, or Unavailable saying why
// the engine cannot serve yet.
func (e *Engine) conn() (*es.Client, *version, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	switch {
	case e.closed:
		return nil, nil, engine.Errorf(engine.EngineUnavailable, "the search engine is closed")
	case e.client == nil || e.live == nil || e.writer == nil:
		// The URLs and the cause go to the log (run logs every attempt);
		// clients learn which component is missing.
		return nil, nil, engine.WithCause(e.lastErr, engine.EngineUnavailable, "the search engine (Elasticsearch) is not connected yet; searchd keeps retrying")
	}
	return e.client, e.live, nil
}

func (e *Engine) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, e.opts.RequestTimeout)
}

// Name implements engine.Engine.
func (e *Engine) Name() string { return "elastic" }

// Ready implements engine.Engine: connected, the alias exists, and the
// cluster answers for it now.
func (e *Engine) Ready(ctx context.Context) error {
	c, _, err := e.conn()
	if err != nil {
		return err
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	_, err = c.ClusterHealth().Index(e.alias).Do(ctx)
	return translate(ctx, "cluster health", err)
}

// Live implements engine.Engine.
func (e *Engine) Live() engine.Version {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.live == nil {
		return engine.Version{}
	}
	return e.live.Version
}

// Stats implements engine.Engine.
func (e *Engine) Stats(ctx context.Context) (engine.Stats, error) {
	c, v, err := e.conn()
	if err != nil {
		return engine.Stats{}, err
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	n, err := c.Count(e.alias).Do(ctx)
	if err != nil {
		return engine.Stats{}, translate(ctx, "count", err)
	}
	return engine.Stats{Engine: e.Name(), Index: v.index, Version: v.Number, Docs: uint64(n)}, nil
}

// Close implements engine.Engine: it stops connecting, fails documents
// still queued, flushes the bulk processor and stops the client.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()
	e.stop()
	e.wg.Wait()
	e.mu.Lock()
	defer e.mu.Unlock()
	var err error
	if e.writer != nil {
		err = e.writer.close()
	}
	if e.client != nil {
		e.client.Stop()
		e.httpc.CloseIdleConnections()
	}
	return err
}

// zapPrintf adapts olivere's error log to zap.
type zapPrintf struct{ log *zap.Logger }

func (z zapPrintf) Printf(format string, v ...any) { z.log.Warn(fmt.Sprintf(format, v...)) }
