package api_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine/conformance"
)

const dictToken = "Authorization: Bearer dictionary-token"

// dictFixture is a server with dictionary administration over a real
// embedded engine and a file store.
func dictFixture(t *testing.T) (*fixture, *dictionary.FileStore) {
	t.Helper()
	store, err := dictionary.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(d *api.Deps) {
		svc, err := dictionary.New(dictionary.Config{Engine: d.Service.Engine(), Store: store, Audit: store,
			SaveEvery: 20 * time.Millisecond, Logger: zap.NewNop()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { svc.Close() })
		if err := svc.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		d.Dictionaries, d.Audit, d.AdminToken = svc, store, "dictionary-token"
	})
	return f, store
}

func draftBody(extra string) string {
	b, _ := json.Marshal(map[string]string{"synonyms": conformance.Settings().Synonyms + extra,
		"user_dictionary": strings.Join(conformance.Settings().UserDictionary, "\n") + "\n", "message": "등산 = 하이킹"})
	return string(b)
}

func TestDictionaryRoutes(t *testing.T) {
	f, _ := dictFixture(t)
	r := f.do(t, http.MethodGet, "/api/v1/admin/dictionaries", "", dictToken)
	r.wantStatus(t, 200)
	var live dictionary.Set
	r.decode(t, &live)
	if live.Version != 1 || live.Counts.SynonymRules != 4 || live.Hash == "" {
		t.Fatalf("live set = %+v", live)
	}

	t.Run("validate", func(t *testing.T) {
		r := f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/validate", draftBody("하이킹 => 등산 => 산행\n"), dictToken)
		r.wantStatus(t, 200)
		var res dictionary.ValidateResult
		r.decode(t, &res)
		if res.Valid || len(res.Problems) == 0 || res.Problems[0].Dictionary != "synonyms" || res.Problems[0].Line != 6 || res.Problems[0].Code == "" {
			t.Fatalf("problems = %+v", res)
		}
		f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/validate", `{"synonyms":"a, b","extra":1}`, dictToken).wantError(t, 400, "invalid_argument")
		huge := `{"synonyms":"` + strings.Repeat("가, 나\\n", dictionary.MaxSynonymBytes/6) + `"}`
		f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/validate", huge, dictToken).wantError(t, 413, "too_large")
		tooBig := strings.Repeat("x", 2<<20)
		f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/validate", tooBig, dictToken).wantError(t, 413, "too_large")
		f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/validate", draftBody(""), "").wantError(t, 401, "unauthorized")
	})

	t.Run("apply with problems is 400 with the problems", func(t *testing.T) {
		r := f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/apply", draftBody("하이킹 => 등산 => 산행\n"), dictToken)
		if r.Status != 400 || !strings.Contains(string(r.Body), `"problems":[{`) {
			t.Fatalf("status %d body %s", r.Status, r.Body)
		}
	})

	t.Run("apply, follow the job, history, diff, rollback, audit", func(t *testing.T) {
		srv := httptest.NewServer(f.srv)
		defer srv.Close()
		r := f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/apply", draftBody("등산, 하이킹\n"), dictToken, "X-Admin-User: 김관리")
		r.wantStatus(t, 202)
		var started struct{ Job dictionary.Job }
		r.decode(t, &started)
		if started.Job.ID == "" || started.Job.StartedBy != "김관리" {
			t.Fatalf("job = %+v", started.Job)
		}
		// The event stream ends with the finished job.
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/admin/jobs/"+started.Job.ID+"/events", nil)
		req.Header.Set("Authorization", "Bearer dictionary-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
			t.Fatalf("events Content-Type = %q", ct)
		}
		var last dictionary.Job
		var events []string
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if ev, ok := strings.CutPrefix(line, "event: "); ok {
				events = append(events, ev)
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				if err := json.Unmarshal([]byte(data), &last); err != nil {
					t.Fatalf("event data %q: %v", data, err)
				}
			}
		}
		resp.Body.Close()
		if len(events) == 0 || events[len(events)-1] != "end" || last.State != dictionary.StateSucceeded {
			t.Fatalf("events %v, last job %+v", events, last)
		}
		r = f.do(t, http.MethodGet, "/api/v1/admin/jobs/"+started.Job.ID, "", dictToken)
		r.wantStatus(t, 200)
		f.do(t, http.MethodGet, "/api/v1/admin/jobs/ffff", "", dictToken).wantError(t, 404, "not_found")
		f.do(t, http.MethodPost, "/api/v1/admin/jobs/"+started.Job.ID+"/cancel", "", dictToken).wantError(t, 409, "conflict")

		r = f.do(t, http.MethodGet, "/api/v1/search?q=하이킹", "")
		if !strings.Contains(string(r.Body), `"id":"hiking"`) {
			t.Fatalf("search after apply: %s", r.Body)
		}
		// Trending counts the canonical keyword of the new group at once.
		if ev := f.events.last(t); ev.Canonical != "등산" {
			t.Errorf("canonical keyword of 하이킹 after the apply = %q, want 등산", ev.Canonical)
		}
		r = f.do(t, http.MethodGet, "/api/v1/admin/dictionaries/history", "", dictToken)
		var h struct{ Versions []dictionary.HistoryItem }
		r.decode(t, &h)
		if len(h.Versions) != 2 || h.Versions[0].Author != "김관리" || !h.Versions[0].Live || !h.Versions[1].Kept {
			t.Fatalf("history = %+v", h)
		}
		f.do(t, http.MethodGet, "/api/v1/admin/dictionaries/history/1", "", dictToken).wantStatus(t, 200)
		f.do(t, http.MethodGet, "/api/v1/admin/dictionaries/history/99", "", dictToken).wantError(t, 404, "not_found")
		r = f.do(t, http.MethodGet, "/api/v1/admin/dictionaries/diff?from=1", "", dictToken)
		var d dictionary.Diff
		r.decode(t, &d)
		if len(d.Synonyms.Added) != 1 || d.Synonyms.Added[0].To == nil || d.Synonyms.Added[0].To.Words[0] != "등산" {
			t.Fatalf("diff = %s", r.Body)
		}
		f.do(t, http.MethodGet, "/api/v1/admin/dictionaries/diff?from=x", "", dictToken).wantError(t, 400, "invalid_argument")

		r = f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/rollback", `{"version":1,"message":"되돌림"}`, dictToken)
		r.wantStatus(t, 200)
		if !strings.Contains(string(r.Body), `"swapped":true`) {
			t.Fatalf("rollback: %s", r.Body)
		}
		f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/rollback", `{"version":1}`, dictToken).wantError(t, 409, "conflict")
		r = f.do(t, http.MethodGet, "/api/v1/search?q=하이킹", "")
		if strings.Contains(string(r.Body), `"id":"hiking"`) {
			t.Fatalf("search after rollback still finds hiking: %s", r.Body)
		}
		if ev := f.events.last(t); ev.Canonical != "하이킹" {
			t.Errorf("canonical keyword of 하이킹 after the rollback = %q, want 하이킹", ev.Canonical)
		}

		r = f.do(t, http.MethodGet, "/api/v1/admin/audit?limit=2", "", dictToken)
		var a struct {
			Entries []struct{ Action, Actor, Outcome string }
			Total   int
		}
		r.decode(t, &a)
		if a.Total < 4 || len(a.Entries) != 2 || a.Entries[0].Action != "dictionary.rollback" || a.Entries[0].Actor != "admin" {
			t.Fatalf("audit = %s", r.Body)
		}
		f.do(t, http.MethodGet, "/api/v1/admin/audit?limit=0", "", dictToken).wantError(t, 400, "invalid_argument")
	})
}

