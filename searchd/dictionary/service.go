package dictionary

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// QuerySource gives the queries a preview and a rebuild check by default
// (ingest.Analytics).
type QuerySource interface {
	TopQueries(ctx context.Context, from, to time.Time, size int) ([]ingest.QueryCount, error)
	ZeroResultQueries(ctx context.Context, from, to time.Time, size int) ([]ingest.QueryCount, error)
}

// Config configures a Service.
type Config struct {
	Engine engine.Engine
	Store  Store
	// Audit records administrative actions (nil: not recorded).
	Audit engine.Auditor
	// Lock is the one-rebuild-at-a-time lock (nil: a LocalLock).
	Lock Locker
	// Queries gives the default preview queries (nil: none).
	Queries QuerySource
	// KeepVersions is how many previous index versions stay for rollback
	// (3).
	KeepVersions int
	Logger       *zap.Logger
	// Instance names this process in job records (host-pid by default).
	Instance string
	// SaveEvery is how often a running job's record is saved (1s).
	SaveEvery time.Duration
	// LockTTL is the Redis lock's expiry (30s); a job renews it every third.
	LockTTL time.Duration
}

// DefaultKeepVersions is -keep-versions' default.
const DefaultKeepVersions = 3

// Service is dictionary administration over one engine.
type Service struct {
	eng      engine.Engine
	store    Store
	audit    engine.Auditor
	lock     Locker
	queries  QuerySource
	keep     int
	log      *zap.Logger
	instance string
	every    time.Duration
	ttl      time.Duration
	analyses *search.AnalyzerCache
	validate *analyzers.Validator
	now      func() time.Time

	// ctx is the parent of every job; Close cancels it and waits.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running map[string]*runningJob // jobs of this instance
	temps   map[int]bool           // preview versions of this instance
	preview chan struct{}          // one preview at a time
}

type runningJob struct {
	mu     sync.Mutex
	job    Job
	cancel context.CancelCauseFunc
}

func (r *runningJob) snapshot() Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.job
	return j
}

func (r *runningJob) update(f func(*Job)) Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(&r.job)
	return r.job
}

