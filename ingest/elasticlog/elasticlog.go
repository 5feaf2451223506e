// Package elasticlog is the elastic mode's search-log index on Elasticsearch
// 7 or OpenSearch 2 (olivere/elastic v7): daily indices <prefix>YYYY.MM.DD
// created from a composable index template with the strict schema of
// mappings/search_logs.elasticsearch.json, _bulk writes with the event id as
// _id, terms aggregations for analytics and retention by index name (no ILM
// or ISM needed).
package elasticlog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/olivere/elastic/v7"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/mappings"
	"github.com/searchd/searchd/searchd/engine"
)

// Config configures the store; zero values take the defaults.
type Config struct {
	// URL of the cluster, e.g. http://127.0.0.1:9200. Required.
	URL string
	// Username and Password for basic authentication, when set.
	Username, Password string
	// Prefix of the daily index names (default "search-logs-").
	Prefix string
	// Timeout bounds every request (default 10s).
	Timeout time.Duration
}

// Store implements ingest.Store on Elasticsearch / OpenSearch.
type Store struct {
	client   *elastic.Client
	prefix   string
	template atomic.Bool // the index template is in place
}

var _ ingest.Store = (*Store)(nil)

// New returns a store. It does no I/O (no sniffing, no health checks): the
// index template is put before the first write, so a cluster that is down
// at start only delays logging.
func New(cfg Config) (*Store, error) {
	if cfg.URL == "" {
		return nil, engine.Errorf(engine.Invalid, "elasticlog: the cluster URL is required")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = mappings.SearchLogsPrefix
	}
	if cfg.Prefix != strings.ToLower(cfg.Prefix) || strings.ContainsAny(cfg.Prefix, `*?"<>|/\, #`) {
		return nil, engine.Errorf(engine.Invalid, "elasticlog: index prefix %q is not a valid index name part", cfg.Prefix)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	opts := []elastic.ClientOptionFunc{
		elastic.SetURL(cfg.URL),
		elastic.SetSniff(false),
		elastic.SetHealthcheck(false),
		elastic.SetHttpClient(&http.Client{Timeout: cfg.Timeout}),
	}
	if cfg.Username != "" {
		opts = append(opts, elastic.SetBasicAuth(cfg.Username, cfg.Password))
	}
	c, err := elastic.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("elasticlog: %w", err)
	}
	return &Store{client: c, prefix: cfg.Prefix}, nil
}

// Close implements ingest.Store.
func (s *Store) Close() error {
	s.client.Stop()
	return nil
}

// IndexName is the daily index of an event time.
func (s *Store) IndexName(t time.Time) string {
	return s.prefix + t.UTC().Format(mappings.SearchLogsDateLayout)
}

// TemplateName is the name of the store's index template.
func (s *Store) TemplateName() string { return strings.TrimRight(s.prefix, "-_.") + "-template" }

// Setup puts the composable index template (PUT _index_template) that gives
// every daily index the log schema. Safe to repeat.
func (s *Store) Setup(ctx context.Context) error {
	body, err := mappings.SearchLogsIndexTemplate(s.prefix)
	if err != nil {
		return err
	}
	if _, err := s.client.IndexPutIndexTemplate(s.TemplateName()).BodyJson(body).Do(ctx); err != nil {
		return fmt.Errorf("elasticlog: put index template: %w", err)
	}
	s.template.Store(true)
	return nil
}

// BulkWrite implements ingest.Store with one _bulk request of index
// operations (the event id is the _id: writing twice stores once).
func (s *Store) BulkWrite(ctx context.Context, evs []ingest.LogEvent) ([]ingest.ItemResult, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	if !s.template.Load() {
		if err := s.Setup(ctx); err != nil {
			return nil, err
		}
	}
	bulk := s.client.Bulk()
	for _, ev := range evs {
		bulk.Add(elastic.NewBulkIndexRequest().Index(s.IndexName(ev.Timestamp)).Id(ev.ID).Doc(ev))
	}
	resp, err := bulk.Do(ctx)
	if err != nil {
		return nil, fmt.Errorf("elasticlog: bulk: %w", err)
	}
	if len(resp.Items) != len(evs) {
		return nil, fmt.Errorf("elasticlog: bulk returned %d items for %d events", len(resp.Items), len(evs))
	}
	res := make([]ingest.ItemResult, len(evs))
	for i, item := range resp.Items {
		res[i].ID = evs[i].ID
		for _, r := range item { // one operation per item
			res[i].Outcome, res[i].Reason = classify(r)
		}
	}
	return res, nil
}

