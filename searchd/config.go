package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/searchd/searchd/searchd/api"
)

// config is everything run needs, from flags whose defaults come from
// SEARCHD_* environment variables. It is validated before anything starts.
type config struct {
	Addr            string
	DataDir         string
	Engine          string
	Demo            bool
	LogFormat       string
	LogLevel        zapcore.Level
	AdminToken      string
	Env             string // development or production (access.go)
	WriteToken      string
	SearchTimeout   time.Duration
	TrustedProxies  []string
	Limits          api.Limits
	ShutdownTimeout time.Duration
	DrainDelay      time.Duration

	// Elastic mode.
	ESURLs    []string
	ESPrefix  string
	RedisAddr string

	// Search-log ingest and trending.
	LogSalt          string
	LogRetentionDays int
	TrendingInterval time.Duration
	// Trending moderation (-trending-review, -trending-review-auto).
	TrendingReview     bool
	TrendingReviewAuto time.Duration

	// Dictionaries: files for the first index version, and how many
	// previous versions stay for rollback.
	SynonymsFile string
	UserDictFile string
	KeepVersions int
}

// Engines searchd knows; only the available ones may be selected.
const (
	engineEmbedded = "embedded"
	engineElastic  = "elastic"
)

// configError marks a bad configuration: main exits with status 2.
type configError struct{ err error }

func (e *configError) Error() string { return "config: " + e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

// env reads flag defaults from SEARCHD_* variables and collects the
// values it cannot parse.
type env struct {
	getenv func(string) string
	errs   []error
}

func (e *env) str(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

func (e *env) boolean(name string, def bool) bool {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q is not a boolean", name, v))
		return def
	}
	return b
}

func (e *env) integer(name string, def int64) int64 {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q is not an integer", name, v))
		return def
	}
	return n
}

func (e *env) duration(name string, def time.Duration) time.Duration {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q is not a duration", name, v))
		return def
	}
	return d
}

