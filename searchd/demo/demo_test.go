package demo_test

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/searchd/searchd/searchd/demo"
	"github.com/searchd/searchd/searchd/engine"
)

func documents(t testing.TB) []engine.Document {
	t.Helper()
	docs, err := demo.Documents()
	if err != nil {
		t.Fatalf("Documents: %v", err)
	}
	return docs
}

// searchable is the text a synonym or dictionary word must occur in,
// lowercased so Latin terms match regardless of case.
func searchable(d engine.Document) string {
	return strings.ToLower(d.Title + "\n" + d.Body + "\n" + strings.Join(d.Tags, "\n"))
}

func TestDocumentsShape(t *testing.T) {
	docs := documents(t)
	if len(docs) < 320 {
		t.Fatalf("got %d documents, want at least 320", len(docs))
	}
	ids := map[string]bool{}
	categories := map[string]int{}
	regions := map[string]int{}
	for _, d := range docs {
		if ids[d.ID] {
			t.Errorf("duplicate id %q", d.ID)
		}
		ids[d.ID] = true
		if err := engine.ValidateDocument(d); err != nil {
			t.Errorf("ValidateDocument(%s): %v", d.ID, err)
		}
		if n := utf8.RuneCountInString(d.Title); n < 10 || n > 40 {
			t.Errorf("%s: title %q has %d characters, want 10..40", d.ID, d.Title, n)
		}
		if strings.TrimSpace(d.Body) == "" {
			t.Errorf("%s: empty body", d.ID)
		}
		if len(d.Tags) < 2 || len(d.Tags) > 5 {
			t.Errorf("%s: %d tags, want 2..5", d.ID, len(d.Tags))
		}
		if d.Category == "" || d.Region == "" || d.Author == "" {
			t.Errorf("%s: category, region and author are required in the demo data", d.ID)
		}
		categories[d.Category]++
		regions[d.Region]++
	}
	if len(categories) < 15 {
		t.Errorf("got %d categories, want at least 15: %v", len(categories), categories)
	}
	if len(regions) < 10 {
		t.Errorf("got %d regions, want at least 10: %v", len(regions), regions)
	}
}

func TestDocumentsSpreadOverTimeAndPopularity(t *testing.T) {
	docs := documents(t)
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(-9 * time.Hour) // KST midnight
	to := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var oldest, newest time.Time
	pops := make([]int64, 0, len(docs))
	for i, d := range docs {
		if d.CreatedAt.Before(from) || !d.CreatedAt.Before(to) {
			t.Errorf("%s: created_at %s outside 2024-01 .. 2026-11", d.ID, d.CreatedAt)
		}
		if i == 0 || d.CreatedAt.Before(oldest) {
			oldest = d.CreatedAt
		}
		if i == 0 || d.CreatedAt.After(newest) {
			newest = d.CreatedAt
		}
		if d.Popularity < 0 || d.Popularity > 5000 {
			t.Errorf("%s: popularity %d outside 0..5000", d.ID, d.Popularity)
		}
		pops = append(pops, d.Popularity)
	}
	if newest.Sub(oldest) < 2*365*24*time.Hour {
		t.Errorf("created_at spans %s .. %s, want over two years", oldest, newest)
	}
	slices.Sort(pops)
	median, largest := pops[len(pops)/2], pops[len(pops)-1]
	var big int
	for _, p := range pops {
		if p >= 1000 {
			big++
		}
	}
	// Skewed like real listings: most small, a few large.
	if median >= 200 || largest < 2000 || big == 0 || big > len(pops)/10 {
		t.Errorf("popularity median %d, max %d, %d docs >= 1000: want median < 200, max >= 2000, a few (<10%%) >= 1000",
			median, largest, big)
	}
}

// synonymGroups parses demo.Synonyms with the Solr line format: comments,
// "a, b" equivalence and "a => b" mappings (all members of a line form a group).
func synonymGroups(t testing.TB) [][]string {
	t.Helper()
	var groups [][]string
	for line := range strings.Lines(demo.Synonyms()) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.Count(line, "=>") > 1 {
			t.Fatalf("synonym line %q has more than one =>", line)
		}
		var group []string
		for side := range strings.SplitSeq(line, "=>") {
			for m := range strings.SplitSeq(side, ",") {
				m = strings.TrimSpace(m)
				if m == "" {
					t.Fatalf("synonym line %q has an empty member", line)
				}
				group = append(group, m)
			}
		}
		if len(group) < 2 {
			t.Fatalf("synonym line %q has fewer than two members", line)
		}
		groups = append(groups, group)
	}
	return groups
}

func TestSynonymsOccurInData(t *testing.T) {
	docs := documents(t)
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = searchable(d)
	}
	groups := synonymGroups(t)
	if len(groups) < 15 {
		t.Errorf("got %d synonym groups, want at least 15", len(groups))
	}
	member := map[string]int{}
	disjoint := 0
	for gi, g := range groups {
		together := false
		for _, m := range g {
			key := strings.ToLower(m)
			if prev, ok := member[key]; ok && prev != gi {
				t.Errorf("%q is in two synonym groups", m)
			}
			member[key] = gi
			if !slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, key) }) {
				t.Errorf("synonym %q (group %v) occurs in no document", m, g)
			}
		}
		for _, s := range texts {
			n := 0
			for _, m := range g {
				if strings.Contains(s, strings.ToLower(m)) {
					n++
				}
			}
			if n >= 2 {
				together = true
				break
			}
		}
		if !together {
			disjoint++
		}
	}
	// Groups whose members never share a document are the ones where only
	// index-time synonyms can make a query for one member find the others.
	if disjoint < 3 {
		t.Errorf("%d synonym groups have members that never co-occur, want at least 3", disjoint)
	}
}

func TestUserDictionary(t *testing.T) {
	rules := demo.UserDictionary()
	if len(rules) < 5 {
		t.Fatalf("got %d user dictionary rules, want at least 5: %q", len(rules), rules)
	}
	docs := documents(t)
	seen := map[string]bool{}
	for _, r := range rules {
		if strings.HasPrefix(r, "#") || r != strings.TrimSpace(r) {
			t.Errorf("rule %q: comments and surrounding space must be stripped", r)
		}
		fields := strings.Fields(r)
		word := fields[0]
		if seen[word] {
			t.Errorf("word %q defined twice", word)
		}
		seen[word] = true
		// nori requires a compound's parts to spell the compound.
		if len(fields) > 1 && strings.Join(fields[1:], "") != word {
			t.Errorf("rule %q: parts do not spell %q", r, word)
		}
		if !slices.ContainsFunc(docs, func(d engine.Document) bool {
			return strings.Contains(searchable(d), strings.ToLower(word))
		}) {
			t.Errorf("user dictionary word %q occurs in no document", word)
		}
	}
}
