// Package elasticstore keeps the dictionary history and the audit trail in
// two small indexes of their own in the cluster ("<prefix>searchd-dictionaries"
// and "<prefix>searchd-audit"), so every searchd instance sharing the
// cluster shares one history. Writes wait for a refresh (refresh=wait_for),
// so an acknowledged write is visible to every instance's next read.
package elasticstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	es "github.com/olivere/elastic/v7"

	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine"
)

// Config configures the store.
type Config struct {
	URLs               []string
	Username, Password string
	// Prefix of both index names (as the engine's).
	Prefix string
	// Timeout bounds every request (10s).
	Timeout time.Duration
}

// Store implements dictionary.Store and dictionary.AuditLog.
type Store struct {
	c       *es.Client
	dicts   string
	audit   string
	timeout time.Duration
}

var (
	_ dictionary.Store    = (*Store)(nil)
	_ dictionary.AuditLog = (*Store)(nil)
)

// The indexes keep each record whole in a non-indexed object; only what
// reads sort and filter by is indexed.
var (
	dictsMapping = map[string]any{
		"settings": map[string]any{"index": map[string]any{"number_of_shards": 1, "number_of_replicas": 0}},
		"mappings": map[string]any{"dynamic": "strict", "properties": map[string]any{
			"kind":    map[string]any{"type": "keyword"},
			"version": map[string]any{"type": "integer"},
			"time":    map[string]any{"type": "date"},
			"record":  map[string]any{"type": "object", "enabled": false},
		}},
	}
	auditMapping = map[string]any{
		"settings": map[string]any{"index": map[string]any{"number_of_shards": 1, "number_of_replicas": 0}},
		"mappings": map[string]any{"dynamic": "strict", "properties": map[string]any{
			"time":   map[string]any{"type": "date"},
			"seq":    map[string]any{"type": "keyword"},
			"action": map[string]any{"type": "keyword"},
			"record": map[string]any{"type": "object", "enabled": false},
		}},
	}
)

// Open connects and creates the two indexes when they are missing.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	opts := []es.ClientOptionFunc{es.SetURL(cfg.URLs...), es.SetSniff(false), es.SetHealthcheck(false),
		es.SetHttpClient(&http.Client{Timeout: cfg.Timeout})}
	if cfg.Username != "" {
		opts = append(opts, es.SetBasicAuth(cfg.Username, cfg.Password))
	}
	c, err := es.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("elasticstore: %w", err)
	}
	s := &Store{c: c, dicts: cfg.Prefix + "searchd-dictionaries", audit: cfg.Prefix + "searchd-audit", timeout: cfg.Timeout}
	for _, ix := range []struct {
		name string
		body map[string]any
	}{{s.dicts, dictsMapping}, {s.audit, auditMapping}} {
		if err := s.ensure(ctx, ix.name, ix.body); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) ensure(ctx context.Context, name string, body map[string]any) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	ok, err := s.c.IndexExists(name).Do(ctx)
	if err != nil {
		return unavailable("check "+name, err)
	}
	if ok {
		return nil
	}
	_, err = s.c.CreateIndex(name).BodyJson(body).Do(ctx)
	var ee *es.Error
	if err != nil && !(errors.As(err, &ee) && ee.Details != nil && ee.Details.Type == "resource_already_exists_exception") {
		return unavailable("create "+name, err)
	}
	return nil
}

func unavailable(op string, err error) error {
	if es.IsNotFound(err) {
		return engine.Errorf(engine.NotFound, "%s: not found", op)
	}
	return engine.Errorf(engine.Unavailable, "dictionary history: %s: %v", op, err)
}

type record struct {
	Kind    string          `json:"kind"`
	Version int             `json:"version,omitempty"`
	Time    time.Time       `json:"time"`
	Record  json.RawMessage `json:"record"`
}

func (s *Store) put(ctx context.Context, id string, r record, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	r.Record = b
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	_, err = s.c.Index().Index(s.dicts).Id(id).BodyJson(r).Refresh("wait_for").Do(ctx)
	if err != nil {
		return unavailable("store "+id, err)
	}
	return nil
}

func (s *Store) get(ctx context.Context, id string, v any, what string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.c.Get().Index(s.dicts).Id(id).Do(ctx)
	if es.IsNotFound(err) || (err == nil && !res.Found) {
		return engine.Errorf(engine.NotFound, "%s does not exist", what)
	}
	if err != nil {
		return unavailable("read "+id, err)
	}
	var r record
	if err := json.Unmarshal(res.Source, &r); err != nil {
		return fmt.Errorf("elasticstore: %s: %w", id, err)
	}
	return json.Unmarshal(r.Record, v)
}