// parseConfig builds the config from args (args[0] is the program name)
// and the environment. Usage goes to stderr.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var (
		cfg              config
		level, proxies   string
		esURLs           string
		retention        int64
		keepVersions     int64
		maxBody, maxBulk int64
		maxAnalyze       int64
		maxBulkRunning   int64
		e                = &env{getenv: getenv}
	)
	name := "searchd"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", e.str("SEARCHD_ADDR", ":8080"), "listen address (SEARCHD_ADDR)")
	fs.StringVar(&cfg.DataDir, "data", e.str("SEARCHD_DATA", "./data"), "data directory of the embedded engine (SEARCHD_DATA)")
	fs.StringVar(&cfg.Engine, "engine", e.str("SEARCHD_ENGINE", engineEmbedded), "search engine: embedded or elastic (SEARCHD_ENGINE)")
	fs.BoolVar(&cfg.Demo, "demo", e.boolean("SEARCHD_DEMO", true), "load the built-in demo data set into an empty index (SEARCHD_DEMO)")
	fs.StringVar(&cfg.LogFormat, "log-format", e.str("SEARCHD_LOG_FORMAT", "json"), "log format: json or console (SEARCHD_LOG_FORMAT)")
	fs.StringVar(&level, "log-level", e.str("SEARCHD_LOG_LEVEL", "info"), "log level: debug, info, warn or error (SEARCHD_LOG_LEVEL)")
	fs.StringVar(&cfg.AdminToken, "admin-token", e.str("SEARCHD_ADMIN_TOKEN", ""), "token for /api/v1/admin/*; empty disables the admin API (SEARCHD_ADMIN_TOKEN)")
	fs.StringVar(&cfg.Env, "env", e.str("SEARCHD_ENV", envDevelopment), "development (writes open, with a warning) or production (admin and write tokens required) (SEARCHD_ENV)")
	fs.StringVar(&cfg.WriteToken, "write-token", e.str("SEARCHD_WRITE_TOKEN", ""), "token for document writes (the admin token works too); empty leaves writes open, refused in production (SEARCHD_WRITE_TOKEN)")
	fs.DurationVar(&cfg.SearchTimeout, "search-timeout", e.duration("SEARCHD_SEARCH_TIMEOUT", api.DefaultSearchTimeout), "deadline of each search and autocomplete; past it the answer is 504 engine_timeout (SEARCHD_SEARCH_TIMEOUT)")
	fs.StringVar(&proxies, "trusted-proxies", e.str("SEARCHD_TRUSTED_PROXIES", ""), "comma-separated proxy IPs or CIDRs whose X-Forwarded-For is believed; empty trusts none (SEARCHD_TRUSTED_PROXIES)")
	fs.Int64Var(&maxBody, "max-body-bytes", e.integer("SEARCHD_MAX_BODY_BYTES", api.DefaultMaxBodyBytes), "largest request body in bytes (SEARCHD_MAX_BODY_BYTES)")
	fs.Int64Var(&maxBulk, "max-bulk-items", e.integer("SEARCHD_MAX_BULK_ITEMS", api.DefaultMaxBulkItems), "most documents in one bulk request (SEARCHD_MAX_BULK_ITEMS)")
	fs.Int64Var(&maxBulkRunning, "max-bulk-concurrency", e.integer("SEARCHD_MAX_BULK_CONCURRENCY", api.DefaultMaxConcurrentBulk), "bulk requests running at once; more are answered 429 with Retry-After (SEARCHD_MAX_BULK_CONCURRENCY)")
	fs.Int64Var(&maxAnalyze, "max-analyze-chars", e.integer("SEARCHD_MAX_ANALYZE_CHARS", api.DefaultMaxAnalyzeChars), "longest text for /api/v1/analyze (SEARCHD_MAX_ANALYZE_CHARS)")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", e.duration("SEARCHD_SHUTDOWN_TIMEOUT", 10*time.Second), "time budget for draining HTTP requests on shutdown (SEARCHD_SHUTDOWN_TIMEOUT)")
	fs.DurationVar(&cfg.DrainDelay, "drain-delay", e.duration("SEARCHD_DRAIN_DELAY", 0), "on shutdown, how long /readyz reports 503 before the listener closes, so load balancers notice (SEARCHD_DRAIN_DELAY)")
	fs.StringVar(&esURLs, "es-url", e.str("SEARCHD_ES_URL", ""), "comma-separated Elasticsearch/OpenSearch URLs for -engine elastic (SEARCHD_ES_URL)")
	fs.StringVar(&cfg.ESPrefix, "es-prefix", e.str("SEARCHD_ES_PREFIX", ""), "prefix of every index, alias and template searchd creates in the cluster (SEARCHD_ES_PREFIX)")
	fs.StringVar(&cfg.RedisAddr, "redis-addr", e.str("SEARCHD_REDIS_ADDR", ""), "Redis host:port for the search-log stream and trending in elastic mode (SEARCHD_REDIS_ADDR)")
	fs.StringVar(&cfg.LogSalt, "log-salt", e.str("SEARCHD_LOG_SALT", ""), "secret for hashing session and user ids in search logs; empty: a random salt per data directory (SEARCHD_LOG_SALT)")
	fs.Int64Var(&retention, "log-retention-days", e.integer("SEARCHD_LOG_RETENTION_DAYS", 30), "days of search logs kept (SEARCHD_LOG_RETENTION_DAYS)")
	fs.DurationVar(&cfg.TrendingInterval, "trending-interval", e.duration("SEARCHD_TRENDING_INTERVAL", 30*time.Second), "how often the trending snapshot is recomputed (SEARCHD_TRENDING_INTERVAL)")
	fs.BoolVar(&cfg.TrendingReview, "trending-review", e.boolean("SEARCHD_TRENDING_REVIEW", false), "a keyword entering the trending list for the first time waits for an admin's approval (SEARCHD_TRENDING_REVIEW)")
	fs.DurationVar(&cfg.TrendingReviewAuto, "trending-review-auto", e.duration("SEARCHD_TRENDING_REVIEW_AUTO", 0), "with -trending-review, approve a waiting keyword by itself after this long; 0: never (SEARCHD_TRENDING_REVIEW_AUTO)")
	fs.StringVar(&cfg.SynonymsFile, "synonyms", e.str("SEARCHD_SYNONYMS", ""), "synonym file (Solr format) of the first index version; an existing index keeps its dictionaries (SEARCHD_SYNONYMS)")
	fs.StringVar(&cfg.UserDictFile, "user-dict", e.str("SEARCHD_USER_DICT", ""), "user dictionary file (nori format) of the first index version (SEARCHD_USER_DICT)")
	fs.Int64Var(&keepVersions, "keep-versions", e.integer("SEARCHD_KEEP_VERSIONS", 3), "previous index versions kept for rollback after a dictionary change (SEARCHD_KEEP_VERSIONS)")
	if err := errors.Join(e.errs...); err != nil {
		return cfg, &configError{err}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, &configError{err}
	}
	if fs.NArg() > 0 {
		return cfg, &configError{fmt.Errorf("unexpected arguments: %q", fs.Args())}
	}
	cfg.Limits = api.Limits{MaxBodyBytes: maxBody, MaxBulkItems: int(maxBulk), MaxAnalyzeChars: int(maxAnalyze), MaxConcurrentBulk: int(maxBulkRunning)}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	cfg.LogRetentionDays = int(retention)
	cfg.KeepVersions = int(keepVersions)
	for _, u := range strings.Split(esURLs, ",") {
		if u = strings.TrimSpace(u); u != "" {
			cfg.ESURLs = append(cfg.ESURLs, u)
		}
	}
	var err error
	if cfg.LogLevel, err = zapcore.ParseLevel(level); err != nil {
		return cfg, &configError{fmt.Errorf("-log-level %q: want debug, info, warn or error", level)}
	}
	if err := cfg.validate(); err != nil {
		return cfg, &configError{err}
	}
	return cfg, nil
}

