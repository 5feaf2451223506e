package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/blevelog"
	"github.com/searchd/searchd/ingest/elasticlog"
	"github.com/searchd/searchd/ingest/redisq"
	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/redistrend"
	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine"
	bleveengine "github.com/searchd/searchd/searchd/engine/bleve"
	"github.com/searchd/searchd/searchd/engine/elastic"
)

// backend is everything the engine choice brings: the documents engine,
// the search-log pipeline and the trending store.
type backend struct {
	eng       engine.Engine
	producer  *ingest.Producer
	queue     ingest.Queue
	workers   []*ingest.Worker
	retention *ingest.Retention
	trending  *trending.Service
	analytics *ingest.Analytics
	// components report their health (/healthz?verbose=1, gauges).
	components []engine.StatusReporter
	// dicts is dictionary administration; audit the audit trail that it
	// and trending moderation record into (an engine.Auditor).
	dicts *dictionary.Service
	audit dictionary.LoggedAudit
	// closers release what the backend holds, in order, after everything
	// stopped (the engine last).
	closers []func() error
}

// Workers that write search logs: measured best on 2 cores (ingest/README).
const (
	embeddedLogWorkers = 2
	elasticLogWorkers  = 4
	memQueueCapacity   = 100_000
	memQueueDead       = 1_000
	saltFile           = "log-salt"
	redisSaltKey       = "searchd:log-salt"
	saltBytes          = 32 // generated salts: 32 random bytes, hex
)

// sink fans one search event out to every consumer (log producer,
// trending counter); each Publish is non-blocking.
type sink []engine.EventSink

func (s sink) Publish(ctx context.Context, ev engine.SearchEvent) {
	for _, x := range s {
		x.Publish(ctx, ev)
	}
}

func (b *backend) sink() engine.EventSink { return sink{b.producer, b.trending} }

