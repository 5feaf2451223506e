package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
)

func (f *fixture) searchIDs(t testing.TB, q string) []string {
	t.Helper()
	r := f.do(t, http.MethodGet, "/api/v1/search?q="+url.QueryEscape(q), "")
	r.wantStatus(t, http.StatusOK)
	var resp engine.SearchResponse
	r.decode(t, &resp)
	return hitIDs(resp)
}

func TestBulkNDJSON(t *testing.T) {
	f := newFixture(t, nil)
	body := strings.Join([]string{
		`{"id":"nd-1","title":"수채화 그리기 모임","body":"주말마다 한강에서 그려요","created_at":"2025-02-01T10:00:00Z"}`,
		`{"id":"nd-2","title":"broken line",`, // malformed JSON: fails alone
		``,                                    // blank lines are skipped
		`{"id":"nd-3","title":"수채화 재료 나눔","colour":"blue"}`, // unknown field
		`{"id":"nd-4","body":""}`, // invalid: no title or body
		`{"id":"nd-5","title":"수채화 전시회 관람","tags":["전시","미술"]}`,
	}, "\n")
	r := f.do(t, http.MethodPost, "/api/v1/documents?refresh=true", body, "Content-Type: application/x-ndjson")
	r.wantStatus(t, http.StatusOK)
	var resp api.BulkResponse
	r.decode(t, &resp)
	if !resp.Errors || len(resp.Items) != 5 {
		t.Fatalf("errors=%v items=%d, want true and 5: %s", resp.Errors, len(resp.Items), r.Body)
	}
	want := []struct {
		id     string
		status int
		msg    string
	}{
		{"nd-1", 201, ""},
		{"nd-2", 400, "malformed JSON"},
		{"nd-3", 400, `unknown field "colour"`},
		{"nd-4", 400, "title or a body"},
		{"nd-5", 201, ""},
	}
	for i, w := range want {
		got := resp.Items[i]
		if got.ID != w.id || got.Status != w.status {
			t.Errorf("item %d = %s/%d, want %s/%d", i, got.ID, got.Status, w.id, w.status)
		}
		switch {
		case w.msg == "" && got.Error != nil:
			t.Errorf("item %d: unexpected error %v", i, got.Error)
		case w.msg != "" && (got.Error == nil || got.Error.Code != engine.Invalid || !strings.Contains(got.Error.Message, w.msg)):
			t.Errorf("item %d: error %v, want invalid_argument mentioning %q", i, got.Error, w.msg)
		}
	}
	// The good documents are searchable at once (refresh=true); the bad ones
	// were not indexed.
	ids := f.searchIDs(t, "수채화")
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"nd-1", "nd-5"}) {
		t.Errorf("search 수채화 = %v, want [nd-1 nd-5]", ids)
	}
	f.do(t, http.MethodGet, "/api/v1/documents/nd-3", "").wantError(t, 404, engine.NotFound)
}

func TestBulkArray(t *testing.T) {
	f := newFixture(t, nil)
	body := `[
		{"id":"ar-1","title":"캘리그라피 원데이 클래스","popularity":7},
		42,
		{"id":"ar-3","title":"캘리그라피 붓 추천","Popularity":1,"extra":{"x":1}},
		{"id":"ar-1","title":"캘리그라피 원데이 클래스 (수정)","popularity":8}
	]`
	r := f.do(t, http.MethodPost, "/api/v1/documents?refresh=true", body, "Content-Type: application/json")
	r.wantStatus(t, http.StatusOK)
	var resp api.BulkResponse
	r.decode(t, &resp)
	statuses := []int{}
	for _, it := range resp.Items {
		statuses = append(statuses, it.Status)
	}
	if !slices.Equal(statuses, []int{201, 400, 400, 201}) || !resp.Errors {
		t.Fatalf("statuses %v errors %v: %s", statuses, resp.Errors, r.Body)
	}
	if resp.Items[2].ID != "ar-3" || !strings.Contains(resp.Items[2].Error.Message, `"extra"`) {
		t.Errorf("item 3 = %+v, want ar-3 naming the field extra", resp.Items[2])
	}
	// The last write of an id in one request wins.
	r = f.do(t, http.MethodGet, "/api/v1/documents/ar-1", "")
	var doc engine.Document
	r.decode(t, &doc)
	if doc.Popularity != 8 {
		t.Errorf("ar-1 popularity = %d, want the later write's 8", doc.Popularity)
	}

	t.Run("broken syntax fails the body", func(t *testing.T) {
		f.do(t, http.MethodPost, "/api/v1/documents", `[{"id":"x","title":"t"}, {"id":`).wantError(t, 400, engine.Invalid)
	})
	t.Run("all good", func(t *testing.T) {
		r := f.do(t, http.MethodPost, "/api/v1/documents", `[{"id":"ok-1","title":"t"}]`)
		r.decode(t, &resp)
		if resp.Errors || len(resp.Items) != 1 || resp.Items[0].Status != 201 {
			t.Errorf("response %s", r.Body)
		}
	})
}