// classify maps one bulk item to an outcome: 2xx stored; 429 and 5xx
// (rejected execution, unavailable shards) retryable; other 4xx (mapping
// errors, strict-mapping violations, bad values) permanent.
func classify(r *elastic.BulkResponseItem) (ingest.ItemOutcome, string) {
	if r == nil {
		return ingest.ItemRetry, "missing bulk item"
	}
	if r.Status >= 200 && r.Status < 300 {
		return ingest.ItemOK, ""
	}
	reason := fmt.Sprintf("HTTP %d", r.Status)
	if r.Error != nil {
		reason = fmt.Sprintf("%s: %s: %s", reason, r.Error.Type, r.Error.Reason)
		if r.Error.CausedBy != nil {
			reason += fmt.Sprintf(" (%v: %v)", r.Error.CausedBy["type"], r.Error.CausedBy["reason"])
		}
	}
	if r.Status == http.StatusTooManyRequests || r.Status >= 500 {
		return ingest.ItemRetry, reason
	}
	return ingest.ItemRejected, reason
}

func (s *Store) pattern() string { return s.prefix + "*" }

func rangeQuery(from, to time.Time) *elastic.RangeQuery {
	return elastic.NewRangeQuery("timestamp").Gte(from.UTC().Format(time.RFC3339Nano)).
		Lt(to.UTC().Format(time.RFC3339Nano)).Format("strict_date_optional_time")
}

// TopQueries implements ingest.Store with a terms aggregation on query_key.
func (s *Store) TopQueries(ctx context.Context, from, to time.Time, size int) ([]ingest.QueryCount, error) {
	return s.terms(ctx, elastic.NewBoolQuery().Filter(rangeQuery(from, to)), size)
}

// ZeroResultQueries implements ingest.Store (filter zero_result: true).
func (s *Store) ZeroResultQueries(ctx context.Context, from, to time.Time, size int) ([]ingest.QueryCount, error) {
	q := elastic.NewBoolQuery().Filter(rangeQuery(from, to), elastic.NewTermQuery("zero_result", true))
	return s.terms(ctx, q, size)
}

func (s *Store) terms(ctx context.Context, q elastic.Query, size int) ([]ingest.QueryCount, error) {
	agg := elastic.NewTermsAggregation().Field("query_key").Size(size + 1).ShardSize(max(100, 3*size)).
		OrderByCountDesc().OrderByKeyAsc()
	res, err := s.client.Search(s.pattern()).IgnoreUnavailable(true).AllowNoIndices(true).
		Query(q).Size(0).TrackTotalHits(false).Aggregation("q", agg).Do(ctx)
	if err != nil {
		return nil, searchError(err)
	}
	out := []ingest.QueryCount{}
	if terms, ok := res.Aggregations.Terms("q"); ok {
		for _, b := range terms.Buckets {
			key, _ := b.Key.(string)
			if key != "" && len(out) < size {
				out = append(out, ingest.QueryCount{Query: key, Count: b.DocCount})
			}
		}
	}
	return out, nil
}

// searchError classifies an analytics search failure: the cluster being
// unreachable or busy (a new daily index whose shards are still starting
// answers 503 "all shards failed") is Unavailable, not an internal error.
func searchError(err error) error {
	if e, ok := err.(*elastic.Error); ok && (e.Status == 429 || e.Status >= 500) {
		return &engine.Error{Code: engine.Unavailable, Message: "the search-log index is not available right now; try again shortly"}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if elastic.IsConnErr(err) {
		return &engine.Error{Code: engine.Unavailable, Message: "the search-log index cannot be reached"}
	}
	return fmt.Errorf("elasticlog: search: %w", err)
}

// Count implements ingest.Store; it refreshes the log indices first so that
// what was just written is counted.
func (s *Store) Count(ctx context.Context, from, to time.Time) (int64, error) {
	if _, err := s.client.Refresh(s.pattern()).Do(ctx); err != nil && !elastic.IsNotFound(err) {
		return 0, fmt.Errorf("elasticlog: refresh: %w", err)
	}
	n, err := s.client.Count(s.pattern()).IgnoreUnavailable(true).AllowNoIndices(true).
		Query(rangeQuery(from, to)).Do(ctx)
	if err != nil {
		return 0, fmt.Errorf("elasticlog: count: %w", err)
	}
	return n, nil
}

// Indices lists the store's daily indices, oldest first.
func (s *Store) Indices(ctx context.Context) ([]string, error) {
	rows, err := s.client.CatIndices().Index(s.pattern()).Columns("index").Do(ctx)
	if err != nil && !elastic.IsNotFound(err) {
		return nil, fmt.Errorf("elasticlog: cat indices: %w", err)
	}
	var names []string
	for _, r := range rows {
		if _, ok := s.indexDay(r.Index); ok {
			names = append(names, r.Index)
		}
	}
	sort.Strings(names)
	return names, nil
}

func (s *Store) indexDay(name string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, s.prefix)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(mappings.SearchLogsDateLayout, rest)
	return t, err == nil
}

