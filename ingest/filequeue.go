package ingest

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/internal/atomicfile"
)

// FileQueueConfig configures a FileQueue; zero values take the defaults.
type FileQueueConfig struct {
	// Capacity bounds the events held (queued plus pending, default 100,000);
	// MaxDead the dead letters kept (default 1,000).
	Capacity, MaxDead int
	// CommitEvery is the group-commit window: the file is fsynced at most
	// this long after an event was appended (default 100ms).
	CommitEvery time.Duration
	// SegmentBytes is the size at which the file rolls over to a new
	// segment (default 1 MiB); a segment is removed once the log store has
	// acknowledged every event in it.
	SegmentBytes int64
}

func (c *FileQueueConfig) defaults() {
	if c.Capacity <= 0 {
		c.Capacity = 100_000
	}
	if c.MaxDead <= 0 {
		c.MaxDead = 1000
	}
	if c.CommitEvery <= 0 {
		c.CommitEvery = 100 * time.Millisecond
	}
	if c.SegmentBytes <= 0 {
		c.SegmentBytes = 1 << 20
	}
}

// FileQueue is the embedded mode's durable queue: a MemQueue whose events
// are also appended to segment files in a directory, so that a crash
// (kill -9) loses nothing that Enqueue accepted, and a power loss at most
// the last commit window.
//
//   - Enqueue writes the batch's records to the active segment with one
//     write(2) before it returns (the page cache survives a process crash);
//     a committer fsyncs the segment every CommitEvery while it has unsynced
//     writes (group commit).
//   - A record is [length u32][CRC-32C u32][event], little endian; the
//     event in a compact binary form (eventcodec.go).
//   - Segments roll over at SegmentBytes; a segment is deleted (the active
//     one truncated) once the queue holds none of its events any more —
//     every one was acknowledged or dead-lettered after the log store
//     accepted it — so the files stay bounded by what is undelivered.
//   - OpenFileQueue replays every record of the segments left behind into
//     the queue; a torn record at a segment's end (a crash mid-write) ends
//     that segment. Replayed events may include some the store had already
//     accepted (acknowledged but their segment not yet removed): the event
//     id is the log document id, so the rewrite stores each event once.
//
// The dead-letter list stays in memory only.
type FileQueue struct {
	*MemQueue
	dir     string
	cfg     FileQueueConfig
	log     *zap.Logger
	metrics *Metrics

	mu       sync.Mutex
	segs     []*segment // oldest first; the last is the active one
	active   *os.File
	nextNum  uint64
	dirty    bool
	err      error // a write or sync failure: Enqueue refuses until a commit succeeds
	scratch  []byte
	stop     chan struct{}
	finished chan struct{}
	closed   bool
}

// segment is one file of the queue and the sequence numbers of its events
// in the MemQueue (lo > hi while it holds none).
type segment struct {
	num    uint64
	lo, hi uint64
	size   int64
}

