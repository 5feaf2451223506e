// Package storetest is the behavioural suite every dictionary.Store and
// dictionary.AuditLog implementation passes (files under a data directory,
// an index in the cluster).
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine"
)

// Opener returns a fresh, empty store; reopen, when not nil, returns a
// second handle on the same data (another instance, or after a restart).
type Opener func(tb testing.TB) (s Both, reopen func() Both)

// Both is a store that is also the audit log.
type Both interface {
	dictionary.Store
	dictionary.AuditLog
}

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	ctx := context.Background()
	t.Run("sets", func(t *testing.T) {
		s, reopen := open(t)
		if _, err := s.GetSet(ctx, 1); engine.ErrorCode(err) != engine.NotFound {
			t.Fatalf("missing set: %v, want not_found", err)
		}
		at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		for v := 1; v <= 3; v++ {
			set := dictionary.Set{Version: v, Synonyms: fmt.Sprintf("삼전, 삼성전자 # %d\n", v), UserDictionary: "보겜\n",
				Hash: dictionary.Hash("x", "y", dictionary.Options{}), Author: "kim", Time: at.Add(time.Duration(v) * time.Hour),
				Message: "v" + fmt.Sprint(v), Counts: dictionary.Counts{SynonymRules: 1, UserDictionaryRules: v}}
			if err := s.SaveSet(ctx, set); err != nil {
				t.Fatal(err)
			}
		}
		// Saving a version again replaces it.
		if err := s.SaveSet(ctx, dictionary.Set{Version: 2, Synonyms: "새 규칙\n", Author: "lee", Time: at}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveSet(ctx, dictionary.Set{}); engine.ErrorCode(err) != engine.Invalid {
			t.Fatalf("a set without version: %v, want invalid_argument", err)
		}
		check := func(s Both) {
			t.Helper()
			all, err := s.Sets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 3 || all[0].Version != 3 || all[2].Version != 1 {
				t.Fatalf("sets = %+v, want versions 3, 2, 1", all)
			}
			got, err := s.GetSet(ctx, 2)
			if err != nil || got.Synonyms != "새 규칙\n" || got.Author != "lee" {
				t.Fatalf("set 2 = %+v, %v", got, err)
			}
			got, err = s.GetSet(ctx, 3)
			if err != nil || got.Counts.UserDictionaryRules != 3 || got.Message != "v3" || !got.Time.Equal(at.Add(3*time.Hour)) {
				t.Fatalf("set 3 = %+v, %v", got, err)
			}
		}
		check(s)
		if reopen != nil {
			check(reopen())
		}
	})
	t.Run("jobs", func(t *testing.T) {
		s, reopen := open(t)
		if _, err := s.GetJob(ctx, "abc"); engine.ErrorCode(err) != engine.NotFound {
			t.Fatalf("missing job: %v, want not_found", err)
		}
		t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		a := dictionary.Job{ID: "aa01", Kind: dictionary.KindApply, State: dictionary.StateRunning, Phase: dictionary.PhaseCopying,
			StartedAt: t0, StartedBy: "kim", Target: 4, Done: 10, Total: 100}
		b := dictionary.Job{ID: "bb02", Kind: dictionary.KindRollback, State: dictionary.StateRunning, StartedAt: t0.Add(time.Minute)}
		for _, j := range []dictionary.Job{a, b} {
			if err := s.SaveJob(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		fin := t0.Add(2 * time.Minute)
		a.State, a.FinishedAt, a.Error = dictionary.StateFailed, &fin, "the process stopped during the rebuild"
		if err := s.SaveJob(ctx, a); err != nil {
			t.Fatal(err)
		}
		check := func(s Both) {
			t.Helper()
			got, err := s.GetJob(ctx, "aa01")
			if err != nil || got.State != dictionary.StateFailed || got.Target != 4 || got.FinishedAt == nil || !got.FinishedAt.Equal(fin) {
				t.Fatalf("job = %+v, %v", got, err)
			}
			jobs, err := s.Jobs(ctx)
			if err != nil || len(jobs) != 2 || jobs[0].ID != "bb02" {
				t.Fatalf("jobs = %+v, %v, want bb02 (newest) first", jobs, err)
			}
		}
		check(s)
		if reopen != nil {
			check(reopen())
		}
	})
	t.Run("audit", func(t *testing.T) {
		s, reopen := open(t)
		if got, n, err := s.List(ctx, 0, 10); err != nil || n != 0 || len(got) != 0 {
			t.Fatalf("empty audit: %v %d %v", got, n, err)
		}
		for i := range 7 {
			e := engine.AuditEntry{Actor: "kim", Action: "dictionary.apply", Target: fmt.Sprint(i), Outcome: engine.OutcomeOK,
				Detail: map[string]any{"n": i}}
			if err := s.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		check := func(s Both) {
			t.Helper()
			page, total, err := s.List(ctx, 0, 3)
			if err != nil || total != 7 || len(page) != 3 {
				t.Fatalf("page 1: %+v total %d %v", page, total, err)
			}
			if page[0].Target != "6" || page[2].Target != "4" || page[0].ID == "" || page[0].Time.IsZero() {
				t.Fatalf("newest first with ids and times: %+v", page)
			}
			page, _, err = s.List(ctx, 6, 3)
			if err != nil || len(page) != 1 || page[0].Target != "0" || page[0].Actor != "kim" {
				t.Fatalf("last page: %+v %v", page, err)
			}
			if page, _, _ := s.List(ctx, 10, 3); len(page) != 0 {
				t.Fatalf("past the end: %+v", page)
			}
		}
		check(s)
		if reopen != nil {
			check(reopen())
		}
	})
}
