package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// OpenSearchURLEnv names the environment variable holding the URL of the
// OpenSearch node tests use. The test command sets it after
// `tools/opensearch/opensearch.sh start`, which prints the URL and writes it
// to $SEARCHD_OPENSEARCH_HOME/url.
const OpenSearchURLEnv = "SEARCHD_TEST_ES_URL"

// OpenSearchNode is a running OpenSearch node (2.x, with the nori plugin)
// shared by every test of a run. Tests keep out of each other's way by
// naming every index, alias and index template they create with the prefix
// from Prefix; those are deleted when the test ends.
type OpenSearchNode struct {
	URL    string
	client *http.Client

	mu       sync.Mutex
	prefixes map[testing.TB]string
}

// OpenSearch returns the node named by SEARCHD_TEST_ES_URL after checking
// that it answers GET /_cluster/health with a status other than red. When
// the variable is unset or the node does not answer, the test fails under CI
// and is skipped elsewhere.
func OpenSearch(tb testing.TB) *OpenSearchNode {
	tb.Helper()
	raw := strings.TrimRight(os.Getenv(OpenSearchURLEnv), "/")
	if raw == "" {
		missing(tb, "OpenSearch", fmt.Errorf("%s is not set (tools/opensearch/opensearch.sh start prints the URL)", OpenSearchURLEnv))
		return nil
	}
	if u, err := url.Parse(raw); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		tb.Fatalf("testenv: %s=%q is not an http(s) URL", OpenSearchURLEnv, raw)
	}
	n := &OpenSearchNode{
		URL:      raw,
		client:   &http.Client{Timeout: time.Minute},
		prefixes: map[testing.TB]string{},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var health struct {
		Status string `json:"status"`
	}
	status, body, err := n.Do(ctx, http.MethodGet, "/_cluster/health", nil)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET /_cluster/health: HTTP %d: %s", status, body)
	}
	if err == nil {
		err = json.Unmarshal(body, &health)
	}
	if err == nil && health.Status != "green" && health.Status != "yellow" {
		err = fmt.Errorf("cluster health is %q", health.Status)
	}
	if err != nil {
		missing(tb, "OpenSearch at "+raw, err)
		return nil
	}
	return n
}

// Do sends one request with a JSON body (nil for none) and returns the HTTP
// status and the response body. Only transport errors are errors.
func (n *OpenSearchNode) Do(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, n.URL+path, r)
	if err != nil {
		return 0, nil, fmt.Errorf("testenv: %s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("testenv: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("testenv: %s %s: reading response: %w", method, path, err)
	}
	return resp.StatusCode, out, nil
}

// Prefix returns the index-name prefix of this test: lowercase, unique
// across tests and runs, ending in "-" (e.g. "t-mytest-3f9a1c2b-"). Every
// call from the same test returns the same prefix. When the test ends, every
// index, alias and index template (composable and legacy) whose name starts
// with it is deleted.
func (n *OpenSearchNode) Prefix(tb testing.TB) string {
	tb.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	if p, ok := n.prefixes[tb]; ok {
		return p
	}
	var random [4]byte
	if _, err := rand.Read(random[:]); err != nil {
		tb.Fatalf("testenv: random prefix: %v", err)
	}
	p := "t-" + indexNamePart(tb.Name(), 40) + "-" + hex.EncodeToString(random[:]) + "-"
	n.prefixes[tb] = p
	tb.Cleanup(func() {
		n.mu.Lock()
		delete(n.prefixes, tb)
		n.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := n.deleteAll(ctx, p); err != nil {
			tb.Errorf("testenv: cleaning up OpenSearch names %s*: %v", p, err)
		}
	})
	return p
}

// indexNamePart reduces a test name to characters allowed in an index name
// (lowercase letters, digits, '-'), at most max bytes.
func indexNamePart(name string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= max {
			break
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > max {
		s = strings.TrimRight(s[:max], "-")
	}
	if s == "" {
		s = "test"
	}
	return s
}

// deleteAll removes the indices (with their aliases), the remaining aliases
// and the index templates whose names start with prefix.
func (n *OpenSearchNode) deleteAll(ctx context.Context, prefix string) error {
	var errs []error
	pattern := url.PathEscape(prefix) + "*"
	if err := n.expect(ctx, http.MethodDelete, "/"+pattern+"?expand_wildcards=all", http.StatusOK, http.StatusNotFound); err != nil {
		errs = append(errs, err)
	}
	// Aliases with our prefix on someone else's index.
	var aliases map[string]struct {
		Aliases map[string]json.RawMessage `json:"aliases"`
	}
	if err := n.getJSON(ctx, "/_alias/"+pattern, &aliases); err != nil {
		errs = append(errs, err)
	}
	for index, a := range aliases {
		for _, alias := range slices.Sorted(maps.Keys(a.Aliases)) {
			path := "/" + url.PathEscape(index) + "/_alias/" + url.PathEscape(alias)
			if err := n.expect(ctx, http.MethodDelete, path, http.StatusOK, http.StatusNotFound); err != nil {
				errs = append(errs, err)
			}
		}
	}
	var composable struct {
		IndexTemplates []struct {
			Name string `json:"name"`
		} `json:"index_templates"`
	}
	if err := n.getJSON(ctx, "/_index_template/"+pattern, &composable); err != nil {
		errs = append(errs, err)
	}
	for _, t := range composable.IndexTemplates {
		if err := n.expect(ctx, http.MethodDelete, "/_index_template/"+url.PathEscape(t.Name), http.StatusOK, http.StatusNotFound); err != nil {
			errs = append(errs, err)
		}
	}
	var legacy map[string]json.RawMessage
	if err := n.getJSON(ctx, "/_template/"+pattern, &legacy); err != nil {
		errs = append(errs, err)
	}
	for _, name := range slices.Sorted(maps.Keys(legacy)) {
		if err := n.expect(ctx, http.MethodDelete, "/_template/"+url.PathEscape(name), http.StatusOK, http.StatusNotFound); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// getJSON decodes the response of a GET into out; 404 leaves out empty.
func (n *OpenSearchNode) getJSON(ctx context.Context, path string, out any) error {
	status, body, err := n.Do(ctx, http.MethodGet, path, nil)
	switch {
	case err != nil:
		return err
	case status == http.StatusNotFound:
		return nil
	case status != http.StatusOK:
		return fmt.Errorf("GET %s: HTTP %d: %s", path, status, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

// expect sends a request without a body and checks its status.
func (n *OpenSearchNode) expect(ctx context.Context, method, path string, ok ...int) error {
	status, body, err := n.Do(ctx, method, path, nil)
	if err != nil {
		return err
	}
	for _, s := range ok {
		if status == s {
			return nil
		}
	}
	return fmt.Errorf("%s %s: HTTP %d: %s", method, path, status, body)
}
