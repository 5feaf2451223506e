// Command searchd is the search service for Korean content: `go run
// ./searchd` serves the HTTP API on :8080 with the embedded engine, its
// indexes under ./data, and loads the demo data set into an empty index.
// Every flag has a SEARCHD_* environment default; see -h.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/sync/errgroup"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/demo"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
	"github.com/searchd/searchd/searchd/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	var cfgErr *configError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &cfgErr):
		fmt.Fprintln(os.Stderr, "searchd:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "searchd:", err)
		os.Exit(1)
	}
}

// run is the whole service: it returns when ctx is canceled (after a
// graceful shutdown) or when a part fails. Logs go to stderr; stdout gets
// one line, "searchd listening on ADDR", once the listener is bound.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	defer func() { _ = log.Sync() }()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	b, err := buildBackend(ctx, cfg, log, reg)
	if err != nil {
		return err
	}
	// Stores and the engine close last, after the HTTP server drained and
	// the background work stopped.
	err = serve(ctx, cfg, log, b, reg, stdout)
	if cerr := b.close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close: %w", cerr))
	}
	if err == nil {
		log.Info("stopped")
	}
	return err
}

// Shutdown budgets of the background work.
const (
	// writeTimeout is the http.Server's; every request's deadline is
	// requestTimeout, below it, so a request that runs out of time is
	// answered (504) while the connection is still writable.
	writeTimeout     = time.Minute
	requestTimeout   = writeTimeout - 5*time.Second
	queueDrainBudget = 5 * time.Second
	readyPoll        = 500 * time.Millisecond
)

// serve runs the HTTP API and the background work (search-log producer
// and workers, retention, trending) until ctx is canceled, then shuts down
// in order: /readyz turns 503, the server drains within the budget, the
// log producer flushes into the queue, the in-process queue drains into
// the log index, then the workers, retention and trending stop.
func serve(ctx context.Context, cfg config, log *zap.Logger, b *backend, reg *prometheus.Registry, stdout io.Writer) error {
	eng := b.eng
	svc := search.NewService(eng, b.sink(), log)
	pages, err := web.New()
	if err != nil {
		return err
	}
	srv, err := api.NewServer(api.Deps{
		Service:        svc,
		Logger:         log,
		Registry:       reg,
		AdminToken:     cfg.AdminToken,
		WriteToken:     cfg.WriteToken,
		RequestTimeout: requestTimeout,
		SearchTimeout:  cfg.SearchTimeout,
		TrustedProxies: cfg.TrustedProxies,
		Limits:         cfg.Limits,
		Trending:       b.trending,
		TrendingMaxAge: cfg.TrendingInterval,
		Analytics:      b.analytics,
		Components:     b.components,
		Extra:          pages.Routes(),
		Dictionaries:   b.dicts,
		Audit:          b.audit,
	})
	if err != nil {
		return err
	}
	srv.SetReady(false) // until the startup work is done

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          zap.NewStdLog(log.With(zap.String("component", "http"))),
	}
	log.Info("listening", zap.String("addr", ln.Addr().String()), zap.String("engine", eng.Name()),
		zap.String("data", cfg.DataDir), zap.String("env", cfg.Env), zap.Bool("admin_api", cfg.AdminToken != ""),
		zap.Bool("write_token", cfg.WriteToken != ""))
	logAccess(cfg, log)
	fmt.Fprintf(stdout, "searchd listening on %s\n", ln.Addr())

	g, gctx := errgroup.WithContext(ctx)
	// Background work has its own contexts so that it outlives the HTTP
	// drain and stops in order; a failure still stops everything.
	prodCtx, stopProducer := context.WithCancel(context.WithoutCancel(gctx))
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(gctx))
	defer stopProducer()
	defer stopWork()
	producerDone := make(chan struct{})
	g.Go(func() error { defer close(producerDone); return b.producer.Run(prodCtx) })
	runners := []func(context.Context) error{b.trending.Run, b.retention.Run}
	for _, w := range b.workers {
		runners = append(runners, w.Run)
	}
	for _, r := range runners {
		g.Go(func() error {
			if err := r(workCtx); err != nil && workCtx.Err() == nil {
				return err
			}
			return nil
		})
	}
	g.Go(func() error {
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http server: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		if err := startup(gctx, cfg, log, b); err != nil {
			if gctx.Err() != nil {
				return nil // shutting down before startup finished
			}
			return err
		}
		srv.SetReady(true)
		log.Info("ready")
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		srv.SetReady(false)
		log.Info("shutting down", zap.Duration("drain_delay", cfg.DrainDelay), zap.Duration("budget", cfg.ShutdownTimeout))
		if cfg.DrainDelay > 0 {
			time.Sleep(cfg.DrainDelay)
		}
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		var err error
		if err = hs.Shutdown(sctx); err != nil {
			_ = hs.Close()
			err = fmt.Errorf("http shutdown: requests still running after %s: %w", cfg.ShutdownTimeout, err)
		}
		stopProducer()
		<-producerDone
		drainQueue(b, log)
		stopWork()
		return err
	})
	return g.Wait()
}

