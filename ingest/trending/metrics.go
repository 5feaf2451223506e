package trending

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/searchd/searchd/ingest/pii"
)

// metrics are the package's Prometheus collectors, registered on the
// registry passed in (none when it is nil).
type metrics struct {
	published prometheus.Counter
	excluded  *prometheus.CounterVec
	dropped   *prometheus.CounterVec
	counted   prometheus.Counter
	dupes     prometheus.Counter
	batch     prometheus.Histogram
	tally     prometheus.Histogram
	snapshot  prometheus.Histogram
	leader    prometheus.Gauge
	shown     prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "searchd_trending_events_total", Help: "Search events handed to the trending counter."}),
		excluded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "searchd_trending_excluded_total", Help: "Search events not counted as noise, by reason."}, []string{"reason"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "searchd_trending_dropped_total", Help: "Search events lost before counting, by reason."}, []string{"reason"}),
		counted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "searchd_trending_counted_total", Help: "Search events counted (accepted after dedup)."}),
		dupes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "searchd_trending_deduplicated_total", Help: "Search events not counted because the user already counted for the keyword in the dedup window."}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "searchd_trending_batch_seconds", Help: "Time to deduplicate one batch of hits in the store.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12)}),
		tally: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "searchd_trending_count_seconds", Help: "Time to write one tally of counted hits (one update per keyword) to the store.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12)}),
		snapshot: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "searchd_trending_snapshot_seconds", Help: "Time to compute and store one snapshot.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 12)}),
		leader: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "searchd_trending_leader", Help: "1 while this instance holds the trending leader lock."}),
		shown: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "searchd_trending_shown", Help: "Keywords in the last computed snapshot."}),
	}
	for _, r := range []string{ReasonEmpty, ReasonTooLong, ReasonNoLetters, ReasonNoIdentity, ReasonZeroResults} {
		m.excluded.WithLabelValues(r)
	}
	for _, k := range pii.Kinds {
		m.excluded.WithLabelValues(k.Reason())
	}
	for _, r := range []string{dropQueueFull, dropStoreError, dropClosed} {
		m.dropped.WithLabelValues(r)
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.published, m.excluded, m.dropped, m.counted, m.dupes, m.batch, m.tally, m.snapshot, m.leader, m.shown} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
