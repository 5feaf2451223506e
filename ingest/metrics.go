package ingest

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/searchd/searchd/ingest/pii"
)

// Capping reasons: the label values of searchd_ingest_capped_total.
const (
	ReasonTruncated       = "truncated"        // a string was cut to its limit
	ReasonInvalidUTF8     = "invalid_utf8"     // invalid bytes replaced by U+FFFD
	ReasonOutOfRange      = "out_of_range"     // a number clamped
	ReasonInvalid         = "invalid"          // a value replaced (bad id, bad ip)
	ReasonLimit           = "limit"            // an entry dropped over the count limit
	ReasonKeyInvalid      = "key_invalid"      // a context/filter key not matching the pattern
	ReasonValueNotScalar  = "value_not_scalar" // a context value that is an object or array
	ReasonValueNotFinite  = "value_not_finite" // NaN or ±Inf
	ReasonGenerated       = "generated"        // a missing event id or timestamp filled in
	ReasonUnparseableJSON = "unparseable"      // a context given as malformed JSON, or too large
)

// Fields that capping can touch: the label values of the "field" label.
var cappedFields = []string{
	"event_id", "timestamp", "query", "normalized", "canonical", "corrected",
	"total", "took_ms", "page", "size", "sort", "match", "filters",
	"session_id", "user_id", "client_ip", "user_agent", "context",
}

// maskedFields are the fields personal data is masked in (reasons
// personal_data_<kind>, see pii.Kind.Reason).
var maskedFields = []string{"query", "normalized", "canonical", "corrected"}

var capReasons = []string{
	ReasonTruncated, ReasonInvalidUTF8, ReasonOutOfRange, ReasonInvalid,
	ReasonLimit, ReasonKeyInvalid, ReasonValueNotScalar, ReasonValueNotFinite,
	ReasonGenerated, ReasonUnparseableJSON,
}

// Producer drop reasons (searchd_ingest_dropped_total).
const (
	DropBufferFull       = "buffer_full"       // the in-memory buffer was full
	DropQueueUnavailable = "queue_unavailable" // the queue returned an error (Redis down)
	DropQueueFull        = "queue_full"        // the queue refused (bounded, full)
)

// Dead-letter classes (searchd_ingest_dead_letters_total).
const (
	DeadRejected     = "rejected"          // the store rejected the event permanently
	DeadUndecodable  = "undecodable"       // the queued payload was not a LogEvent
	DeadRetriesSpent = "retries_exhausted" // retryable item errors beyond MaxItemAttempts
)

// Metrics are the pipeline's Prometheus metrics, registered on a registry
// passed in (no globals). One Metrics serves a Capper, Producer and Workers.
type Metrics struct {
	capped      *prometheus.CounterVec
	published   prometheus.Counter
	enqueued    prometheus.Counter
	dropped     *prometheus.CounterVec
	delivered   prometheus.Counter
	deadLetters *prometheus.CounterVec
	retries     prometheus.Counter
	storeErrors prometheus.Counter
	reclaimed   prometheus.Counter
	buffered    prometheus.Gauge
	retrying    prometheus.Gauge
	replayed    prometheus.Counter

	// capCounters is capped resolved per field and reason, so the hot path
	// does no label lookups.
	capCounters map[[2]string]prometheus.Counter
	dropCounter map[string]prometheus.Counter
	deadCounter map[string]prometheus.Counter
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	var all []prometheus.Collector
	counter := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
		all = append(all, c)
		return c
	}
	gauge := func(name, help string) prometheus.Gauge {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		all = append(all, g)
		return g
	}
	counterVec := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
		all = append(all, c)
		return c
	}
	m := &Metrics{
		capped: counterVec("searchd_ingest_capped_total",
			"Search-log values truncated, replaced or dropped while capping events to the log schema, by field and reason.",
			"field", "reason"),
		published: counter("searchd_ingest_published_total",
			"Search events handed to the producer."),
		enqueued: counter("searchd_ingest_enqueued_total",
			"Search events accepted by the log queue."),
		dropped: counterVec("searchd_ingest_dropped_total",
			"Search events the producer could not enqueue, by reason.", "reason"),
		delivered: counter("searchd_ingest_delivered_total",
			"Search events accepted by the log store and acknowledged."),
		deadLetters: counterVec("searchd_ingest_dead_letters_total",
			"Search events moved to the dead-letter list, by class.", "class"),
		retries: counter("searchd_ingest_store_retries_total",
			"Bulk writes retried after a failure of the log store."),
		storeErrors: counter("searchd_ingest_store_errors_total",
			"Bulk writes that failed as a whole (log store unavailable)."),
		reclaimed: counter("searchd_ingest_reclaimed_total",
			"Queue entries reclaimed from consumers that stopped before acknowledging them."),
		buffered: gauge("searchd_ingest_buffered_events",
			"Search events waiting in the producer's buffer for the log queue."),
		retrying: gauge("searchd_ingest_queue_retrying",
			"1 while the log queue fails and the producer retries with backoff (events wait in its buffer), else 0."),
		replayed: counter("searchd_ingest_replayed_total",
			"Search events read back from the embedded queue's file at start (not yet acknowledged by the log store before a stop or crash)."),
		capCounters: map[[2]string]prometheus.Counter{},
		dropCounter: map[string]prometheus.Counter{},
		deadCounter: map[string]prometheus.Counter{},
	}
	for _, c := range all {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, f := range cappedFields {
		for _, r := range capReasons {
			m.capCounters[[2]string{f, r}] = m.capped.WithLabelValues(f, r)
		}
	}
	for _, f := range maskedFields {
		for _, k := range pii.Kinds {
			m.capCounters[[2]string{f, k.Reason()}] = m.capped.WithLabelValues(f, k.Reason())
		}
	}
	for _, r := range []string{DropBufferFull, DropQueueUnavailable, DropQueueFull} {
		m.dropCounter[r] = m.dropped.WithLabelValues(r)
	}
	for _, c := range []string{DeadRejected, DeadUndecodable, DeadRetriesSpent} {
		m.deadCounter[c] = m.deadLetters.WithLabelValues(c)
	}
	return m, nil
}

func (m *Metrics) capOne(field, reason string) { m.capN(field, reason, 1) }

func (m *Metrics) capN(field, reason string, n int) {
	if m == nil || n == 0 {
		return
	}
	if c, ok := m.capCounters[[2]string{field, reason}]; ok {
		c.Add(float64(n))
		return
	}
	m.capped.WithLabelValues(field, reason).Add(float64(n))
}

func (m *Metrics) drop(reason string, n int) {
	if m != nil && n > 0 {
		m.dropCounter[reason].Add(float64(n))
	}
}

func (m *Metrics) dead(class string, n int) {
	if m != nil && n > 0 {
		m.deadCounter[class].Add(float64(n))
	}
}

func (m *Metrics) add(c prometheus.Counter, n int) {
	if m != nil && n > 0 {
		c.Add(float64(n))
	}
}

func (m *Metrics) setProducer(buffered int, retrying bool) {
	if m == nil {
		return
	}
	m.buffered.Set(float64(buffered))
	if retrying {
		m.retrying.Set(1)
	} else {
		m.retrying.Set(0)
	}
}
