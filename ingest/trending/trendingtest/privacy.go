package trendingtest

import (
	"testing"
	"time"

	"github.com/searchd/searchd/ingest/pii"
	"github.com/searchd/searchd/ingest/trending"
)

// testPersonalData: queries holding personal data are never counted, even
// as a burst of many users that would otherwise trend; each is counted in
// searchd_trending_excluded_total by kind, and nothing of them reaches the
// store.
func testPersonalData(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	e.warm()
	queries := map[pii.Kind]string{
		pii.Phone:          "김철수 010-1234-5678",
		pii.Email:          "민수 kim@example.com",
		pii.ResidentID:     "주민번호 900101-1234567",
		pii.Card:           "카드 4111 1111 1111 1111",
		pii.URLCredentials: "관리자 https://admin:pw@intra.example.com",
	}
	for _, q := range queries {
		e.run(time.Minute, &burst{query: []string{q}, users: users("p", 60), rate: 1})
	}
	// The same burst without personal data trends, so the gate is what
	// keeps the others out.
	e.run(time.Minute, &burst{query: []string{"김철수 인터뷰"}, users: users("i", 60), rate: 1})
	s := e.step()
	if len(s.Items) != 1 || s.Items[0].Key != "김철수인터뷰" {
		t.Fatalf("snapshot %v, want only 김철수인터뷰", keys(s))
	}
	for k := range queries {
		if got := counter(t, e.reg, "searchd_trending_excluded_total", k.Reason()); got != 60 {
			t.Errorf("excluded{reason=%q} = %v, want 60", k.Reason(), got)
		}
	}
	p, err := e.connect().Pool(e.ctx, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range p.Entries {
		if pii.Detect(en.Key) != "" || en.Key == trending.Key(queries[pii.Phone]) {
			t.Fatalf("personal data reached the store: %q", en.Key)
		}
	}
}