// DeleteOlderThan implements ingest.Store: it deletes the daily indices of
// days before now's day (UTC) minus days, chosen by name, and returns how
// many it deleted.
func (s *Store) DeleteOlderThan(ctx context.Context, now time.Time, days int) (int64, error) {
	cutoff, err := ingest.RetentionCutoff(now, days)
	if err != nil {
		return 0, err
	}
	names, err := s.Indices(ctx)
	if err != nil {
		return 0, err
	}
	var old []string
	for _, n := range names {
		if day, _ := s.indexDay(n); day.Before(cutoff) {
			old = append(old, n)
		}
	}
	if len(old) == 0 {
		return 0, nil
	}
	if _, err := s.client.DeleteIndex(old...).Do(ctx); err != nil {
		return 0, fmt.Errorf("elasticlog: delete %v: %w", old, err)
	}
	return int64(len(old)), nil
}

// MappedFields lists the fields mapped in the store's indices (dotted paths
// for objects), the union over all days.
func (s *Store) MappedFields(ctx context.Context) ([]string, error) {
	// GetMappingService puts a type in the path, which OpenSearch 2 rejects.
	resp, err := s.client.PerformRequest(ctx, elastic.PerformRequestOptions{
		Method: http.MethodGet, Path: "/" + url.PathEscape(s.pattern()) + "/_mapping",
		Params: url.Values{"ignore_unavailable": {"true"}, "allow_no_indices": {"true"}},
	})
	if err != nil {
		var e *elastic.Error
		if errors.As(err, &e) && e.Status == http.StatusNotFound {
			return nil, nil
		}
		return nil, fmt.Errorf("elasticlog: get mapping: %w", err)
	}
	var res map[string]any
	if err := json.Unmarshal(resp.Body, &res); err != nil {
		return nil, fmt.Errorf("elasticlog: get mapping: %w", err)
	}
	set := map[string]bool{}
	for _, idx := range res {
		im, _ := idx.(map[string]any)
		mp, _ := im["mappings"].(map[string]any)
		props, _ := mp["properties"].(map[string]any)
		collectFields("", props, set)
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

func collectFields(path string, props map[string]any, set map[string]bool) {
	for name, v := range props {
		full := path + name
		set[full] = true
		def, _ := v.(map[string]any)
		if sub, ok := def["properties"].(map[string]any); ok {
			collectFields(full+".", sub, set)
		}
		if sub, ok := def["fields"].(map[string]any); ok {
			collectFields(full+".", sub, set)
		}
	}
}

// FieldContents returns what the log indices hold for field, the values in
// the stored sources and the indexed terms (a terms aggregation), over at
// most maxContents events (for tests that check what the log keeps in
// clear).
func (s *Store) FieldContents(ctx context.Context, field string) ([]string, error) {
	if _, err := s.client.Refresh(s.pattern()).Do(ctx); err != nil && !elastic.IsNotFound(err) {
		return nil, fmt.Errorf("elasticlog: refresh: %w", err)
	}
	res, err := s.client.Search(s.pattern()).IgnoreUnavailable(true).AllowNoIndices(true).
		Query(elastic.NewMatchAllQuery()).Size(maxContents).
		FetchSourceContext(elastic.NewFetchSourceContext(true).Include(field)).
		Aggregation("t", elastic.NewTermsAggregation().Field(field).Size(maxContents)).Do(ctx)
	if err != nil {
		return nil, searchError(err)
	}
	var out []string
	for _, h := range res.Hits.Hits {
		var src map[string]any
		if err := json.Unmarshal(h.Source, &src); err != nil {
			return nil, fmt.Errorf("elasticlog: a stored event is not JSON: %w", err)
		}
		if v, ok := src[field].(string); ok {
			out = append(out, v)
		}
	}
	if terms, ok := res.Aggregations.Terms("t"); ok {
		for _, b := range terms.Buckets {
			if k, ok := b.Key.(string); ok {
				out = append(out, k)
			}
		}
	}
	return out, nil
}

// maxContents bounds FieldContents.
const maxContents = 10_000