// close releases everything in order and joins the errors.
func (b *backend) close() error {
	var errs []error
	for _, c := range b.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// buildBackend opens the engine and the parts around it for cfg; on error
// it releases whatever it had opened.
func buildBackend(ctx context.Context, cfg config, log *zap.Logger, reg prometheus.Registerer) (*backend, error) {
	b, err := openBackend(ctx, cfg, log, reg)
	if err != nil && b != nil {
		err = errors.Join(err, b.close())
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

func openBackend(ctx context.Context, cfg config, log *zap.Logger, reg prometheus.Registerer) (*backend, error) {
	// The first index version analyzes with the -synonyms / -user-dict
	// files or the demo dictionaries; an existing index keeps its own.
	analysis, err := firstAnalysis(cfg)
	if err != nil {
		return nil, err
	}
	b := &backend{}
	var rdb *redis.Client
	var (
		store      ingest.Store
		trendStore trending.Store
		salt       = cfg.LogSalt
		workers    int
	)
	m, err := ingest.NewMetrics(reg)
	if err != nil {
		return b, err
	}
	switch cfg.Engine {
	case engineEmbedded:
		eng, err := bleveengine.Open(filepath.Join(cfg.DataDir, "docs"), bleveengine.Options{Analysis: analysis, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("open the embedded engine: %w", err)
		}
		b.eng = eng
		b.closers = append(b.closers, eng.Close)
		ls, err := blevelog.Open(filepath.Join(cfg.DataDir, "search-logs"))
		if err != nil {
			return b, fmt.Errorf("open the search-log index: %w", err)
		}
		store = ls
		b.closers = append([]func() error{ls.Close}, b.closers...)
		fq, err := ingest.OpenFileQueue(filepath.Join(cfg.DataDir, "search-log-queue"),
			ingest.FileQueueConfig{Capacity: memQueueCapacity, MaxDead: memQueueDead}, m, log)
		if err != nil {
			return b, fmt.Errorf("open the search-log queue: %w", err)
		}
		b.queue = fq
		b.closers = append([]func() error{fq.Close}, b.closers...)
		if trendStore, err = trending.NewMemoryStore(trending.StoreConfig{}, trending.SystemClock{}); err != nil {
			return b, err
		}
		if salt == "" {
			if salt, err = fileSalt(cfg.DataDir); err != nil {
				return b, err
			}
		}
		workers = embeddedLogWorkers
	case engineElastic:
		eng, err := elastic.Open(ctx, elastic.Options{URLs: cfg.ESURLs, Prefix: cfg.ESPrefix, Analysis: analysis, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("open the elastic engine: %w", err)
		}
		b.eng = eng
		b.closers = append(b.closers, eng.Close)
		ls, err := elasticlog.New(elasticlog.Config{URL: cfg.ESURLs[0], Prefix: cfg.ESPrefix + "search-logs-"})
		if err != nil {
			return b, err
		}
		store = ls
		rdb = redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, DialTimeout: 2 * time.Second,
			ReadTimeout: 3 * time.Second, WriteTimeout: 3 * time.Second})
		q := redisq.New(rdb, redisq.Config{Stream: cfg.ESPrefix + "searchd:search-logs"})
		sctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		if err := q.Setup(sctx); err != nil {
			// Search works without Redis; the workers create the group once
			// Redis answers, and the producer counts what it cannot enqueue.
			log.Warn("redis is not reachable yet; search logs and trending wait for it", zap.String("redis", cfg.RedisAddr), zap.Error(err))
		}
		if salt == "" {
			salt = redisSalt(sctx, rdb, log)
		}
		cancel()
		b.queue = q
		b.components = append(b.components, redisStatus(rdb))
		b.closers = append([]func() error{ls.Close, rdb.Close}, b.closers...)
		if trendStore, err = redistrend.New(rdb, trending.StoreConfig{}, redistrend.Options{Prefix: cfg.ESPrefix + "trending:"}); err != nil {
			return b, err
		}
		workers = elasticLogWorkers
	default:
		return b, fmt.Errorf("unknown engine %q", cfg.Engine)
	}

	capper, err := ingest.NewCapper(ingest.CapperConfig{Salt: []byte(salt)}, m)
	if err != nil {
		return b, err
	}
	b.producer = ingest.NewProducer(capper, b.queue, ingest.ProducerConfig{}, m, log)
	host, _ := os.Hostname()
	for i := range workers {
		w, err := ingest.NewWorker(b.queue, store, ingest.WorkerConfig{
			Consumer: host + "-" + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(i)}, m, log)
		if err != nil {
			return b, err
		}
		b.workers = append(b.workers, w)
	}
	b.retention = &ingest.Retention{Store: store, Days: cfg.LogRetentionDays}
	b.analytics = ingest.NewAnalytics(store, b.queue)
	// Dictionaries first: trending moderation records into their audit trail.
	if err := openDictionaries(ctx, cfg, log, b, rdb); err != nil {
		return b, err
	}
	if b.trending, err = trending.New(trending.Config{Interval: cfg.TrendingInterval, Counter: trending.CounterConfig{Salt: salt},
		Review:  trending.ReviewConfig{Enabled: cfg.TrendingReview, AutoApprove: cfg.TrendingReviewAuto},
		Auditor: b.audit}, trendStore, reg, log); err != nil {
		return b, err
	}
	b.components = append(b.components, logQueueStatus(b.producer), trendingStatus(b.trending, cfg.TrendingInterval))
	// The trending store closes before the engine (the last closer).
	b.closers = append([]func() error{b.trending.Close}, b.closers...)
	return b, nil
}

// fileSalt returns the embedded mode's log salt, created on first start in
// the data directory so hashed ids stay comparable across restarts.
func fileSalt(dir string) (string, error) {
	p := filepath.Join(dir, saltFile)
	if b, err := os.ReadFile(p); err == nil && len(strings.TrimSpace(string(b))) >= ingest.MinSaltLen {
		return strings.TrimSpace(string(b)), nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	salt := engine.RandomHex(saltBytes)
	if err := os.WriteFile(p, []byte(salt+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write the log salt: %w", err)
	}
	return salt, nil
}

// redisSalt shares one salt among every instance through Redis (SET NX),
// so one user hashes the same everywhere. Without Redis a random salt
// serves this process.
func redisSalt(ctx context.Context, rdb *redis.Client, log *zap.Logger) string {
	salt := engine.RandomHex(saltBytes)
	if err := rdb.SetNX(ctx, redisSaltKey, salt, 0).Err(); err == nil {
		if got, err := rdb.Get(ctx, redisSaltKey).Result(); err == nil && len(got) >= ingest.MinSaltLen {
			return got
		}
	}
	log.Warn("could not share the log salt through redis; hashed ids of this process will not match other instances")
	return salt
}