const (
	segmentPrefix = "seg-"
	segmentSuffix = ".log"
	recordHeader  = 8
	maxRecord     = 1 << 20 // capped events are far smaller
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// OpenFileQueue opens (creating it if needed) the queue in dir, replays the
// events left there by an earlier run and starts the committer; Close stops
// it.
func OpenFileQueue(dir string, cfg FileQueueConfig, m *Metrics, log *zap.Logger) (*FileQueue, error) {
	cfg.defaults()
	if log == nil {
		log = zap.NewNop()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("ingest: queue dir: %w", err)
	}
	q := &FileQueue{MemQueue: NewMemQueue(cfg.Capacity, cfg.MaxDead), dir: dir, cfg: cfg,
		log: log.With(zap.String("component", "ingest")), metrics: m,
		stop: make(chan struct{}), finished: make(chan struct{})}
	if err := q.replay(); err != nil {
		return nil, err
	}
	if err := q.roll(); err != nil {
		return nil, err
	}
	go q.commitLoop()
	return q, nil
}

// replay reads the segments in dir, oldest first, into the queue.
func (q *FileQueue) replay() error {
	nums, err := segmentNums(q.dir)
	if err != nil {
		return err
	}
	total := 0
	for _, num := range nums {
		path := q.segPath(num)
		evs, size, err := readSegment(path)
		if err != nil {
			q.log.Warn("search-log queue segment ends in a torn or corrupt record; replaying what precedes it",
				zap.String("segment", path), zap.Int("events", len(evs)), zap.Error(err))
		}
		q.nextNum = num + 1
		if len(evs) == 0 {
			if err := os.Remove(path); err != nil {
				return fmt.Errorf("ingest: remove empty queue segment: %w", err)
			}
			continue
		}
		first, n := q.MemQueue.enqueue(evs, true)
		q.segs = append(q.segs, &segment{num: num, lo: first, hi: first + uint64(n) - 1, size: size})
		total += n
	}
	if total > 0 {
		if q.metrics != nil {
			q.metrics.add(q.metrics.replayed, total)
		}
		q.log.Info("replayed search-log events a previous run had not delivered",
			zap.Int("events", total), zap.Int("segments", len(q.segs)))
	}
	return nil
}

func segmentNums(dir string) ([]uint64, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("ingest: queue dir: %w", err)
	}
	var nums []uint64
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, segmentPrefix) || !strings.HasSuffix(name, segmentSuffix) {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(name, segmentPrefix), segmentSuffix), 10, 64)
		if err == nil {
			nums = append(nums, n)
		}
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	return nums, nil
}

// readSegment decodes the records of one segment up to the first torn or
// corrupt one (reported as the error) and returns them and the bytes read.
func readSegment(path string) ([]LogEvent, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	var evs []LogEvent
	var off int64
	hdr := make([]byte, recordHeader)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			if errors.Is(err, io.EOF) {
				return evs, off, nil
			}
			return evs, off, fmt.Errorf("record header at %d: %w", off, err)
		}
		n := binary.LittleEndian.Uint32(hdr)
		if n == 0 || n > maxRecord {
			return evs, off, fmt.Errorf("record length %d at %d", n, off)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return evs, off, fmt.Errorf("record at %d: %w", off, err)
		}
		if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(hdr[4:]) {
			return evs, off, fmt.Errorf("record checksum at %d", off)
		}
		ev, err := decodeEvent(payload)
		if err != nil {
			return evs, off, fmt.Errorf("record at %d: %w", off, err)
		}
		evs = append(evs, ev)
		off += recordHeader + int64(n)
	}
}

func (q *FileQueue) segPath(num uint64) string {
	return filepath.Join(q.dir, fmt.Sprintf("%s%020d%s", segmentPrefix, num, segmentSuffix))
}

// roll closes the active segment (synced) and starts a new one; q.mu is
// held (or the queue not yet shared).
func (q *FileQueue) roll() error {
	if q.active != nil {
		err := q.active.Sync()
		if cerr := q.active.Close(); err == nil {
			err = cerr
		}
		q.active, q.dirty = nil, false
		if err != nil {
			return fmt.Errorf("ingest: seal queue segment: %w", err)
		}
	}
	num := q.nextNum
	f, err := os.OpenFile(q.segPath(num), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("ingest: create queue segment: %w", err)
	}
	if err := atomicfile.SyncDir(q.dir); err != nil {
		f.Close()
		return fmt.Errorf("ingest: sync queue dir: %w", err)
	}
	q.nextNum++
	q.active = f
	q.segs = append(q.segs, &segment{num: num, lo: 1, hi: 0})
	return nil
}

