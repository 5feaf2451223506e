// Package bleve is the embedded engine: Bleve v2.5 indexes on local disk,
// one per documents index version, behind an alias kept in a manifest file.
// Documents are analyzed once by searchd's Korean analyzer (in parallel) and
// handed to Bleve pre-analyzed, so `go run ./searchd` needs no
// infrastructure.
package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"go.uber.org/zap"

	"github.com/searchd/searchd/internal/atomicfile"
	"github.com/searchd/searchd/mappings"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// Options configure the embedded engine.
type Options struct {
	// Analysis is used when the data directory has no index yet: the first
	// version is created with these settings.
	Analysis engine.AnalysisSettings
	Logger   *zap.Logger
	// AnalysisWorkers analyze documents in parallel (default GOMAXPROCS).
	AnalysisWorkers int
}

// Engine is the embedded engine.
type Engine struct {
	dir     string
	log     *zap.Logger
	workers int
	fields  []mappings.Field
	now     func() time.Time

	mu       sync.RWMutex
	manifest manifest
	open     map[int]*version
	closed   bool

	// Followers (follow.go): writes hold wmu shared, Follow, Unfollow,
	// SwapAlias and DropVersion exclusively; ids orders writes per
	// document; building holds, per follower not live yet, the ids written
	// since it started following (guarded by tmu).
	wmu      sync.RWMutex
	ids      idLocks
	tmu      sync.Mutex
	building map[int]map[string]struct{}
}

type version struct {
	number   int
	idx      blevesearch.Index
	analyzer search.Analyzer
}

// manifest records the versions and which one the alias points at.
type manifest struct {
	Live     int            `json:"live"`
	Versions []manifestItem `json:"versions"`
	// Followers receive every write to live (engine.Engine's Follow).
	Followers []int `json:"followers,omitempty"`
}

type manifestItem struct {
	Number    int                     `json:"number"`
	CreatedAt time.Time               `json:"created_at"`
	Analysis  engine.AnalysisSettings `json:"analysis"`
}

// versionName is the name of version n (and of its directory).
func versionName(n int) string { return fmt.Sprintf("docs-v%d", n) }

// info describes the version.
func (it manifestItem) info(live, follows bool, docs uint64) engine.Version {
	return engine.Version{Number: it.Number, Name: versionName(it.Number), Live: live, Docs: docs,
		CreatedAt: it.CreatedAt, Analysis: it.Analysis, Follows: follows}
}

const manifestFile = "manifest.json"

// Open opens the documents indexes under dir (creating dir and a first
// version when empty). Reopening an existing directory does not re-index.
func Open(dir string, opts Options) (*Engine, error) {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.AnalysisWorkers <= 0 {
		opts.AnalysisWorkers = defaultWorkers()
	}
	fields, err := mappings.DocumentFields()
	if err != nil {
		return nil, err
	}
	e := &Engine{dir: dir, log: opts.Logger.With(zap.String("component", "engine.embedded")),
		workers: opts.AnalysisWorkers, fields: fields, now: time.Now, open: map[int]*version{},
		ids: idLocks{held: map[string]chan struct{}{}}, building: map[int]map[string]struct{}{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bleve: data directory: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, err := e.CreateVersion(context.Background(), opts.Analysis); err != nil {
			return nil, err
		}
		if err := e.SwapAlias(context.Background(), 1); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("bleve: %w", err)
	default:
		if err := json.Unmarshal(b, &e.manifest); err != nil {
			return nil, fmt.Errorf("bleve: %s is corrupt: %w", manifestFile, err)
		}
		for _, it := range e.manifest.Versions {
			if _, err := e.openVersion(it); err != nil {
				e.Close()
				return nil, err
			}
		}
		if e.open[e.manifest.Live] == nil {
			e.Close()
			return nil, fmt.Errorf("bleve: the live version %d is missing", e.manifest.Live)
		}
	}
	e.log.Info("embedded engine open", zap.String("dir", dir), zap.Int("live", e.manifest.Live),
		zap.Int("versions", len(e.manifest.Versions)))
	return e, nil
}

func (e *Engine) versionDir(n int) string { return filepath.Join(e.dir, versionName(n)) }

func (e *Engine) openVersion(it manifestItem) (*version, error) {
	idx, err := blevesearch.Open(e.versionDir(it.Number))
	if err != nil {
		return nil, fmt.Errorf("bleve: open version %d: %w", it.Number, err)
	}
	a, err := analyzerCache.Get(it.Analysis)
	if err != nil {
		idx.Close()
		return nil, err
	}
	v := &version{number: it.Number, idx: idx, analyzer: a}
	e.open[it.Number] = v
	return v, nil
}

func (e *Engine) writeManifest() error {
	b, err := json.MarshalIndent(e.manifest, "", "  ")
	if err != nil {
		return err
	}
	// Durable before it returns (a swap or a new follower must survive
	// kill -9), and never torn.
	if err := atomicfile.WriteFile(filepath.Join(e.dir, manifestFile), b, 0o644); err != nil {
		return fmt.Errorf("bleve: write manifest: %w", err)
	}
	return nil
}

// live returns the live version or Unavailable once closed.
func (e *Engine) live() (*version, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, engine.Errorf(engine.EngineUnavailable, "the engine is closed")
	}
	return e.open[e.manifest.Live], nil
}

func (e *Engine) get(n int) (*version, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, engine.Errorf(engine.EngineUnavailable, "the engine is closed")
	}
	v := e.open[n]
	if v == nil {
		return nil, engine.Errorf(engine.NotFound, "index version %d does not exist", n)
	}
	return v, nil
}