// New builds the service; call Start once the engine is ready.
func New(cfg Config) (*Service, error) {
	if cfg.Engine == nil || cfg.Store == nil {
		return nil, errors.New("dictionary: an engine and a store are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Lock == nil {
		cfg.Lock = &LocalLock{}
	}
	if cfg.KeepVersions <= 0 {
		cfg.KeepVersions = DefaultKeepVersions
	}
	if cfg.Instance == "" {
		host, _ := os.Hostname()
		cfg.Instance = host + "-" + strconv.Itoa(os.Getpid())
	}
	if cfg.SaveEvery <= 0 {
		cfg.SaveEvery = time.Second
	}
	if cfg.LockTTL <= 0 {
		cfg.LockTTL = 30 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{eng: cfg.Engine, store: cfg.Store, audit: cfg.Audit, lock: cfg.Lock, queries: cfg.Queries,
		keep: cfg.KeepVersions, log: cfg.Logger.With(zap.String("component", "dictionary")), instance: cfg.Instance,
		every: cfg.SaveEvery, ttl: cfg.LockTTL, analyses: search.NewAnalyzerCache(), validate: analyzers.NewValidator(), now: time.Now,
		ctx: ctx, cancel: cancel, running: map[string]*runningJob{}, temps: map[int]bool{},
		preview: make(chan struct{}, 1)}, nil
}

// Close cancels running jobs (their half-built versions are dropped) and
// waits for them.
func (s *Service) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

// record writes an audit entry; a failure is logged, never fatal.
func (s *Service) record(ctx context.Context, e engine.AuditEntry) {
	if s.audit == nil {
		return
	}
	if e.Actor == "" {
		e.Actor = engine.ActorFrom(ctx)
	}
	if err := s.audit.Record(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit entry lost", zap.String("action", e.Action), zap.Error(err))
	}
}

// Live is the live dictionary set.
type Live struct {
	Set
	Live bool `json:"live"`
}

// Live returns the live set (from the history; from the engine's settings
// when the history does not have it).
func (s *Service) Live(ctx context.Context) (Set, error) {
	v := s.eng.Live()
	if v.Number == 0 {
		return Set{}, engine.Errorf(engine.Unavailable, "the engine has no live version yet")
	}
	set, err := s.store.GetSet(ctx, v.Number)
	if engine.ErrorCode(err) == engine.NotFound {
		return s.setOf(v, "system", "the dictionaries the index was created with", v.CreatedAt), nil
	}
	return set, err
}

// setOf describes index version v as a set.
func (s *Service) setOf(v engine.Version, author, message string, at time.Time) Set {
	syn, ud, o := SetFromAnalysis(v.Analysis)
	return Set{Version: v.Number, Synonyms: syn, UserDictionary: ud, Options: o, Hash: Hash(syn, ud, o),
		Author: author, Time: at.UTC(), Message: message, Counts: s.counts(v.Analysis)}
}

// counts returns the rule counts of settings (zero when they do not build).
func (s *Service) counts(a engine.AnalysisSettings) Counts {
	an, err := analyzers.NewAnalysis(a)
	if err != nil {
		return Counts{}
	}
	return Counts{SynonymRules: an.Synonyms.Len(), UserDictionaryRules: an.UserDictionary().Len()}
}

// options returns the options of a draft: the request's, else the live
// version's.
func (s *Service) options(d Draft) Options {
	if d.Options != nil {
		return *d.Options
	}
	_, _, o := SetFromAnalysis(s.eng.Live().Analysis)
	return o
}

// ValidateResult is the answer to a validation.
type ValidateResult struct {
	Valid    bool     `json:"valid"`
	Problems Problems `json:"problems"`
	Counts   *Counts  `json:"counts,omitempty"`
}

// Validate checks a draft.
func (s *Service) Validate(_ context.Context, d Draft) (ValidateResult, error) {
	o := s.options(d)
	ps, err := validateWith(s.validate, d, o)
	if err != nil {
		return ValidateResult{}, err
	}
	if ps == nil {
		ps = Problems{}
	}
	res := ValidateResult{Valid: !ps.HasErrors(), Problems: ps}
	if res.Valid {
		c := s.counts(Analysis(d.Synonyms, d.UserDictionary, o))
		res.Counts = &c
	}
	return res, nil
}

// HistoryItem is one set of the history with the state of its index.
type HistoryItem struct {
	Set
	Live bool `json:"live"`
	// Kept: its index version still exists and follows live, so a
	// rollback to it is a swap.
	Kept bool `json:"kept"`
}

// History returns every set applied, newest first.
func (s *Service) History(ctx context.Context) ([]HistoryItem, error) {
	sets, err := s.store.Sets(ctx)
	if err != nil {
		return nil, err
	}
	vs, err := s.eng.Versions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]HistoryItem, 0, len(sets))
	for _, set := range sets {
		it := HistoryItem{Set: set}
		for _, v := range vs {
			if v.Number == set.Version {
				it.Live, it.Kept = v.Live, v.Live || v.Follows
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// Get returns set v of the history.
func (s *Service) Get(ctx context.Context, v int) (Set, error) { return s.store.GetSet(ctx, v) }

// Diff compares two sets of the history.
func (s *Service) Diff(ctx context.Context, from, to int) (Diff, error) {
	a, err := s.store.GetSet(ctx, from)
	if err != nil {
		return Diff{}, err
	}
	b, err := s.store.GetSet(ctx, to)
	if err != nil {
		return Diff{}, err
	}
	d, err := DiffSettings(a.Analysis(), b.Analysis())
	d.From, d.To = from, to
	return d, err
}

// Job returns a job: this instance's running state when it runs here,
// else the stored record.
func (s *Service) Job(ctx context.Context, id string) (Job, error) {
	s.mu.Lock()
	r := s.running[id]
	s.mu.Unlock()
	if r != nil {
		return r.snapshot(), nil
	}
	return s.store.GetJob(ctx, id)
}

// ApplyRequest asks for a draft to be applied.
type ApplyRequest struct {
	Draft
	Message string `json:"message"`
	// Queries are checked on the rebuilt version before the swap (default:
	// the preview's default queries).
	Queries []string `json:"queries,omitempty"`
}

// BusyError is the answer to an apply while another rebuild runs.
type BusyError struct{ JobID string }

func (e *BusyError) Error() string {
	return "another dictionary rebuild is running (job " + e.JobID + "); wait for it or cancel it"
}

// Unwrap makes BusyError a Conflict.
func (e *BusyError) Unwrap() error { return &engine.Error{Code: engine.Conflict, Message: e.Error()} }

// checkMessage validates an apply or rollback message.
func checkMessage(m string) error {
	if n := utf8.RuneCountInString(m); n > MaxMessageRunes || !utf8.ValidString(m) {
		return engine.Errorf(engine.Invalid, "the message must be UTF-8 text of at most %d characters", MaxMessageRunes)
	}
	return nil
}

// Apply validates a draft and starts the rebuild job that applies it.
func (s *Service) Apply(ctx context.Context, req ApplyRequest) (Job, error) {
	if err := checkMessage(req.Message); err != nil {
		return Job{}, err
	}
	o := s.options(req.Draft)
	ps, err := validateWith(s.validate, req.Draft, o)
	if err != nil {
		return Job{}, err
	}
	if ps.HasErrors() {
		s.record(ctx, engine.AuditEntry{Action: "dictionary.apply", Outcome: engine.OutcomeRejected,
			Message: "the draft did not validate: " + ps.Error(), Detail: map[string]any{"problems": len(ps)}})
		return Job{}, ps
	}
	a := Analysis(req.Synonyms, req.UserDictionary, o)
	set := Set{Synonyms: req.Synonyms, UserDictionary: req.UserDictionary, Options: o,
		Hash: Hash(req.Synonyms, req.UserDictionary, o), Author: engine.ActorFrom(ctx), Message: req.Message, Counts: s.counts(a)}
	return s.start(ctx, KindApply, set, req.Queries)
}

// RollbackResult is what a rollback did: a swap (Job nil) or a job.
type RollbackResult struct {
	Version int  `json:"version"`
	Swapped bool `json:"swapped"`
	Job     *Job `json:"job,omitempty"`
}

// Rollback makes history version v live again: a swap when its index is
// kept (it followed every write), else a rebuild from its stored texts.
func (s *Service) Rollback(ctx context.Context, v int, message string) (RollbackResult, error) {
	if err := checkMessage(message); err != nil {
		return RollbackResult{}, err
	}
	set, err := s.store.GetSet(ctx, v)
	if err != nil {
		return RollbackResult{}, err
	}
	live := s.eng.Live()
	if live.Number == v {
		return RollbackResult{}, engine.Errorf(engine.Conflict, "version %d is live already", v)
	}
	vs, err := s.eng.Versions(ctx)
	if err != nil {
		return RollbackResult{}, err
	}
	kept := slices.ContainsFunc(vs, func(x engine.Version) bool { return x.Number == v && x.Follows })
	if !kept {
		set.RolledBackFrom = v
		set.Author, set.Message = engine.ActorFrom(ctx), message
		return s.rollbackJob(ctx, set)
	}
	id := engine.RandomHex(jobIDBytes)
	ok, holder, err := s.lock.TryLock(ctx, id)
	if err != nil {
		return RollbackResult{}, err
	}
	if !ok {
		s.record(ctx, engine.AuditEntry{Action: "dictionary.rollback", Target: strconv.Itoa(v), Outcome: engine.OutcomeRejected,
			Message: (&BusyError{holder}).Error()})
		return RollbackResult{}, &BusyError{holder}
	}
	defer func() { _ = s.lock.Unlock(context.WithoutCancel(ctx), id) }()
	if err := s.eng.SwapAlias(context.WithoutCancel(ctx), v); err != nil {
		s.record(ctx, engine.AuditEntry{Action: "dictionary.rollback", Target: strconv.Itoa(v), Outcome: engine.OutcomeFailed,
			Message: err.Error()})
		return RollbackResult{}, err
	}
	s.record(ctx, engine.AuditEntry{Action: "dictionary.rollback", Target: strconv.Itoa(v), Outcome: engine.OutcomeOK,
		Message: message, Detail: map[string]any{"from_version": live.Number, "swapped": true}})
	return RollbackResult{Version: v, Swapped: true}, nil
}

func (s *Service) rollbackJob(ctx context.Context, set Set) (RollbackResult, error) {
	j, err := s.start(ctx, KindRollback, set, nil)
	if err != nil {
		return RollbackResult{}, err
	}
	return RollbackResult{Version: set.RolledBackFrom, Job: &j}, nil
}

// Cancel stops a running job: its half-built version is dropped and live
// stays as it is.
func (s *Service) Cancel(ctx context.Context, id string) (Job, error) {
	s.mu.Lock()
	r := s.running[id]
	s.mu.Unlock()
	if r == nil {
		j, err := s.store.GetJob(ctx, id)
		if err != nil {
			return j, err
		}
		if j.Finished() {
			return j, engine.Errorf(engine.Conflict, "job %s has finished (%s)", id, j.State)
		}
		// Another instance runs it: it reads the request when it next
		// saves its progress.
		j.CancelRequested = engine.ActorFrom(ctx)
		if err := s.store.SaveJob(ctx, j); err != nil {
			return j, err
		}
		s.record(ctx, engine.AuditEntry{Action: "dictionary.cancel", Target: id, Outcome: engine.OutcomeOK, Message: "cancel requested"})
		return j, nil
	}
	j := r.update(func(j *Job) { j.CancelRequested = engine.ActorFrom(ctx) })
	r.cancel(errCanceled{by: engine.ActorFrom(ctx)})
	s.record(ctx, engine.AuditEntry{Action: "dictionary.cancel", Target: id, Outcome: engine.OutcomeOK, Message: "cancel requested"})
	return j, nil
}

type errCanceled struct{ by string }

func (e errCanceled) Error() string { return "canceled by " + e.by }

// jobIDBytes: job ids are 8 random bytes, hex.
const jobIDBytes = 8

// start takes the lock and starts a job applying set.
func (s *Service) start(ctx context.Context, kind string, set Set, queries []string) (Job, error) {
	id := engine.RandomHex(jobIDBytes)
	action := "dictionary." + kind
	ok, holder, err := s.lock.TryLock(ctx, id)
	if err != nil {
		return Job{}, err
	}
	if !ok {
		s.record(ctx, engine.AuditEntry{Action: action, Outcome: engine.OutcomeRejected, Message: (&BusyError{holder}).Error(),
			Detail: map[string]any{"running_job": holder}})
		return Job{}, &BusyError{holder}
	}
	// Holding the lock, no job runs anywhere: clean up after crashed ones.
	s.recover(ctx, id)
	if len(queries) == 0 {
		queries = s.defaultQueries(ctx)
	}
	j := Job{ID: id, Kind: kind, State: StateRunning, Phase: PhaseQueued, StartedBy: engine.ActorFrom(ctx),
		StartedAt: s.now().UTC(), From: s.eng.Live().Number, Set: set, Queries: queries, Owner: s.instance}
	if err := s.store.SaveJob(ctx, j); err != nil {
		_ = s.lock.Unlock(context.WithoutCancel(ctx), id)
		return Job{}, err
	}
	jctx, cancel := context.WithCancelCause(s.ctx)
	jctx = engine.WithActor(jctx, j.StartedBy)
	r := &runningJob{job: j, cancel: cancel}
	s.mu.Lock()
	s.running[id] = r
	s.mu.Unlock()
	s.record(ctx, engine.AuditEntry{Action: action, Target: id, Outcome: engine.OutcomeOK, Message: set.Message,
		Detail: map[string]any{"job": id, "from_version": j.From, "synonym_rules": set.Counts.SynonymRules,
			"user_dictionary_rules": set.Counts.UserDictionaryRules, "rolled_back_from": set.RolledBackFrom}})
	s.log.Info("rebuild started", zap.String("job", id), zap.String("kind", kind), zap.String("by", j.StartedBy))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.runJob(jctx, r)
	}()
	return j, nil
}

// Preview queries by default: the top 20 queries and the top 10
// zero-result queries of the last 7 days.
const (
	defaultTopQueries  = 20
	defaultZeroQueries = 10
	defaultQueryWindow = 7 * 24 * time.Hour
	MaxPreviewQueries  = 50
)

func (s *Service) defaultQueries(ctx context.Context) []string {
	if s.queries == nil {
		return nil
	}
	to := s.now()
	from := to.Add(-defaultQueryWindow)
	var out []string
	add := func(qs []ingest.QueryCount, err error) {
		if err != nil {
			s.log.Warn("default preview queries unavailable", zap.Error(err))
			return
		}
		for _, q := range qs {
			if q.Query != "" && !slices.Contains(out, q.Query) {
				out = append(out, q.Query)
			}
		}
	}
	add(s.queries.TopQueries(ctx, from, to, defaultTopQueries))
	add(s.queries.ZeroResultQueries(ctx, from, to, defaultZeroQueries))
	return out
}

// Start records the live set when the history lacks it (first start, or
// an index created before the history existed) and cleans up after jobs a
// crash interrupted. Call it once the engine is ready.
func (s *Service) Start(ctx context.Context) error {
	live := s.eng.Live()
	if live.Number == 0 {
		return engine.Errorf(engine.Unavailable, "the engine has no live version yet")
	}
	if _, err := s.store.GetSet(ctx, live.Number); engine.ErrorCode(err) == engine.NotFound {
		set := s.setOf(live, "system", "the dictionaries the index was created with", live.CreatedAt)
		if err := s.store.SaveSet(ctx, set); err != nil {
			return err
		}
		s.log.Info("recorded the live dictionaries as the first history version", zap.Int("version", live.Number),
			zap.Int("synonym_rules", set.Counts.SynonymRules), zap.Int("user_dictionary_rules", set.Counts.UserDictionaryRules))
	} else if err != nil {
		return err
	}
	id := "recover-" + engine.RandomHex(jobIDBytes)
	ok, _, err := s.lock.TryLock(ctx, id)
	if err != nil || !ok {
		return err // a job runs on another instance: it is not ours to clean
	}
	defer func() { _ = s.lock.Unlock(context.WithoutCancel(ctx), id) }()
	s.recover(ctx, id)
	return nil
}

// recover runs while holding the lock (as holder): every job still
// recorded as running is dead (a running job holds the lock), so it is
// recorded as failed, and every version that is neither live, nor in the
// history, nor a preview of this instance is a half-built leftover and is
// dropped.
func (s *Service) recover(ctx context.Context, holder string) {
	ctx = context.WithoutCancel(ctx)
	jobs, err := s.store.Jobs(ctx)
	if err != nil {
		s.log.Warn("recovery: cannot list jobs", zap.Error(err))
		return
	}
	for _, j := range jobs {
		if j.Finished() || j.ID == holder {
			continue
		}
		s.mu.Lock()
		_, mine := s.running[j.ID]
		s.mu.Unlock()
		if mine {
			continue
		}
		now := s.now().UTC()
		j.State, j.FinishedAt = StateFailed, &now
		j.Error = "the process running the job stopped before it finished (crash or kill); live was not changed"
		if err := s.store.SaveJob(ctx, j); err != nil {
			s.log.Warn("recovery: cannot record the job as failed", zap.String("job", j.ID), zap.Error(err))
		}
		s.record(engine.WithActor(ctx, "system"), engine.AuditEntry{Action: "dictionary.rebuild", Target: j.ID,
			Outcome: engine.OutcomeFailed, Message: j.Error, Detail: map[string]any{"target_version": j.Target}})
		s.log.Warn("a rebuild job was interrupted; recorded as failed", zap.String("job", j.ID), zap.Int("target", j.Target))
	}
	vs, err := s.eng.Versions(ctx)
	if err != nil {
		s.log.Warn("recovery: cannot list versions", zap.Error(err))
		return
	}
	for _, v := range vs {
		if v.Live {
			continue
		}
		if s.isTemp(v.Number) {
			continue
		}
		if _, err := s.store.GetSet(ctx, v.Number); engine.ErrorCode(err) != engine.NotFound {
			continue
		}
		if err := s.eng.DropVersion(ctx, v.Number); err != nil {
			s.log.Warn("recovery: cannot drop a half-built version", zap.Int("version", v.Number), zap.Error(err))
			continue
		}
		s.log.Info("recovery: dropped a half-built version", zap.Int("version", v.Number))
	}
}

// isTemp reports whether version n is a preview version of this instance.
func (s *Service) isTemp(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.temps[n]
}