// all reads every record of kind, sorted by field descending.
func all[T any](ctx context.Context, s *Store, kind, field string) ([]T, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	const max = 10_000
	res, err := s.c.Search(s.dicts).Query(es.NewTermQuery("kind", kind)).Sort(field, false).Size(max).Do(ctx)
	if err != nil {
		return nil, unavailable("list "+kind, err)
	}
	out := make([]T, 0, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		var r record
		var v T
		if err := json.Unmarshal(h.Source, &r); err != nil {
			return nil, fmt.Errorf("elasticstore: %s: %w", h.Id, err)
		}
		if err := json.Unmarshal(r.Record, &v); err != nil {
			return nil, fmt.Errorf("elasticstore: %s: %w", h.Id, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// SaveSet implements dictionary.Store.
func (s *Store) SaveSet(ctx context.Context, set dictionary.Set) error {
	if set.Version < 1 {
		return engine.Errorf(engine.Invalid, "a set needs a version")
	}
	return s.put(ctx, "set-"+strconv.Itoa(set.Version), record{Kind: "set", Version: set.Version, Time: set.Time}, set)
}

// GetSet implements dictionary.Store.
func (s *Store) GetSet(ctx context.Context, v int) (dictionary.Set, error) {
	var set dictionary.Set
	err := s.get(ctx, "set-"+strconv.Itoa(v), &set, "dictionary version "+strconv.Itoa(v))
	return set, err
}

// Sets implements dictionary.Store.
func (s *Store) Sets(ctx context.Context) ([]dictionary.Set, error) {
	return all[dictionary.Set](ctx, s, "set", "version")
}

// SaveJob implements dictionary.Store.
func (s *Store) SaveJob(ctx context.Context, j dictionary.Job) error {
	if j.ID == "" {
		return engine.Errorf(engine.Invalid, "a job needs an id")
	}
	return s.put(ctx, "job-"+j.ID, record{Kind: "job", Time: j.StartedAt}, j)
}

// GetJob implements dictionary.Store.
func (s *Store) GetJob(ctx context.Context, id string) (dictionary.Job, error) {
	var j dictionary.Job
	err := s.get(ctx, "job-"+id, &j, "job "+id)
	return j, err
}

// Jobs implements dictionary.Store.
func (s *Store) Jobs(ctx context.Context) ([]dictionary.Job, error) {
	return all[dictionary.Job](ctx, s, "job", "time")
}

// Record implements engine.Auditor.
func (s *Store) Record(ctx context.Context, e engine.AuditEntry) error {
	dictionary.FillAudit(&e, time.Now())
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	// seq breaks ties of entries in the same millisecond: the time in
	// nanoseconds, zero-padded, then the id.
	seq := fmt.Sprintf("%020d-%s", e.Time.UnixNano(), e.ID)
	_, err = s.c.Index().Index(s.audit).Id(e.ID).
		BodyJson(map[string]any{"time": e.Time, "seq": seq, "action": e.Action, "record": json.RawMessage(b)}).
		Refresh("wait_for").Do(ctx)
	if err != nil {
		return unavailable("record an audit entry", err)
	}
	return nil
}

// List implements dictionary.AuditLog.
func (s *Store) List(ctx context.Context, offset, limit int) ([]engine.AuditEntry, int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.c.Search(s.audit).Query(es.NewMatchAllQuery()).Sort("seq", false).
		From(offset).Size(limit).TrackTotalHits(true).Do(ctx)
	if err != nil {
		return nil, 0, unavailable("read the audit trail", err)
	}
	out := make([]engine.AuditEntry, 0, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		var r struct {
			Record engine.AuditEntry `json:"record"`
		}
		if err := json.Unmarshal(h.Source, &r); err != nil {
			return nil, 0, fmt.Errorf("elasticstore: audit %s: %w", h.Id, err)
		}
		out = append(out, r.Record)
	}
	total := 0
	if res.Hits.TotalHits != nil {
		total = int(res.Hits.TotalHits.Value)
	}
	return out, total, nil
}

// Close releases the client.
func (s *Store) Close() error {
	s.c.Stop()
	return nil
}