func TestLimits(t *testing.T) {
	f := newFixture(t, func(d *api.Deps) { d.Limits = api.Limits{MaxBodyBytes: 1024, MaxBulkItems: 3} })
	doc := func(i int) string { return fmt.Sprintf(`{"id":"l-%d","title":"제목 %d"}`, i, i) }

	t.Run("body over the limit is 413", func(t *testing.T) {
		big := `[{"id":"big","title":"t","body":"` + strings.Repeat("x", 2000) + `"}]`
		f.do(t, http.MethodPost, "/api/v1/documents", big).wantError(t, http.StatusRequestEntityTooLarge, engine.TooLarge)
		f.do(t, http.MethodPut, "/api/v1/documents/big", big[1:len(big)-1]).wantError(t, http.StatusRequestEntityTooLarge, engine.TooLarge)
		f.do(t, http.MethodPost, "/api/v1/analyze", `{"text":"`+strings.Repeat("가", 400)+`"}`).wantError(t, http.StatusRequestEntityTooLarge, engine.TooLarge)
	})
	t.Run("too many items is 413", func(t *testing.T) {
		arr := "[" + strings.Join([]string{doc(1), doc(2), doc(3), doc(4)}, ",") + "]"
		f.do(t, http.MethodPost, "/api/v1/documents", arr).wantError(t, http.StatusRequestEntityTooLarge, engine.TooLarge)
		nd := strings.Join([]string{doc(1), doc(2), doc(3), doc(4)}, "\n")
		f.do(t, http.MethodPost, "/api/v1/documents", nd, "Content-Type: application/x-ndjson").wantError(t, http.StatusRequestEntityTooLarge, engine.TooLarge)
		f.do(t, http.MethodGet, "/api/v1/documents/l-1", "").wantError(t, 404, engine.NotFound)
	})
	t.Run("at the limit is fine", func(t *testing.T) {
		nd := strings.Join([]string{doc(1), doc(2), doc(3)}, "\n") + "\n"
		r := f.do(t, http.MethodPost, "/api/v1/documents", nd, "Content-Type: application/x-ndjson; charset=utf-8")
		r.wantStatus(t, http.StatusOK)
	})
}

func TestDocumentLifecycle(t *testing.T) {
	f := newFixture(t, nil)
	put := `{"title":"도자기 공방 체험","body":"물레로 그릇을 만들어요","tags":["공예"],"category":"취미","created_at":"2025-03-01T09:00:00Z","popularity":3}`
	r := f.do(t, http.MethodPut, "/api/v1/documents/pottery?refresh=true", put)
	r.wantStatus(t, http.StatusOK)

	r = f.do(t, http.MethodGet, "/api/v1/documents/pottery", "")
	r.wantStatus(t, http.StatusOK)
	var doc engine.Document
	r.decode(t, &doc)
	wantDoc := engine.Document{ID: "pottery", Title: "도자기 공방 체험", Body: "물레로 그릇을 만들어요", Tags: []string{"공예"},
		Category: "취미", CreatedAt: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), Popularity: 3}
	if doc.ID != wantDoc.ID || doc.Title != wantDoc.Title || doc.Body != wantDoc.Body || !slices.Equal(doc.Tags, wantDoc.Tags) ||
		doc.Category != wantDoc.Category || !doc.CreatedAt.Equal(wantDoc.CreatedAt) || doc.Popularity != wantDoc.Popularity {
		t.Errorf("got %+v, want %+v", doc, wantDoc)
	}
	if ids := f.searchIDs(t, "도자기"); !slices.Equal(ids, []string{"pottery"}) {
		t.Errorf("search 도자기 = %v", ids)
	}
	// The id may be repeated in the body when it matches.
	f.do(t, http.MethodPut, "/api/v1/documents/pottery?refresh=true", `{"id":"pottery","title":"도자기 공방 체험 2회차"}`).wantStatus(t, http.StatusOK)

	f.do(t, http.MethodDelete, "/api/v1/documents/pottery?refresh=true", "").wantStatus(t, http.StatusOK)
	f.do(t, http.MethodGet, "/api/v1/documents/pottery", "").wantError(t, 404, engine.NotFound)
	if ids := f.searchIDs(t, "도자기"); len(ids) != 0 {
		t.Errorf("search 도자기 after delete = %v", ids)
	}
}