// Name implements engine.Engine.
func (e *Engine) Name() string { return "embedded" }

// Ready implements engine.Engine.
func (e *Engine) Ready(context.Context) error {
	_, err := e.live()
	return err
}

// Live implements engine.Engine.
func (e *Engine) Live() engine.Version {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, it := range e.manifest.Versions {
		if it.Number == e.manifest.Live {
			return it.info(true, false, 0)
		}
	}
	return engine.Version{}
}

// Stats implements engine.Engine.
func (e *Engine) Stats(context.Context) (engine.Stats, error) {
	v, err := e.live()
	if err != nil {
		return engine.Stats{}, err
	}
	n, err := v.idx.DocCount()
	if err != nil {
		return engine.Stats{}, fmt.Errorf("bleve: doc count: %w", err)
	}
	return engine.Stats{Engine: e.Name(), Index: versionName(v.number), Version: v.number, Docs: n}, nil
}

// Versions implements engine.Engine.
func (e *Engine) Versions(context.Context) ([]engine.Version, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]engine.Version, 0, len(e.manifest.Versions))
	for _, it := range e.manifest.Versions {
		var n uint64
		if v := e.open[it.Number]; v != nil {
			n, _ = v.idx.DocCount()
		}
		out = append(out, it.info(it.Number == e.manifest.Live, slices.Contains(e.manifest.Followers, it.Number), n))
	}
	return out, nil
}

// CreateVersion implements engine.Engine.
func (e *Engine) CreateVersion(_ context.Context, a engine.AnalysisSettings) (int, error) {
	an, err := analyzerCache.Get(a)
	if err != nil {
		return 0, engine.Errorf(engine.Invalid, "analysis settings: %v", err)
	}
	m, err := mappings.DocumentsBleve()
	if err != nil {
		return 0, err
	}
	for _, name := range []string{"korean_index", "korean_search"} {
		cfg := m.CustomAnalysis.Analyzers[name]
		cfg["settings"] = settingsConfig(a)
	}
	if err := m.Validate(); err != nil {
		return 0, fmt.Errorf("bleve: documents mapping: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 1
	for _, it := range e.manifest.Versions {
		n = max(n, it.Number+1)
	}
	dir := e.versionDir(n)
	_ = os.RemoveAll(dir) // leftovers of a crash before the manifest named it
	idx, err := blevesearch.New(dir, m)
	if err != nil {
		return 0, fmt.Errorf("bleve: create version %d: %w", n, err)
	}
	it := manifestItem{Number: n, CreatedAt: e.now().UTC(), Analysis: a}
	e.open[n] = &version{number: n, idx: idx, analyzer: an}
	e.manifest.Versions = append(e.manifest.Versions, it)
	if err := e.writeManifest(); err != nil {
		return 0, err
	}
	return n, nil
}

// SwapAlias implements engine.Engine. No write is in flight meanwhile, so
// a follower swapped in and the live version it replaces hold the same
// documents.
func (e *Engine) SwapAlias(_ context.Context, n int) error {
	e.wmu.Lock()
	defer e.wmu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.open[n] == nil {
		return engine.Errorf(engine.NotFound, "index version %d does not exist", n)
	}
	prev, prevFollowers := e.manifest.Live, slices.Clone(e.manifest.Followers)
	if n == prev {
		return nil
	}
	e.manifest.Live = n
	if slices.Contains(e.manifest.Followers, n) {
		e.manifest.Followers = slices.DeleteFunc(e.manifest.Followers, func(x int) bool { return x == n })
		e.manifest.Followers = append(e.manifest.Followers, prev)
	}
	if err := e.writeManifest(); err != nil {
		e.manifest.Live, e.manifest.Followers = prev, prevFollowers
		return err
	}
	e.tmu.Lock()
	delete(e.building, n)
	e.tmu.Unlock()
	return nil
}

// DropVersion implements engine.Engine.
func (e *Engine) DropVersion(_ context.Context, n int) error {
	e.wmu.Lock()
	defer e.wmu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	v := e.open[n]
	switch {
	case v == nil:
		return engine.Errorf(engine.NotFound, "index version %d does not exist", n)
	case n == e.manifest.Live:
		return engine.Errorf(engine.Conflict, "index version %d is live; swap the alias first", n)
	}
	if err := e.unfollowLocked(n); err != nil {
		return err
	}
	if err := v.idx.Close(); err != nil {
		return fmt.Errorf("bleve: close version %d: %w", n, err)
	}
	delete(e.open, n)
	kept := e.manifest.Versions[:0]
	for _, it := range e.manifest.Versions {
		if it.Number != n {
			kept = append(kept, it)
		}
	}
	e.manifest.Versions = kept
	if err := e.writeManifest(); err != nil {
		return err
	}
	return os.RemoveAll(e.versionDir(n))
}

// MergeSegments implements engine.Engine with scorch's force merge.
func (e *Engine) MergeSegments(ctx context.Context, n int) error {
	v, err := e.get(n)
	if err != nil {
		return err
	}
	adv, err := v.idx.Advanced()
	if err != nil {
		return fmt.Errorf("bleve: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("bleve: version %d is not a scorch index", n)
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("bleve: merge version %d: %w", n, err)
	}
	return nil
}

// Close implements engine.Engine.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	var errs []error
	nums := make([]int, 0, len(e.open))
	for n := range e.open {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		if err := e.open[n].idx.Close(); err != nil {
			errs = append(errs, fmt.Errorf("bleve: close version %d: %w", n, err))
		}
	}
	return errors.Join(errs...)
}
