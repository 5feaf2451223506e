package api

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// Bulk writes are read as a stream and written in batches, so a request
// holds one batch (and the per-item results), never its whole body.
const (
	// DefaultMaxConcurrentBulk bulk requests run at once; the others are
	// answered 429 at once (see Limits.MaxConcurrentBulk).
	DefaultMaxConcurrentBulk = 2
	// bulkBatchDocs and bulkBatchBytes bound one batch handed to the engine:
	// whichever is reached first. Analysis memory grows with the text.
	bulkBatchDocs  = 500
	bulkBatchBytes = 1 << 20
	// bulkRetryAfter is the Retry-After of a 429 for a busy bulk path.
	bulkRetryAfter = 1 * time.Second
	// drainBudget bounds reading the rest of a body after an error answer.
	drainBudget = 5 * time.Second
)

// bulkSlots is a semaphore without a queue: acquire fails at once when
// every slot is taken.
type bulkSlots chan struct{}

func (b bulkSlots) tryAcquire() bool {
	select {
	case b <- struct{}{}:
		return true
	default:
		return false
	}
}

func (b bulkSlots) release() { <-b }

// bulkDocuments runs POST /api/v1/documents.
func (s *Server) bulkDocuments(c *gin.Context) {
	refresh, err := refreshParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Answers may come before the body is read (429 at once, or an error
	// part way); the body is then drained so the client, still sending,
	// receives the answer instead of a reset connection.
	_ = http.NewResponseController(c.Writer).EnableFullDuplex()
	defer s.drainBody(c)
	if !s.bulk.tryAcquire() {
		c.Header("Retry-After", "1")
		s.fail(c, engine.Errorf(engine.TooManyRequests, "%d bulk requests are already running; retry after %s", cap(s.bulk), bulkRetryAfter))
		return
	}
	defer s.bulk.release()
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.limits.MaxBodyBytes)
	rd := NewBulkReader(body, isNDJSON(c.GetHeader("Content-Type")), s.limits.MaxBulkItems)
	w := bulkWrite{s: s, c: c, refresh: refresh, resp: BulkResponse{Items: []engine.ItemResult{}}}
	for {
		it, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			err = w.add(it)
		}
		if err != nil {
			s.fail(c, w.partial(err))
			return
		}
	}
	if len(w.resp.Items) == 0 {
		s.invalid(c, "the body holds no documents")
		return
	}
	if err := w.flush(true); err != nil {
		s.fail(c, w.partial(err))
		return
	}
	for _, r := range w.resp.Items {
		w.resp.Errors = w.resp.Errors || r.Status >= 300
	}
	c.JSON(http.StatusOK, w.resp)
}

// drainBody reads what is left of the request body after an error answer
// (flushed first), within drainBudget and the body limit, and discards it.
// A request read to its end returns at once.
func (s *Server) drainBody(c *gin.Context) {
	if c.Writer.Status() < 400 {
		return
	}
	rc := http.NewResponseController(c.Writer)
	_ = rc.Flush()
	_ = rc.SetReadDeadline(time.Now().Add(drainBudget))
	_, _ = io.CopyN(io.Discard, c.Request.Body, s.limits.MaxBodyBytes)
}

// bulkWrite is one bulk request in progress: results so far and the batch
// not yet written.
type bulkWrite struct {
	s       *Server
	c       *gin.Context
	refresh bool
	resp    BulkResponse
	batch   []engine.Document
	at      []int // batch[i] is item at[i]
	bytes   int
	written int // documents the engine accepted in flushed batches
}

// add records one item: invalid ones get their own 400 at once; valid
// documents join the batch, which is written when full.
func (w *bulkWrite) add(it BulkItem) error {
	i := len(w.resp.Items)
	w.resp.Items = append(w.resp.Items, engine.ItemResult{ID: it.ID})
	var err error
	if it.Err != nil {
		err = it.Err
	} else {
		it.Doc = w.s.withDefaults(it.Doc)
		err = engine.ValidateDocument(it.Doc)
	}
	if err != nil {
		w.resp.Items[i] = engine.ItemResult{ID: it.ID, Status: http.StatusBadRequest,
			Error: &engine.Error{Code: engine.Invalid, Message: engine.ErrorMessage(err)}}
		return nil
	}
	w.batch = append(w.batch, it.Doc)
	w.at = append(w.at, i)
	w.bytes += len(it.Doc.Title) + len(it.Doc.Body)
	if len(w.batch) >= bulkBatchDocs || w.bytes >= bulkBatchBytes {
		return w.flush(false)
	}
	return nil
}

// flush writes the batch; last asks for the refresh (one refresh makes
// every earlier batch visible too).
func (w *bulkWrite) flush(last bool) error {
	if len(w.batch) == 0 {
		return nil
	}
	ctx := w.c.Request.Context()
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := w.s.eng.IndexBatch(ctx, w.batch, w.refresh && last)
	if err == nil && len(res) != len(w.batch) {
		err = engine.Errorf(engine.Internal, "the engine returned %d results for %d documents", len(res), len(w.batch))
	}
	if err != nil {
		return err
	}
	for j, r := range res {
		w.resp.Items[w.at[j]] = w.s.itemResult(w.c, r)
		if r.Error == nil && r.Status < 300 {
			w.written++
		}
	}
	w.batch, w.at, w.bytes = w.batch[:0], w.at[:0], 0
	return nil
}

// partial says, in the error of a request that failed part way, how many
// documents earlier batches wrote: they stay written (writes are by id, so
// sending the corrected request again is safe).
func (w *bulkWrite) partial(err error) error {
	err = w.s.requestErr(w.c, err)
	if w.written == 0 {
		return err
	}
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		err = engine.Errorf(engine.TooLarge, "the request body is larger than %d bytes", maxBytes.Limit)
	}
	code := engine.ErrorCode(err)
	w.s.log.Warn("bulk request failed part way", zap.String("request_id", requestID(w.c)),
		zap.Int("written", w.written), zap.String("code", string(code)))
	return engine.WithCause(err, code, "%s; %d documents of this request were already written before it failed (writes are by id: sending the request again is safe)",
		engine.ErrorMessage(err), w.written)
}