// Two applies at once: exactly one starts, the other is told which job
// runs.
func TestDictionaryApplyConflict(t *testing.T) {
	f, _ := dictFixture(t)
	var wg sync.WaitGroup
	results := make([]response, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = f.do(t, http.MethodPost, "/api/v1/admin/dictionaries/apply", draftBody("등산, 하이킹\n"), dictToken)
		}()
	}
	wg.Wait()
	var ok, busy int
	var jobID, running string
	for _, r := range results {
		switch r.Status {
		case 202:
			ok++
			var b struct{ Job dictionary.Job }
			r.decode(t, &b)
			jobID = b.Job.ID
		case 409:
			busy++
			var b struct{ Job struct{ ID string } }
			r.decode(t, &b)
			running = b.Job.ID
		}
	}
	if ok != 1 || busy != 1 || running != jobID {
		t.Fatalf("statuses %d/%d (202 %d, 409 %d), running %q vs started %q", results[0].Status, results[1].Status, ok, busy, running, jobID)
	}
}

// FuzzParseDictionaryRequest: any body is either a request within the
// limits or an invalid_argument / too_large error; never a panic.
func FuzzParseDictionaryRequest(f *testing.F) {
	f.Add([]byte(`{"synonyms":"삼전, 삼성전자\n","user_dictionary":"보겜\n","message":"m"}`))
	f.Add([]byte(`{"synonyms":1}`))
	f.Add([]byte(`{"options":{"expand":false},"queries":["a"]}`))
	f.Add([]byte(`[]`))
	// Load the morphological dictionary before the first input (it takes
	// longer than the fuzzer waits for one).
	if _, err := dictionary.Validate(dictionary.Draft{Synonyms: "가, 나\n"}, dictionary.Options{}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := api.ParseDictionaryRequest(body)
		if err != nil {
			return
		}
		if len(r.Synonyms) > dictionary.MaxSynonymBytes || len(r.UserDictionary) > dictionary.MaxUserDictionaryBytes {
			t.Fatalf("accepted a request over the limits: %d / %d bytes", len(r.Synonyms), len(r.UserDictionary))
		}
		if _, err := dictionary.Validate(dictionary.Draft{Synonyms: r.Synonyms, UserDictionary: r.UserDictionary, Options: r.Options}, dictionary.Options{}); err != nil {
			t.Fatalf("validating an accepted request failed: %v", err)
		}
	})
}
