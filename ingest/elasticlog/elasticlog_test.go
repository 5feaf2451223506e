package elasticlog_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/elasticlog"
	"github.com/searchd/searchd/ingest/ingesttest"
	"github.com/searchd/searchd/internal/testenv"
)

func newStoreAt(tb testing.TB, node *testenv.OpenSearchNode, rawURL string) *elasticlog.Store {
	s, err := elasticlog.New(elasticlog.Config{URL: rawURL, Prefix: node.Prefix(tb) + "search-logs-", Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func newStore(tb testing.TB) ingest.Store {
	node := testenv.OpenSearch(tb)
	return newStoreAt(tb, node, node.URL)
}

func TestStore(t *testing.T) { ingesttest.StoreSuite(t, newStore) }

// TestPipeline is elastic mode end to end: a real Redis Stream, the real
// workers, the real OpenSearch node.
func TestPipeline(t *testing.T) {
	ingesttest.PipelineSuite(t, ingesttest.RedisQueue, newStore, newOutage)
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := elasticlog.New(elasticlog.Config{}); err == nil {
		t.Fatal("a store without URL was accepted")
	}
	if _, err := elasticlog.New(elasticlog.Config{URL: "http://127.0.0.1:1", Prefix: "Logs*"}); err == nil {
		t.Fatal("an invalid prefix was accepted")
	}
}

func TestDailyIndicesFromTemplate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t).(*elasticlog.Store)
	now := time.Now().UTC()
	evs := append(ingesttest.Events("today", 2, now), ingesttest.Events("old", 2, now.AddDate(0, 0, -3))...)
	if _, err := s.BulkWrite(ctx, evs); err != nil {
		t.Fatal(err)
	}
	names, err := s.Indices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{s.IndexName(now.AddDate(0, 0, -3)), s.IndexName(now)}
	if len(names) != 2 || names[0] != want[0] || names[1] != want[1] {
		t.Fatalf("indices %v, want %v", names, want)
	}
	fields, err := s.MappedFields(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 21 {
		t.Fatalf("the daily indices map %d fields %v; the template has 21", len(fields), fields)
	}
	if n, err := s.DeleteOlderThan(ctx, now, 2); err != nil || n != 1 {
		t.Fatalf("DeleteOlderThan = %d, %v; want the one old index", n, err)
	}
}

// proxy forwards a local port to the node once started: before that the
// port is closed, as for a node that is down.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (p *proxy) start(tb testing.TB) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		tb.Fatalf("proxy: %v", err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
	}
	for _, c := range p.conns {
		c.Close()
	}
}

func newOutage(tb testing.TB) (ingest.Store, func(), func()) {
	node := testenv.OpenSearch(tb)
	u, err := url.Parse(node.URL)
	if err != nil {
		tb.Fatal(err)
	}
	p := &proxy{addr: "127.0.0.1:" + strconv.Itoa(testenv.FreePort(tb)), target: u.Host}
	tb.Cleanup(p.stop)
	s := newStoreAt(tb, node, "http://"+p.addr)
	return s, func() {}, func() { p.start(tb) }
}
