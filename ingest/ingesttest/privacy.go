package ingesttest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/pii"
	"github.com/searchd/searchd/searchd/engine"
)

// ContentLister is implemented by stores that can list what their index
// holds for a field: stored values and indexed terms.
type ContentLister interface {
	FieldContents(ctx context.Context, field string) ([]string, error)
}

// personalData: searches holding personal data go through the real
// producer, queue and workers into the log index, and no query field of
// the index holds the data in clear (stored or indexed); the masks are
// there instead, and each kind is counted per field.
func personalData(t *testing.T, newQueue NewQueue, newStore NewStore) {
	ctx := context.Background()
	capper, m, reg := NewCapper(t, ingest.CapperConfig{})
	q, s := newQueue(t, 100), newStore(t)
	lister, ok := s.(ContentLister)
	if !ok {
		t.Fatalf("%T cannot list its contents", s)
	}
	p := ingest.NewProducer(capper, q, ingest.ProducerConfig{Buffer: 100}, m, nil)
	run(t, p.Run)
	StartWorker(t, q, s, fastWorker("w1"), m)

	cases := []struct {
		query, secret string
		kind          pii.Kind
	}{
		{"홍길동 010-1234-5678", "1234-5678", pii.Phone},
		{"01098765432", "98765432", pii.Phone},
		{"+82 10 5555 6666 연락", "5555 6666", pii.Phone},
		{"Kim.Minsu@Example.com 문의", "minsu@example", pii.Email},
		{"주민번호 900101-1234567", "900101", pii.ResidentID},
		{"카드 4111 1111 1111 1111", "4111 1111", pii.Card},
		{"https://admin:hunter2@intra.example.com/wiki", "hunter2", pii.URLCredentials},
	}
	at := time.Now().Add(-time.Minute)
	for i, c := range append(cases, struct {
		query, secret string
		kind          pii.Kind
	}{query: "서울 날씨"}) {
		p.Publish(ctx, engine.SearchEvent{ID: fmt.Sprintf("pii-%02d", i), Time: at, Query: c.query, Normalized: c.query,
			Canonical: c.query, Corrected: c.query, Total: 1, Page: 1, Size: 10, SessionID: "s1"})
	}
	WaitCount(t, s, int64(len(cases)+1))
	for _, field := range []string{"query", "query_key", "normalized", "canonical", "corrected"} {
		vals, err := lister.FieldContents(ctx, field)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.ToLower(strings.Join(vals, "\n"))
		if !strings.Contains(all, "서울 날씨") {
			t.Fatalf("%s: the clean query is not in the index (contents %q): the check reads nothing", field, vals)
		}
		for _, c := range cases {
			if strings.Contains(all, strings.ToLower(c.secret)) || strings.Contains(strings.ReplaceAll(all, " ", ""), strings.ReplaceAll(strings.ToLower(c.secret), " ", "")) {
				t.Errorf("%s holds %q of %q in clear: %q", field, c.secret, c.query, vals)
			}
			if !strings.Contains(all, string(c.kind)) {
				t.Errorf("%s has no %s mask: %q", field, c.kind, vals)
			}
		}
	}
	for field, want := range map[string]float64{"query": 3, "canonical": 3, "corrected": 3} {
		if got := Counter(t, reg, "searchd_ingest_capped_total", map[string]string{"field": field, "reason": pii.Phone.Reason()}); got != want {
			t.Errorf("capped{field=%s,reason=%s} = %v, want %v", field, pii.Phone.Reason(), got, want)
		}
	}
}
