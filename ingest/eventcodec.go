package ingest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// The embedded queue's file stores events in a compact binary form instead
// of JSON: encoding is on the producer's loop, and encoding/json of an
// event (reflection, the context map) costs about as much as capping it.
// A record is one version byte and the fields in a fixed order: strings and
// lists length-prefixed (uvarint), integers as varints, took_ms as IEEE-754
// bits, the context as tagged scalars (the capper leaves string, bool and
// float64 only).
const eventCodecV1 = 1

// appendEvent appends the binary form of ev to b.
func appendEvent(b []byte, ev LogEvent) ([]byte, error) {
	b = append(b, eventCodecV1)
	for _, s := range [...]string{ev.ID, ev.Query, ev.QueryKey, ev.Normalized, ev.Canonical, ev.Sort,
		ev.Match, ev.Corrected, ev.SessionHash, ev.UserHash, ev.ClientNet, ev.UAFamily} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, ev.Timestamp.Unix())
	b = binary.AppendUvarint(b, uint64(ev.Timestamp.Nanosecond()))
	b = binary.AppendVarint(b, ev.Total)
	b = binary.AppendVarint(b, ev.Page)
	b = binary.AppendVarint(b, ev.Size)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(ev.TookMillis))
	b = appendBool(b, ev.ZeroResult)
	b = appendStrings(b, ev.Filters)
	b = appendStrings(b, ev.ContextKV)
	b = binary.AppendUvarint(b, uint64(len(ev.Context)))
	for k, v := range ev.Context {
		b = appendString(b, k)
		switch x := v.(type) {
		case string:
			b = appendString(append(b, 's'), x)
		case bool:
			b = appendBool(append(b, 'b'), x)
		case float64:
			b = binary.LittleEndian.AppendUint64(append(b, 'f'), math.Float64bits(x))
		default:
			return b, fmt.Errorf("ingest: context value %q of type %T is not a capped scalar", k, v)
		}
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

var errTruncated = errors.New("truncated")

// decoder reads the binary form; the first error sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	d.advance(n)
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	d.advance(n)
	return v
}

// advance skips a varint of n bytes (n ≤ 0: truncated or overflowing).
func (d *decoder) advance(n int) {
	if n <= 0 {
		d.fail(errTruncated)
		d.b = nil
		return
	}
	d.b = d.b[n:]
}

func (d *decoder) bytes(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.fail(errTruncated)
		d.b = nil
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) string() string { return string(d.bytes(d.uvarint())) }

func (d *decoder) byte() byte {
	if b := d.bytes(1); len(b) == 1 {
		return b[0]
	}
	return 0
}

func (d *decoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail(errors.New("bad bool"))
	return false
}

// float reads a finite float64 (capping leaves no NaN or infinity).
func (d *decoder) float() float64 {
	b := d.bytes(8)
	if len(b) != 8 {
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(b))
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.fail(errNotFinite)
		return 0
	}
	return f
}

// count reads a list length, refusing one longer than the bytes left
// (every element takes at least one byte).
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail(errTruncated)
		d.b = nil
		return 0
	}
	return int(n)
}

func (d *decoder) strings() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.string()
	}
	return ss
}

// decodeEvent parses the binary form of one event.
func decodeEvent(b []byte) (LogEvent, error) {
	d := &decoder{b: b}
	if v := d.byte(); v != eventCodecV1 {
		return LogEvent{}, fmt.Errorf("ingest: event record version %d", v)
	}
	var ev LogEvent
	for _, p := range [...]*string{&ev.ID, &ev.Query, &ev.QueryKey, &ev.Normalized, &ev.Canonical, &ev.Sort,
		&ev.Match, &ev.Corrected, &ev.SessionHash, &ev.UserHash, &ev.ClientNet, &ev.UAFamily} {
		*p = d.string()
	}
	sec, nsec := d.varint(), d.uvarint()
	if nsec >= uint64(time.Second) {
		d.fail(errors.New("bad timestamp"))
	}
	ev.Timestamp = time.Unix(sec, int64(nsec)).UTC()
	ev.Total, ev.Page, ev.Size = d.varint(), d.varint(), d.varint()
	ev.TookMillis = d.float()
	ev.ZeroResult = d.bool()
	ev.Filters = d.strings()
	ev.ContextKV = d.strings()
	if n := d.count(); n > 0 {
		ev.Context = make(map[string]any, n)
		for range n {
			k := d.string()
			switch d.byte() {
			case 's':
				ev.Context[k] = d.string()
			case 'b':
				ev.Context[k] = d.bool()
			case 'f':
				ev.Context[k] = d.float()
			default:
				d.fail(errors.New("bad context value tag"))
			}
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail(errors.New("trailing bytes"))
	}
	if d.err != nil {
		return LogEvent{}, fmt.Errorf("ingest: event record: %w", d.err)
	}
	if ev.ID == "" {
		return LogEvent{}, errors.New("ingest: event record without event_id")
	}
	return ev, nil
}
