package dictionary_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine"
	bleveengine "github.com/searchd/searchd/searchd/engine/bleve"
	"github.com/searchd/searchd/searchd/engine/elastic"
	"github.com/searchd/searchd/searchd/search"
)

// loadDocs is how many NSMC reviews the apply-under-load test indexes
// (SEARCHD_LOAD_DOCS; at least 20,000 by default).
func loadDocs(t *testing.T) []engine.Document {
	t.Helper()
	path, ok := nsmc.Path()
	if !ok {
		if os.Getenv("SEARCHD_REQUIRE_ALL") != "" {
			t.Fatal("the NSMC corpus is required (SEARCHD_NSMC)")
		}
		t.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("SEARCHD_LOAD_DOCS")); err == nil && v > 0 {
		n = v
	}
	docs, err := nsmc.Documents(path, n)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func TestApplyUnderLoadEmbedded(t *testing.T) {
	eng, err := bleveengine.Open(t.TempDir(), bleveengine.Options{Analysis: nsmc.AnalysisSettings()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	applyUnderLoad(t, eng)
}

func TestApplyUnderLoadElastic(t *testing.T) {
	node := testenv.OpenSearch(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	eng, err := elastic.Open(ctx, elastic.Options{URLs: []string{node.URL}, Prefix: node.Prefix(t), Analysis: nsmc.AnalysisSettings(),
		RequestTimeout: 30 * time.Second, LiveRefresh: 500 * time.Millisecond, FollowWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if err := eng.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	applyUnderLoad(t, eng)
}

// applyUnderLoad applies a dictionary through the HTTP API while searches
// and document writes and deletes (of new and of corpus documents) run the
// whole time, then checks that no search failed or saw a partial index and
// that every acknowledged write and delete holds.
func applyUnderLoad(t *testing.T, eng engine.Engine) {
	docs := loadDocs(t)
	ctx := context.Background()
	for i := 0; i < len(docs); i += 2000 {
		items, err := eng.IndexBatch(ctx, docs[i:min(i+2000, len(docs))], i+2000 >= len(docs))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Error != nil {
				t.Fatal(it.Error)
			}
		}
	}
	store, err := dictionary.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := dictionary.New(dictionary.Config{Engine: eng, Store: store, Audit: store, SaveEvery: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := api.NewServer(api.Deps{Service: search.NewService(eng, engine.NopSink{}, zap.NewNop()), Dictionaries: svc,
		Audit: store, AdminToken: "load-token"})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	client := &http.Client{Timeout: time.Minute}
	call := func(method, path, body string) (int, []byte, error) {
		req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer load-token")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}

	var (
		stop                              atomic.Bool
		searches, failed, empty, partial  atomic.Int64
		corpusDeletesSent                 atomic.Int64
		writesAcked, deletesAcked, denied atomic.Int64
		mu                                sync.Mutex
		want                              = map[string]string{} // id → last acknowledged title; "" deleted
		wg                                sync.WaitGroup
	)
	// Queries every review corpus of this size matches many times.
	queries := []string{"영화", "배우", "연기", "스토리", "최고", "감독", "무비"}
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				q := queries[(i+w)%len(queries)]
				path := "/api/v1/search?q=" + url.QueryEscape(q)
				if i%5 == 0 {
					path = "/api/v1/search?size=1" // everything: the index must be whole
				}
				status, b, err := call(http.MethodGet, path, "")
				searches.Add(1)
				if err != nil || status != 200 {
					failed.Add(1)
					continue
				}
				var r engine.SearchResponse
				if json.Unmarshal(b, &r) != nil {
					failed.Add(1)
					continue
				}
				if r.Total == 0 {
					empty.Add(1)
				}
				if i%5 == 0 && r.Total < int64(len(docs))-corpusDeletesSent.Load() {
					partial.Add(1)
				}
			}
		}()
	}
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := 0; !stop.Load(); i++ {
				// Writers own disjoint ids: writer w takes corpus documents
				// with index ≡ w (mod 2) and its own new ids.
				var id string
				if rng.IntN(2) == 0 {
					id = docs[2*rng.IntN(len(docs)/2)+w].ID
				} else {
					id = fmt.Sprintf("load-%d-%d", w, rng.IntN(200))
				}
				if rng.IntN(4) == 0 {
					if !strings.HasPrefix(id, "load-") {
						corpusDeletesSent.Add(1)
					}
					status, _, err := call(http.MethodDelete, "/api/v1/documents/"+id, "")
					if err == nil && (status == 204 || status == 200 || status == 404) {
						mu.Lock()
						want[id] = ""
						mu.Unlock()
						if status != 404 {
							deletesAcked.Add(1)
						}
					} else {
						denied.Add(1)
					}
					continue
				}
				title := fmt.Sprintf("영화 기록 %d-%d", w, i)
				body, _ := json.Marshal(engine.Document{ID: id, Title: title, Body: "필름 이야기", CreatedAt: time.Now().UTC()})
				status, _, err := call(http.MethodPut, "/api/v1/documents/"+id, string(body))
				if err == nil && (status == 200 || status == 201) {
					mu.Lock()
					want[id] = title
					mu.Unlock()
					writesAcked.Add(1)
				} else {
					denied.Add(1)
				}
			}
		}()
	}

	time.Sleep(500 * time.Millisecond)
	body, _ := json.Marshal(map[string]string{"synonyms": nsmc.AnalysisSettings().Synonyms + "영화, 필름\n", "message": "필름"})
	status, b, err := call(http.MethodPost, "/api/v1/admin/dictionaries/apply", string(body))
	if err != nil || status != 202 {
		stop.Store(true)
		wg.Wait()
		t.Fatalf("apply: %d %s %v", status, b, err)
	}
	var started struct{ Job dictionary.Job }
	_ = json.Unmarshal(b, &started)
	var job dictionary.Job
	for deadline := time.Now().Add(10 * time.Minute); ; {
		_, b, err := call(http.MethodGet, "/api/v1/admin/jobs/"+started.Job.ID, "")
		if err == nil && json.Unmarshal(b, &job) == nil && job.Finished() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job did not finish: %+v", job)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second) // writes and searches continue on the new version
	stop.Store(true)
	wg.Wait()
	if job.State != dictionary.StateSucceeded {
		t.Fatalf("job = %+v", job)
	}

	// Every acknowledged write holds, every acknowledged delete too.
	var present, absent, wrong int
	for id, title := range want {
		status, b, err := call(http.MethodGet, "/api/v1/documents/"+url.PathEscape(id), "")
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case title == "" && status == 404:
			absent++
		case title != "" && status == 200 && strings.Contains(string(b), `"title":"`+title+`"`):
			present++
		default:
			wrong++
			if wrong <= 5 {
				t.Errorf("%s: status %d %s, want %q (\"\" = deleted)", id, status, b, title)
			}
		}
	}
	status, b, _ = call(http.MethodGet, "/api/v1/search?q=필름&size=1", "")
	var r engine.SearchResponse
	_ = json.Unmarshal(b, &r)
	t.Logf("%s: %d documents, job %s in %s (copied %d at %.0f docs/s); searches %d, failed %d, empty %d, partial %d; "+
		"writes acknowledged %d, deletes acknowledged %d, refused %d; checked ids %d: present with latest content %d, deleted and absent %d, wrong %d; 필름 finds %d",
		eng.Name(), len(docs), job.State, job.FinishedAt.Sub(job.StartedAt).Round(time.Millisecond), job.Done, job.Rate,
		searches.Load(), failed.Load(), empty.Load(), partial.Load(), writesAcked.Load(), deletesAcked.Load(), denied.Load(),
		len(want), present, absent, wrong, r.Total)
	if failed.Load() != 0 || empty.Load() != 0 || partial.Load() != 0 || wrong != 0 {
		t.Fatalf("searches failed %d, empty %d, partial %d; wrong documents %d", failed.Load(), empty.Load(), partial.Load(), wrong)
	}
	if writesAcked.Load() == 0 || deletesAcked.Load() == 0 || searches.Load() < 10 {
		t.Fatalf("too little load to mean anything: %d writes, %d deletes, %d searches", writesAcked.Load(), deletesAcked.Load(), searches.Load())
	}
	if status != 200 || r.Total == 0 {
		t.Fatalf("the new synonym 필름 finds nothing after the apply: %d %s", status, b)
	}
}
