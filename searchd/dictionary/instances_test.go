package dictionary_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/dictionary/elasticstore"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/engine/conformance"
	"github.com/searchd/searchd/searchd/engine/elastic"
)

// instance is one searchd instance in elastic mode: its engine and
// dictionary service over the shared cluster and Redis.
type instance struct {
	eng *elastic.Engine
	svc *dictionary.Service
}

func openInstance(t *testing.T, url, prefix string, r *testenv.Redis, name string) instance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	eng, err := elastic.Open(ctx, elastic.Options{URLs: []string{url}, Prefix: prefix, Analysis: conformance.Settings(),
		RequestTimeout: 30 * time.Second, LiveRefresh: 300 * time.Millisecond, FollowWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if err := eng.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	store, err := elasticstore.Open(ctx, elasticstore.Config{URLs: []string{url}, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := dictionary.New(dictionary.Config{Engine: eng, Store: store, Audit: store, Instance: name,
		Lock: dictionary.RedisLock{C: r.Client(t), Key: prefix + "rebuild-lock", TTL: 3 * time.Second}, SaveEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return instance{eng: eng, svc: svc}
}

// Two instances sharing the cluster and Redis: two applies at once → one
// runs, the other gets a conflict naming it; writes through the other
// instance during the rebuild are in the new version; both see one
// history.
func TestTwoInstances(t *testing.T) {
	node := testenv.OpenSearch(t)
	r := testenv.StartRedis(t)
	prefix := node.Prefix(t)
	a := openInstance(t, node.URL, prefix, r, "a")
	b := openInstance(t, node.URL, prefix, r, "b")
	ctx := engine.WithActor(context.Background(), "kim")
	if items, err := a.eng.IndexBatch(ctx, conformance.Documents(), true); err != nil || items[0].Error != nil {
		t.Fatal(err)
	}
	draft := dictionary.Draft{Synonyms: conformance.Settings().Synonyms + "등산, 하이킹\n"}
	var wg sync.WaitGroup
	jobs := make([]dictionary.Job, 2)
	errs := make([]error, 2)
	for i, in := range []instance{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jobs[i], errs[i] = in.svc.Apply(ctx, dictionary.ApplyRequest{Draft: draft, Message: "both"})
		}()
	}
	wg.Wait()
	var running dictionary.Job
	var busy *dictionary.BusyError
	switch {
	case errs[0] == nil && errors.As(errs[1], &busy):
		running = jobs[0]
	case errs[1] == nil && errors.As(errs[0], &busy):
		running = jobs[1]
	default:
		t.Fatalf("two applies at once: %v / %v, want exactly one conflict", errs[0], errs[1])
	}
	if busy.JobID != running.ID {
		t.Fatalf("the conflict names %s, the running job is %s", busy.JobID, running.ID)
	}
	// Writes through both instances while the job runs.
	for i := 0; ; i++ {
		in := []instance{a, b}[i%2]
		id := fmt.Sprintf("during-%d", i)
		if err := in.eng.Index(ctx, engine.Document{ID: id, Title: "하이킹 동호회 " + id, CreatedAt: time.Now()}, false); err != nil {
			t.Fatal(err)
		}
		j, err := b.svc.Job(ctx, running.ID) // read across instances
		if err != nil {
			t.Fatal(err)
		}
		if j.Finished() {
			if j.State != dictionary.StateSucceeded {
				t.Fatalf("job = %+v", j)
			}
			for k := 0; k <= i; k++ {
				if _, err := a.eng.Get(ctx, fmt.Sprintf("during-%d", k)); err != nil {
					t.Fatalf("a write during the rebuild is missing: during-%d: %v", k, err)
				}
			}
			t.Logf("%d writes through both instances during the rebuild, all present", i+1)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	h, err := b.svc.History(ctx)
	if err != nil || len(h) != 2 || !h[0].Live || h[0].Author != "kim" {
		t.Fatalf("history seen from the other instance = %+v, %v", h, err)
	}
}
