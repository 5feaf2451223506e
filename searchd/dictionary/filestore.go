package dictionary

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/searchd/searchd/internal/atomicfile"
	"github.com/searchd/searchd/searchd/engine"
)

// FileStore is the embedded Store and AuditLog: one JSON file per set and
// per job, written atomically (temporary file, fsync, rename, directory
// fsync), and the audit trail as a JSON-lines file appended and fsynced
// per entry. Everything it acknowledged survives kill -9.
//
// Layout under dir: sets/v000001.json, jobs/<id>.json, audit.jsonl.
type FileStore struct {
	dir string
	mu  sync.Mutex // audit appends
}

// OpenFileStore opens (creating) the store under dir.
func OpenFileStore(dir string) (*FileStore, error) {
	for _, d := range []string{dir, filepath.Join(dir, "sets"), filepath.Join(dir, "jobs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("dictionary: %w", err)
		}
	}
	return &FileStore{dir: dir}, nil
}

func (f *FileStore) setPath(v int) string {
	return filepath.Join(f.dir, "sets", fmt.Sprintf("v%06d.json", v))
}

var jobIDPattern = regexp.MustCompile(`^[0-9a-f]{1,64}$`)

func (f *FileStore) jobPath(id string) (string, error) {
	if !jobIDPattern.MatchString(id) {
		return "", engine.Errorf(engine.NotFound, "job %q does not exist", id)
	}
	return filepath.Join(f.dir, "jobs", id+".json"), nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b, 0o644)
}

func readJSON(path string, v any, what string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return engine.Errorf(engine.NotFound, "%s does not exist", what)
	}
	if err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("dictionary: %s is corrupt: %w", path, err)
	}
	return nil
}

// SaveSet implements Store.
func (f *FileStore) SaveSet(_ context.Context, s Set) error {
	if s.Version < 1 {
		return engine.Errorf(engine.Invalid, "a set needs a version")
	}
	return writeJSON(f.setPath(s.Version), s)
}

// GetSet implements Store.
func (f *FileStore) GetSet(_ context.Context, v int) (Set, error) {
	var s Set
	err := readJSON(f.setPath(v), &s, "dictionary version "+strconv.Itoa(v))
	return s, err
}

// Sets implements Store.
func (f *FileStore) Sets(ctx context.Context) ([]Set, error) {
	names, err := listJSON(filepath.Join(f.dir, "sets"))
	if err != nil {
		return nil, err
	}
	out := make([]Set, 0, len(names))
	for _, n := range names {
		var s Set
		if err := readJSON(filepath.Join(f.dir, "sets", n), &s, n); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Set) int { return b.Version - a.Version })
	return out, nil
}

// listJSON names the *.json files of dir (temporary files excluded).
func listJSON(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dictionary: %w", err)
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") {
			out = append(out, n)
		}
	}
	return out, nil
}

// SaveJob implements Store.
func (f *FileStore) SaveJob(_ context.Context, j Job) error {
	p, err := f.jobPath(j.ID)
	if err != nil {
		return engine.Errorf(engine.Invalid, "job id %q must be lowercase hex", j.ID)
	}
	return writeJSON(p, j)
}

// GetJob implements Store.
func (f *FileStore) GetJob(_ context.Context, id string) (Job, error) {
	var j Job
	p, err := f.jobPath(id)
	if err != nil {
		return j, err
	}
	err = readJSON(p, &j, "job "+id)
	return j, err
}

// Jobs implements Store.
func (f *FileStore) Jobs(context.Context) ([]Job, error) {
	names, err := listJSON(filepath.Join(f.dir, "jobs"))
	if err != nil {
		return nil, err
	}
	out := make([]Job, 0, len(names))
	for _, n := range names {
		var j Job
		if err := readJSON(filepath.Join(f.dir, "jobs", n), &j, n); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	slices.SortFunc(out, func(a, b Job) int { return b.StartedAt.Compare(a.StartedAt) })
	return out, nil
}

func (f *FileStore) auditPath() string { return filepath.Join(f.dir, "audit.jsonl") }

// Record implements engine.Auditor: one line appended and fsynced.
func (f *FileStore) Record(_ context.Context, e engine.AuditEntry) error {
	FillAudit(&e, time.Now())
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	file, err := os.OpenFile(f.auditPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("dictionary: audit: %w", err)
	}
	defer file.Close()
	// A line torn by a crash is skipped when reading; the newline first
	// keeps the next entry on a line of its own after such a tear.
	if st, err := file.Stat(); err == nil && st.Size() > 0 && !endsWithNewline(f.auditPath(), st.Size()) {
		b = append([]byte{'\n'}, b...)
	}
	if _, err := file.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("dictionary: audit: %w", err)
	}
	if err := file.Sync(); err != nil {
		return fmt.Errorf("dictionary: audit: fsync: %w", err)
	}
	return nil
}

func endsWithNewline(path string, size int64) bool {
	file, err := os.Open(path)
	if err != nil {
		return true
	}
	defer file.Close()
	b := make([]byte, 1)
	if _, err := file.ReadAt(b, size-1); err != nil {
		return true
	}
	return b[0] == '\n'
}

// List implements AuditLog.
func (f *FileStore) List(_ context.Context, offset, limit int) ([]engine.AuditEntry, int, error) {
	b, err := os.ReadFile(f.auditPath())
	if errors.Is(err, os.ErrNotExist) {
		return []engine.AuditEntry{}, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("dictionary: audit: %w", err)
	}
	var all []engine.AuditEntry
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var e engine.AuditEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.ID != "" {
			all = append(all, e)
		}
	}
	slices.Reverse(all)
	return pageOf(all, offset, limit), len(all), nil
}
