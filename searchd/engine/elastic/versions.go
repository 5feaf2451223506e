package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	es "github.com/olivere/elastic/v7"
	"go.uber.org/zap"

	"github.com/searchd/searchd/mappings"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// meta is what a version's mapping carries under _meta.searchd.
type meta struct {
	Version   int                     `json:"version"`
	CreatedAt time.Time               `json:"created_at"`
	Analysis  engine.AnalysisSettings `json:"analysis"`
}

// versionBody is the create-index body of new versions with one analysis:
// the documents mapping from mappings/ with settings.analysis generated
// from the analyzer, and the settings in _meta, set per version by of.
type versionBody struct {
	body     map[string]any
	mappings map[string]any
	analysis engine.AnalysisSettings
}

// newVersionBody builds the body of versions with settings a, whose
// analyzer is an.
func newVersionBody(a engine.AnalysisSettings, an search.Analyzer) (versionBody, error) {
	analysis, ok := search.ElasticsearchSettings(an)
	if !ok {
		return versionBody{}, fmt.Errorf("elastic: the analyzer has no Elasticsearch settings")
	}
	body, err := mappings.DocumentsElasticsearch()
	if err != nil {
		return versionBody{}, err
	}
	settings, _ := body["settings"].(map[string]any)
	m, _ := body["mappings"].(map[string]any)
	if settings == nil || m == nil {
		return versionBody{}, fmt.Errorf("elastic: the documents mapping has no settings or mappings")
	}
	settings["analysis"] = analysis
	return versionBody{body: body, mappings: m, analysis: a}, nil
}

// of returns the body of version n created at created. The body is shared:
// each call replaces the _meta of the previous one.
func (b versionBody) of(n int, created time.Time) map[string]any {
	b.mappings["_meta"] = map[string]any{"searchd": meta{Version: n, CreatedAt: created.UTC(), Analysis: b.analysis}}
	return b.body
}

// versionBody returns the create-index body of versions with settings a,
// from the cached analysis of a.
func (e *Engine) versionBody(a engine.AnalysisSettings) (versionBody, error) {
	an, err := e.analyzerFor(a)
	if err != nil {
		return versionBody{}, err
	}
	return newVersionBody(a, an)
}

func (e *Engine) indexName(n int) string { return fmt.Sprintf("%sdocs-v%d", e.opts.Prefix, n) }

// versionNumber parses "<prefix>docs-v{n}".
func (e *Engine) versionNumber(index string) (int, bool) {
	rest, ok := strings.CutPrefix(index, e.opts.Prefix+"docs-v")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n > 0 && strconv.Itoa(n) == rest
}