// Enqueue implements Queue: the events are appended to the active segment
// (one write) and queued; it returns ErrQueueFull for those beyond the
// capacity, and an error without accepting any when the file cannot be
// written.
func (q *FileQueue) Enqueue(_ context.Context, evs []LogEvent) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, errors.New("ingest: queue closed")
	}
	if q.err != nil {
		return 0, q.err
	}
	// Only Enqueue adds to the MemQueue and it holds q.mu, so the room
	// can only grow until the events are queued below.
	k := min(len(evs), q.MemQueue.room())
	if k == 0 {
		if len(evs) == 0 {
			return 0, nil
		}
		return 0, ErrQueueFull
	}
	b := q.scratch[:0]
	for _, ev := range evs[:k] {
		start := len(b)
		b = append(b, 0, 0, 0, 0, 0, 0, 0, 0) // the header, filled in below
		var err error
		if b, err = appendEvent(b, ev); err != nil {
			return 0, err
		}
		payload := b[start+recordHeader:]
		if len(payload) > maxRecord {
			return 0, fmt.Errorf("ingest: event %q encodes to %d bytes", ev.ID, len(payload))
		}
		binary.LittleEndian.PutUint32(b[start:], uint32(len(payload)))
		binary.LittleEndian.PutUint32(b[start+4:], crc32.Checksum(payload, castagnoli))
	}
	q.scratch = b[:0]
	if _, err := q.active.Write(b); err != nil {
		q.err = fmt.Errorf("ingest: write queue segment: %w", err)
		return 0, q.err
	}
	q.dirty = true
	first, n := q.MemQueue.enqueue(evs[:k], true)
	seg := q.segs[len(q.segs)-1]
	if seg.lo > seg.hi {
		seg.lo = first
	}
	seg.hi = first + uint64(n) - 1
	seg.size += int64(len(b))
	if seg.size >= q.cfg.SegmentBytes {
		if err := q.roll(); err != nil {
			q.err = err
			q.log.Error("search-log queue cannot start a new segment", zap.Error(err))
		}
	}
	if k < len(evs) {
		return k, ErrQueueFull
	}
	return k, nil
}

func (q *FileQueue) commitLoop() {
	defer close(q.finished)
	t := time.NewTicker(q.cfg.CommitEvery)
	defer t.Stop()
	for {
		select {
		case <-q.stop:
			return
		case <-t.C:
			q.commit()
		}
	}
}

// commit fsyncs unsynced writes and removes the segments whose events were
// all delivered.
func (q *FileQueue) commit() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	if q.err != nil {
		// A failed write may have left a torn record: continue in a new
		// segment (replay reads each segment up to its first torn record).
		if err := q.roll(); err != nil {
			q.mu.Unlock()
			q.log.Error("search-log queue cannot start a new segment; enqueue refused until it can", zap.Error(err))
			return
		}
		q.err = nil
	}
	f, dirty := q.active, q.dirty
	q.dirty = false
	q.mu.Unlock()
	// fsync without the lock: Enqueue goes on writing meanwhile (what it
	// writes now is synced by the next commit).
	if dirty {
		if err := f.Sync(); err != nil {
			q.mu.Lock()
			if q.active == f && !q.closed { // a roll syncs and closes the file itself
				q.err = fmt.Errorf("ingest: sync queue segment: %w", err)
				q.log.Error("search-log queue cannot sync its file; enqueue refused until it can", zap.Error(err))
			}
			q.mu.Unlock()
			return
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	oldest := q.MemQueue.oldest()
	for len(q.segs) > 1 && q.segs[0].hi < oldest {
		if err := os.Remove(q.segPath(q.segs[0].num)); err != nil {
			q.log.Warn("search-log queue cannot remove a delivered segment", zap.Error(err))
			return
		}
		q.segs = q.segs[1:]
	}
	if act := q.segs[len(q.segs)-1]; act.size > 0 && act.hi < oldest && len(q.segs) == 1 {
		// Everything delivered: empty the active segment in place.
		if err := q.active.Truncate(0); err != nil {
			q.log.Warn("search-log queue cannot truncate its delivered segment", zap.Error(err))
			return
		}
		act.size, act.lo, act.hi = 0, 1, 0
	}
}

// Bytes is the size of the queue's files.
func (q *FileQueue) Bytes() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	var n int64
	for _, s := range q.segs {
		n += s.size
	}
	return n
}

// Close stops the committer, commits (removing what was delivered) and
// closes the file. Events still held stay in the file for the next start.
func (q *FileQueue) Close() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.mu.Unlock()
	close(q.stop)
	<-q.finished
	q.commit()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if q.active == nil {
		return q.err
	}
	err := q.active.Sync()
	return errors.Join(err, q.active.Close())
}
