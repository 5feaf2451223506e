// Package nsmc reads the Naver Sentiment Movie Corpus reviews used by
// benchmarks (../shared/data/nsmc/reviews.jsonl.gz: 712k reviews, CC0). The
// corpus stays outside the repository; Path finds it.
package nsmc

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/searchd/searchd/searchd/engine"
)

// Review is one line of the corpus.
type Review struct {
	ID      string `json:"id"`
	MovieID string `json:"movie_id"`
	Date    string `json:"date"`
	Rating  int    `json:"rating"`
	Text    string `json:"text"`
}

// Path returns the corpus path: $SEARCHD_NSMC, else ../shared/data/nsmc/
// reviews.jsonl.gz found by walking up from the working directory. ok is
// false when the file does not exist.
func Path() (string, bool) {
	if p := os.Getenv("SEARCHD_NSMC"); p != "" {
		_, err := os.Stat(p)
		return p, err == nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		p := filepath.Join(dir, "..", "shared", "data", "nsmc", "reviews.jsonl.gz")
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Read calls fn for up to limit reviews (0: all) in file order.
func Read(path string, limit int, fn func(Review) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("nsmc: %w", err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		var r Review
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("nsmc: line %d: %w", n+1, err)
		}
		if err := fn(r); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		n++
		if limit > 0 && n >= limit {
			return nil
		}
	}
	return sc.Err()
}

// Document maps a review to a searchd document: the text is the body, the
// movie is the category, the rating is the popularity.
func (r Review) Document() engine.Document {
	t, _ := time.Parse("2006-01-02", r.Date)
	return engine.Document{
		ID:         "nsmc-" + r.ID,
		Body:       r.Text,
		Category:   "movie-" + r.MovieID,
		CreatedAt:  t,
		Popularity: int64(r.Rating),
		Tags:       []string{"rating-" + strconv.Itoa(r.Rating)},
	}
}

// Documents loads up to limit reviews as documents, skipping empty texts.
func Documents(path string, limit int) ([]engine.Document, error) {
	var out []engine.Document
	err := Read(path, limit, func(r Review) error {
		if r.Text != "" {
			out = append(out, r.Document())
		}
		return nil
	})
	return out, err
}