// loadVersions reads every version, its _meta and whether it holds the
// alias, sorted by number.
func (e *Engine) loadVersions(ctx context.Context, c *es.Client) ([]*version, error) {
	res, err := c.IndexGet(e.opts.Prefix + "docs-v*").Do(ctx)
	if err != nil {
		return nil, translate(ctx, "list versions", err)
	}
	var out []*version
	for index, info := range res {
		n, ok := e.versionNumber(index)
		if !ok || info == nil {
			continue
		}
		var m struct {
			Meta struct {
				Searchd *meta `json:"searchd"`
			} `json:"_meta"`
		}
		b, _ := json.Marshal(info.Mappings)
		if err := json.Unmarshal(b, &m); err != nil || m.Meta.Searchd == nil {
			e.log.Warn("index without searchd metadata ignored", zap.String("index", index))
			continue
		}
		_, aliased := info.Aliases[e.alias]
		_, follows := info.Aliases[e.followAlias()]
		follows = follows && !aliased
		out = append(out, &version{
			Version: engine.Version{Number: n, Name: index, CreatedAt: m.Meta.Searchd.CreatedAt, Analysis: m.Meta.Searchd.Analysis,
				Live: aliased, Follows: follows},
			index: index, aliased: aliased, follows: follows,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// ensureAlias makes sure a live version exists: the first version is
// created together with the alias in one call, so instances starting at
// once agree on it.
func (e *Engine) ensureAlias(ctx context.Context) error {
	c := e.clientOrNil()
	vs, err := e.loadVersions(ctx, c)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		vb, err := e.versionBody(e.opts.Analysis)
		if err != nil {
			return err
		}
		body := vb.of(1, e.now())
		body["aliases"] = map[string]any{e.alias: map[string]any{}}
		_, err = c.CreateIndex(e.indexName(1)).BodyJson(body).Do(ctx)
		if err != nil && !alreadyExists(err) {
			return translate(ctx, "create the first version", err)
		}
		if err == nil {
			e.log.Info("created the first documents index version", zap.String("index", e.indexName(1)), zap.String("alias", e.alias))
		}
		// Read back what exists now: another instance may have won.
		return e.refreshLive(ctx)
	}
	for _, v := range vs {
		if v.aliased {
			return e.setLive(vs)
		}
	}
	// Versions but no alias (removed by hand): serve the newest version.
	newest := vs[len(vs)-1]
	e.log.Warn("the alias is missing; pointing it at the newest version", zap.String("alias", e.alias), zap.String("index", newest.index))
	return e.swap(ctx, c, vs, newest.Number)
}

func alreadyExists(err error) bool {
	var ee *es.Error
	return errors.As(err, &ee) && ee.Details != nil && ee.Details.Type == "resource_already_exists_exception"
}

func (e *Engine) clientOrNil() *es.Client {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.client
}

// refreshLive re-reads which version the alias points at.
func (e *Engine) refreshLive(ctx context.Context) error {
	c := e.clientOrNil()
	if c == nil {
		return engine.Errorf(engine.EngineUnavailable, "not connected")
	}
	vs, err := e.loadVersions(ctx, c)
	if err != nil {
		return err
	}
	return e.setLive(vs)
}

// setLive makes the version of vs that holds the alias live, with its
// analyzer.
func (e *Engine) setLive(vs []*version) error {
	var live *version
	for _, v := range vs {
		if v.aliased {
			live = v
		}
	}
	if live == nil {
		return engine.Errorf(engine.EngineUnavailable, "the alias %s points at no documents index version", e.alias)
	}
	if err := e.withAnalyzer(live); err != nil {
		return err
	}
	var fs []*version
	for _, v := range vs {
		if v.follows {
			if err := e.withAnalyzer(v); err != nil {
				return err
			}
			fs = append(fs, v)
		}
	}
	e.mu.Lock()
	prev := e.live
	e.live, e.followers = live, fs
	e.mu.Unlock()
	if prev != nil && prev.Number != live.Number {
		e.log.Info("the live version changed", zap.Int("from", prev.Number), zap.Int("to", live.Number))
	}
	return nil
}

// withAnalyzer sets v's analyzer from its analysis settings.
func (e *Engine) withAnalyzer(v *version) error {
	an, err := e.analyses.Get(v.Analysis)
	if err != nil {
		return fmt.Errorf("elastic: the analysis settings of %s: %w", v.index, err)
	}
	v.analyzer = an
	return nil
}

// findVersion returns version n of vs, without its analyzer.
func findVersion(vs []*version, n int) (*version, error) {
	for _, v := range vs {
		if v.Number == n {
			return v, nil
		}
	}
	return nil, engine.Errorf(engine.NotFound, "index version %d does not exist", n)
}

// version reads version n, without its analyzer.
func (e *Engine) version(ctx context.Context, c *es.Client, n int) (*version, error) {
	vs, err := e.loadVersions(ctx, c)
	if err != nil {
		return nil, err
	}
	return findVersion(vs, n)
}

// Versions implements engine.Engine.
func (e *Engine) Versions(ctx context.Context) ([]engine.Version, error) {
	c, _, err := e.conn()
	if err != nil {
		return nil, err
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	vs, err := e.loadVersions(ctx, c)
	if err != nil {
		return nil, err
	}
	// Counts as of now, not of each index's last refresh: a rebuild's
	// check compares the new version's count with live's.
	names := make([]string, 0, len(vs))
	for _, v := range vs {
		names = append(names, v.index)
	}
	if len(names) > 0 {
		if _, err := c.Refresh(names...).Do(ctx); err != nil {
			return nil, translate(ctx, "refresh the versions", err)
		}
	}
	out := make([]engine.Version, 0, len(vs))
	for _, v := range vs {
		n, err := c.Count(v.index).Do(ctx)
		if err != nil {
			return nil, translate(ctx, "count "+v.index, err)
		}
		v.Docs = uint64(n)
		out = append(out, v.Version)
	}
	return out, nil
}

// CreateVersion implements engine.Engine. The number is one above the
// highest existing version; when another instance takes it first, the next
// one is tried.
func (e *Engine) CreateVersion(ctx context.Context, a engine.AnalysisSettings) (int, error) {
	vb, err := e.versionBody(a)
	if err != nil {
		return 0, err
	}
	c, _, err := e.conn()
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*e.opts.RequestTimeout)
	defer cancel()
	vs, err := e.loadVersions(ctx, c)
	if err != nil {
		return 0, err
	}
	n := 1
	if len(vs) > 0 {
		n = vs[len(vs)-1].Number + 1
	}
	for tries := 0; ; tries++ {
		_, err := c.CreateIndex(e.indexName(n)).BodyJson(vb.of(n, e.now())).Do(ctx)
		switch {
		case err == nil:
			e.log.Info("created a documents index version", zap.String("index", e.indexName(n)))
			return n, nil
		case alreadyExists(err) && tries < 5:
			n++
		default:
			return 0, translate(ctx, "create version "+strconv.Itoa(n), err)
		}
	}
}

// SwapAlias implements engine.Engine with one _aliases call that removes
// the alias from every other version and adds it to v, so searches never
// see the alias missing or on two indexes.
func (e *Engine) SwapAlias(ctx context.Context, n int) error {
	c, _, err := e.conn()
	if err != nil {
		return err
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	vs, err := e.loadVersions(ctx, c)
	if err != nil {
		return err
	}
	return e.swap(ctx, c, vs, n)
}

func (e *Engine) swap(ctx context.Context, c *es.Client, vs []*version, n int) error {
	target, err := findVersion(vs, n)
	if err != nil {
		return err
	}
	actions := []es.AliasAction{}
	for _, v := range vs {
		if v.aliased && v.Number != n {
			actions = append(actions, es.NewAliasRemoveAction(e.alias).Index(v.index))
			if target.follows {
				// The replaced version takes the follower's place in the
				// same atomic call: no write can reach one and not the other.
				actions = append(actions, es.NewAliasAddAction(e.followAlias()).Index(v.index))
			}
		}
	}
	if target.follows {
		actions = append(actions, es.NewAliasRemoveAction(e.followAlias()).Index(target.index))
	}
	actions = append(actions, es.NewAliasAddAction(e.alias).Index(e.indexName(n)))
	if _, err := c.Alias().Action(actions...).Do(ctx); err != nil {
		return translate(ctx, "swap the alias", err)
	}
	e.log.Info("alias swapped", zap.String("alias", e.alias), zap.String("index", e.indexName(n)))
	// The swap succeeded as one action: vs with the alias on n alone is
	// what the cluster holds now.
	for _, v := range vs {
		if target.follows && v.aliased && v.Number != n {
			v.follows = true
		}
		v.aliased = v.Number == n
		v.Live = v.aliased
		v.follows = v.follows && !v.aliased
		v.Follows = v.follows
	}
	return e.setLive(vs)
}

// DropVersion implements engine.Engine.
func (e *Engine) DropVersion(ctx context.Context, n int) error {
	c, _, err := e.conn()
	if err != nil {
		return err
	}
	rctx, cancel := e.ctx(ctx)
	v, err := e.version(rctx, c, n)
	cancel()
	if err != nil {
		return err
	}
	if v.aliased {
		return engine.Errorf(engine.Conflict, "index version %d is live; swap the alias first", n)
	}
	if v.follows {
		// Every instance stops writing to it before it goes: a write to a
		// missing index would create it again.
		if err := e.Unfollow(ctx, n); err != nil {
			return err
		}
	}
	ctx, cancel = e.ctx(ctx)
	defer cancel()
	if _, err := c.DeleteIndex(v.index).Do(ctx); err != nil {
		return translate(ctx, "drop version "+strconv.Itoa(n), err)
	}
	e.log.Info("dropped a documents index version", zap.String("index", v.index))
	return nil
}

// MergeSegments implements engine.Engine with _forcemerge to one segment.
// It waits for the merge, so it runs under the caller's context rather
// than the per-request timeout.
func (e *Engine) MergeSegments(ctx context.Context, n int) error {
	c, _, err := e.conn()
	if err != nil {
		return err
	}
	vctx, cancel := e.ctx(ctx)
	v, err := e.version(vctx, c, n)
	cancel()
	if err != nil {
		return err
	}
	if _, err := c.Forcemerge(v.index).MaxNumSegments(1).Do(ctx); err != nil {
		return translate(ctx, "merge version "+strconv.Itoa(n), err)
	}
	return nil
}

// CopyVersion implements engine.Engine: a search_after scan of from (only
// documents updated at or after since, when set), each page re-derived with
// to's analyzer and bulk-written into to. Both indexes are refreshed so the
// scan sees every acknowledged write and the copy is searchable at once.
func (e *Engine) CopyVersion(ctx context.Context, from, to int, since time.Time) (int, error) {
	c, _, err := e.conn()
	if err != nil {
		return 0, err
	}
	rctx, cancel := e.ctx(ctx)
	src, dst, err := e.copyVersions(rctx, c, from, to)
	if err == nil {
		_, err = c.Refresh(src.index).Do(rctx)
		err = translate(rctx, "refresh "+src.index, err)
	}
	cancel()
	if err != nil {
		return 0, err
	}
	var q es.Query = es.NewMatchAllQuery()
	if !since.IsZero() {
		q = es.NewRangeQuery("updated_at").Gte(since.UTC().Format(time.RFC3339Nano))
	}
	const page = 1000
	copied := 0
	var after []any
	for {
		rctx, cancel := e.ctx(ctx)
		s := c.Search(src.index).Query(q).Size(page).Sort("id", true).
			FetchSourceContext(es.NewFetchSourceContext(true).Include(append(documentFields, "updated_at")...))
		if after != nil {
			s = s.SearchAfter(after...)
		}
		res, err := s.Do(rctx)
		cancel()
		if err != nil {
			return copied, translate(ctx, "copy from "+src.index, err)
		}
		if len(res.Hits.Hits) == 0 {
			break
		}
		var cp copier
		for _, h := range res.Hits.Hits {
			if err := cp.add(e, h.Id, h.Source); err != nil {
				return copied, err
			}
		}
		n, err := cp.write(ctx, e, dst)
		copied += n
		if err != nil {
			return copied, err
		}
		engine.ReportProgress(ctx, len(cp.docs))
		after = res.Hits.Hits[len(res.Hits.Hits)-1].Sort
	}
	rctx, cancel = e.ctx(ctx)
	defer cancel()
	_, err = c.Refresh(dst.index).Do(rctx)
	return copied, translate(rctx, "refresh "+dst.index, err)
}

// copyVersions reads the source and the target of a copy; the target comes
// with its analyzer, which derives the copied documents.
func (e *Engine) copyVersions(ctx context.Context, c *es.Client, from, to int) (src, dst *version, err error) {
	vs, err := e.loadVersions(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	if src, err = findVersion(vs, from); err != nil {
		return nil, nil, err
	}
	if dst, err = findVersion(vs, to); err != nil {
		return nil, nil, err
	}
	if err := e.withAnalyzer(dst); err != nil {
		return nil, nil, err
	}
	return src, dst, nil
}

// escape quotes a name for a URL path.
func escape(name string) string { return url.PathEscape(name) }

// CopyDocuments implements engine.Engine with multi-gets from the source
// and bulk writes into the target, versioned like CopyVersion.
func (e *Engine) CopyDocuments(ctx context.Context, from, to int, ids []string) (int, error) {
	c, _, err := e.conn()
	if err != nil {
		return 0, err
	}
	rctx, cancel := e.ctx(ctx)
	src, dst, err := e.copyVersions(rctx, c, from, to)
	cancel()
	if err != nil {
		return 0, err
	}
	const page = 1000
	copied := 0
	for start := 0; start < len(ids); start += page {
		mg := c.Mget()
		for _, id := range ids[start:min(start+page, len(ids))] {
			mg = mg.Add(es.NewMultiGetItem().Index(src.index).Id(id))
		}
		rctx, cancel := e.ctx(ctx)
		res, err := mg.Do(rctx)
		cancel()
		if err != nil {
			return copied, translate(ctx, "read from "+src.index, err)
		}
		var cp copier
		for _, d := range res.Docs {
			if d != nil && d.Found {
				if err := cp.add(e, d.Id, d.Source); err != nil {
					return copied, err
				}
			}
		}
		n, err := cp.write(ctx, e, dst)
		copied += n
		if err != nil {
			return copied, err
		}
	}
	rctx, cancel = e.ctx(ctx)
	defer cancel()
	_, err = c.Refresh(dst.index).Do(rctx)
	return copied, translate(rctx, "refresh "+dst.index, err)
}

// copier collects documents read from one version for a copy into
// another, each with the update time it had (its version in the target).
type copier struct {
	docs []engine.Document
	at   []time.Time
	seen map[string]bool
}

// add decodes one stored document; an id already added is skipped.
func (c *copier) add(e *Engine, id string, raw json.RawMessage) error {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[id] {
		return nil
	}
	c.seen[id] = true
	var s source
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("elastic: document %q: %w", id, err)
	}
	if s.ID == "" {
		s.ID = id
	}
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = e.stamp()
	}
	c.docs, c.at = append(c.docs, s.Document), append(c.at, s.UpdatedAt)
	return nil
}

// write bulk-writes the documents into dst and returns how many it wrote.
// A 409 means a newer write (or a delete) reached dst after the document
// was read: that one wins (follow.go), so it is skipped, not an error.
func (c *copier) write(ctx context.Context, e *Engine, dst *version) (int, error) {
	items, err := e.write(ctx, dst, c.docs, c.at)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, it := range items {
		switch {
		case it.Error == nil:
			n++
		case it.Status == http.StatusConflict:
		default:
			return n, fmt.Errorf("elastic: copy %q into %s: %s", it.ID, dst.index, it.Error.Message)
		}
	}
	return n, nil
}