// drainQueue waits (within a budget) until the embedded log queue is
// empty, so a restart has nothing to replay. The Redis Stream needs no
// waiting; what the file queue still holds is replayed at the next start.
func drainQueue(b *backend, log *zap.Logger) {
	mq, ok := b.queue.(*ingest.FileQueue)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), queueDrainBudget)
	defer cancel()
	for {
		n, _ := mq.Len(ctx)
		if n == 0 {
			return
		}
		select {
		case <-ctx.Done():
			log.Warn("search logs still queued at shutdown stay in the queue file for the next start", zap.Int64("events", n))
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// startup waits until the engine is ready (an Elasticsearch cluster may
// still be starting: readiness stays 503 meanwhile) and loads the demo
// data into an empty index.
func startup(ctx context.Context, cfg config, log *zap.Logger, b *backend) error {
	eng := b.eng
	for waited := false; ; waited = true {
		err := eng.Ready(ctx)
		if err == nil {
			break
		}
		if !waited {
			log.Warn("waiting for the search engine", zap.String("engine", eng.Name()), zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(readyPoll):
		}
	}
	if err := startDictionaries(ctx, cfg, log, b); err != nil {
		return err
	}
	return loadDemo(ctx, cfg, log, eng)
}

// loadDemo indexes the demo data set when -demo is set and the live index
// is empty, before the service reports ready.
func loadDemo(ctx context.Context, cfg config, log *zap.Logger, eng engine.Engine) error {
	if !cfg.Demo {
		return nil
	}
	st, err := eng.Stats(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if st.Docs > 0 {
		return nil
	}
	docs, err := demo.Documents()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	start := time.Now()
	res, err := eng.IndexBatch(ctx, docs, true)
	if err != nil {
		return fmt.Errorf("demo: index: %w", err)
	}
	for _, r := range res {
		if r.Error != nil {
			return fmt.Errorf("demo: document %q: %w", r.ID, r.Error)
		}
	}
	log.Info("demo data loaded", zap.Int("docs", len(docs)), zap.Duration("took", time.Since(start)))
	return nil
}

// newLogger builds the root logger, writing to w.
func newLogger(cfg config, w io.Writer) *zap.Logger {
	var enc zapcore.Encoder
	if cfg.LogFormat == "console" {
		ec := zap.NewDevelopmentEncoderConfig()
		ec.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewConsoleEncoder(ec)
	} else {
		ec := zap.NewProductionEncoderConfig()
		ec.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(ec)
	}
	core := zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), cfg.LogLevel)
	return zap.New(core, zap.ErrorOutput(zapcore.Lock(zapcore.AddSync(w)))).With(zap.String("service", "searchd"))
}
