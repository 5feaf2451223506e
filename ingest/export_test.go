package ingest

// Crash stops the queue as a killed process would: no final commit, no
// removal of delivered segments; what was written stays in the page cache.
func (q *FileQueue) Crash() {
	close(q.stop)
	<-q.finished
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if q.active != nil {
		q.active.Close()
	}
}

// The file queue's event codec, for its tests.
var (
	AppendEvent = appendEvent
	DecodeEvent = decodeEvent
)