// validate checks the values that flag parsing cannot.
func (c config) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("-addr %q: want host:port, e.g. :8080", c.Addr))
	}
	switch c.Engine {
	case engineEmbedded:
		if strings.TrimSpace(c.DataDir) == "" {
			errs = append(errs, errors.New("-data: the embedded engine needs a data directory"))
		}
	case engineElastic:
		if len(c.ESURLs) == 0 {
			errs = append(errs, errors.New("-engine elastic needs -es-url (SEARCHD_ES_URL), e.g. http://localhost:9200"))
		}
		for _, u := range c.ESURLs {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				errs = append(errs, fmt.Errorf("-es-url %q: want http:// or https:// URLs", u))
			}
		}
		if c.RedisAddr == "" {
			errs = append(errs, errors.New("-engine elastic needs -redis-addr (SEARCHD_REDIS_ADDR) for search logs and trending, e.g. localhost:6379"))
		} else if _, _, err := net.SplitHostPort(c.RedisAddr); err != nil {
			errs = append(errs, fmt.Errorf("-redis-addr %q: want host:port", c.RedisAddr))
		}
	default:
		errs = append(errs, fmt.Errorf("-engine %q: want embedded or elastic", c.Engine))
	}
	if c.KeepVersions < 1 || c.KeepVersions > 20 {
		errs = append(errs, errors.New("-keep-versions must be between 1 and 20"))
	}
	if c.LogRetentionDays < 1 {
		errs = append(errs, errors.New("-log-retention-days must be at least 1"))
	}
	if c.TrendingInterval < time.Second {
		errs = append(errs, errors.New("-trending-interval must be at least 1s"))
	}
	if c.TrendingReviewAuto < 0 {
		errs = append(errs, errors.New("-trending-review-auto must not be negative (0: never)"))
	}
	if c.LogFormat != "json" && c.LogFormat != "console" {
		errs = append(errs, fmt.Errorf("-log-format %q: want json or console", c.LogFormat))
	}
	if c.Limits.MaxBodyBytes < 1 || c.Limits.MaxBulkItems < 1 || c.Limits.MaxAnalyzeChars < 1 || c.Limits.MaxConcurrentBulk < 1 {
		errs = append(errs, errors.New("-max-body-bytes, -max-bulk-items, -max-analyze-chars and -max-bulk-concurrency must be positive"))
	}
	if c.ShutdownTimeout <= 0 || c.DrainDelay < 0 {
		errs = append(errs, errors.New("-shutdown-timeout must be positive and -drain-delay not negative"))
	}
	errs = append(errs, c.validateAccess()...)
	if c.SearchTimeout <= 0 || c.SearchTimeout >= requestTimeout {
		errs = append(errs, fmt.Errorf("-search-timeout must be positive and below the request deadline (%s)", requestTimeout))
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				errs = append(errs, fmt.Errorf("-trusted-proxies: %q is neither an IP nor a CIDR", p))
			}
		}
	}
	return errors.Join(errs...)
}
