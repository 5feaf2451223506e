package conformance

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine"
)

// runDictionaries is the dictionary lifecycle an admin goes through:
// validate → preview → apply → search finds the new synonym → rollback →
// it does not, with the preview's figures matching what searches show.
func runDictionaries(t *testing.T, open Opener) {
	s := fixture(t, open)
	ctx := engine.WithActor(context.Background(), "kim")
	eng := s.Engine()
	store, err := dictionary.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := dictionary.New(dictionary.Config{Engine: eng, Store: store, Audit: store, SaveEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	first := eng.Live().Number
	live, err := svc.Live(ctx)
	if err != nil || live.Version != first || live.Synonyms != Settings().Synonyms || live.Counts.SynonymRules != 4 {
		t.Fatalf("live set = %+v, %v", live, err)
	}

	draft := dictionary.Draft{Synonyms: live.Synonyms + "등산, 하이킹\n", UserDictionary: live.UserDictionary}
	t.Run("validate", func(t *testing.T) {
		res, err := svc.Validate(ctx, draft)
		if err != nil || !res.Valid || len(res.Problems) != 0 || res.Counts.SynonymRules != 5 {
			t.Fatalf("valid draft: %+v, %v", res, err)
		}
		bad := draft
		bad.Synonyms += "하이킹 => 등산 => 산행\n"
		res, err = svc.Validate(ctx, bad)
		if err != nil || res.Valid || len(res.Problems) == 0 || res.Problems[0].Line != 7 || !res.Problems[0].IsError() {
			t.Fatalf("bad draft: %+v, %v", res, err)
		}
	})

	queries := []string{"하이킹", "등산", "삼전"}
	answers := func() map[string][]string {
		out := map[string][]string{}
		for _, q := range queries {
			r := mustSearch(t, s, engine.Query{Text: q, Size: 10})
			out[q] = ids(r)
		}
		return out
	}
	before := answers()
	if slices.Contains(before["하이킹"], "hiking") {
		t.Fatalf("하이킹 must not find hiking before the apply: %v", before["하이킹"])
	}

	var preview dictionary.Preview
	t.Run("preview", func(t *testing.T) {
		preview, err = svc.Preview(ctx, dictionary.PreviewRequest{Draft: draft, Queries: queries})
		if err != nil {
			t.Fatal(err)
		}
		if !preview.Valid || len(preview.Diff.Synonyms.Added) != 1 || len(preview.Diff.Synonyms.Changed)+len(preview.Diff.Synonyms.Removed) != 0 {
			t.Fatalf("diff = %+v", preview.Diff)
		}
		if preview.AffectedDocuments < 1 {
			t.Errorf("affected documents = %d, want the hiking listing at least", preview.AffectedDocuments)
		}
		q := preview.Queries[0]
		if q.Query != "하이킹" || !slices.Contains(q.Diff.Appear, "hiking") || !slices.Contains(topIDsOf(q.Draft), "hiking") {
			t.Errorf("preview of 하이킹: %+v", q)
		}
		vs, _ := eng.Versions(ctx)
		if len(vs) != 1 {
			t.Errorf("the preview's temporary versions must be gone: %+v", vs)
		}
	})

	t.Run("apply", func(t *testing.T) {
		j, err := svc.Apply(ctx, dictionary.ApplyRequest{Draft: draft, Message: "등산 = 하이킹", Queries: queries})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Apply(ctx, dictionary.ApplyRequest{Draft: draft}); engine.ErrorCode(err) != engine.Conflict {
			t.Errorf("a second apply while one runs: %v, want conflict", err)
		}
		j = waitJob(t, svc, j.ID)
		if j.State != dictionary.StateSucceeded || j.Done != int64(len(Documents())) || j.StartedBy != "kim" {
			t.Fatalf("job = %+v", j)
		}
		if eng.Live().Number != j.Target {
			t.Fatalf("live = %d, want the rebuilt %d", eng.Live().Number, j.Target)
		}
		searchCase{query: q("하이킹"), want: []string{"hiking"}}.check(t, mustSearch(t, s, q("하이킹")))
		// The preview said what the apply did.
		after := answers()
		for _, qp := range preview.Queries {
			if got := topIDsOf(qp.Draft); !sameIDs(got, after[qp.Query]) {
				t.Errorf("%q: preview showed %v, the applied dictionary answers %v", qp.Query, got, after[qp.Query])
			}
		}
		h, err := svc.History(ctx)
		if err != nil || len(h) != 2 || h[0].Version != j.Target || !h[0].Live || !h[1].Kept || h[0].Author != "kim" {
			t.Fatalf("history = %+v, %v", h, err)
		}
		d, err := svc.Diff(ctx, first, j.Target)
		if err != nil || len(d.Synonyms.Added) != 1 || !slices.Equal(d.Synonyms.Added[0].To.Words, []string{"등산", "하이킹"}) {
			t.Fatalf("diff = %+v, %v", d, err)
		}
	})

	t.Run("rollback", func(t *testing.T) {
		res, err := svc.Rollback(ctx, first, "되돌리기")
		if err != nil || !res.Swapped {
			t.Fatalf("rollback = %+v, %v", res, err)
		}
		if r := mustSearch(t, s, q("하이킹")); slices.Contains(ids(r), "hiking") {
			t.Fatalf("after the rollback 하이킹 still finds hiking: %v", ids(r))
		}
		after := answers()
		for _, qq := range queries {
			if !sameIDs(after[qq], before[qq]) {
				t.Errorf("%q after rollback = %v, before the apply %v", qq, after[qq], before[qq])
			}
		}
		entries, _, err := store.List(ctx, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action+"/"+e.Outcome)
		}
		for _, want := range []string{"dictionary.apply/ok", "dictionary.apply/rejected", "dictionary.rebuild/ok", "dictionary.rollback/ok"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit %v lacks %s", actions, want)
			}
		}
	})
}

func topIDsOf(h dictionary.QueryHits) []string {
	out := []string{}
	for _, x := range h.Top {
		out = append(out, x.ID)
	}
	return out
}

// sameIDs compares two top lists as sets (relevance ties may order them
// differently).
func sameIDs(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// waitJob waits for a job to finish.
func waitJob(t *testing.T, svc *dictionary.Service, id string) dictionary.Job {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		j, err := svc.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Finished() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s did not finish: %+v", id, j)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
