package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/searchd/searchd/searchd/engine"
)

// BulkItem is one document of a bulk body, or why it could not be read.
type BulkItem struct {
	// ID is the document's id, or the best guess at it when Err is set.
	ID  string
	Doc engine.Document
	// Err is set (code invalid_argument) when this item could not be read;
	// the other items are unaffected.
	Err *engine.Error
}

// ParseBulk reads a whole bulk body held in memory (see BulkReader, which
// the API uses to read a body as a stream). With ndjson it holds one
// document a line (blank lines are skipped) and a malformed line fails that
// item only; otherwise it is a JSON array of documents, where an element
// that is valid JSON but not a valid document fails alone, while broken
// JSON syntax fails the whole body (the array cannot be resynchronised).
// Every document is decoded strictly: unknown fields are rejected, naming
// the field, and an item that is not valid UTF-8 fails alone. The returned
// error (code invalid_argument or too_large) is about the body as a whole;
// more than maxItems items is too_large.
func ParseBulk(body []byte, ndjson bool, maxItems int) ([]BulkItem, error) {
	r := NewBulkReader(bytes.NewReader(body), ndjson, maxItems)
	items := []BulkItem{}
	for {
		it, err := r.Next()
		if errors.Is(err, io.EOF) {
			return items, nil
		}
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
}

// MaxBulkLineBytes caps one NDJSON line (a valid document is far smaller:
// its body is at most engine.MaxBodyLen characters); a longer line fails as
// an item without being held in memory.
const MaxBulkLineBytes = 1 << 20

// BulkReader reads a bulk body item by item from a stream, holding one
// item at a time: an NDJSON line or a JSON array element.
type BulkReader struct {
	ndjson   bool
	maxItems int
	n        int // items returned
	lines    *bufio.Reader
	dec      *json.Decoder
	started  bool
}

// NewBulkReader reads r as NDJSON or as a JSON array (see ParseBulk).
func NewBulkReader(r io.Reader, ndjson bool, maxItems int) *BulkReader {
	b := &BulkReader{ndjson: ndjson, maxItems: maxItems}
	if ndjson {
		b.lines = bufio.NewReaderSize(r, 64<<10)
	} else {
		b.dec = json.NewDecoder(r)
	}
	return b
}

// Items is how many items Next has returned.
func (b *BulkReader) Items() int { return b.n }

// Next returns the next item, io.EOF after the last, or an error about the
// body as a whole: invalid_argument, too_large, or the reader's own error
// (an *http.MaxBytesError past the body limit).
func (b *BulkReader) Next() (BulkItem, error) {
	var it BulkItem
	var err error
	if b.ndjson {
		it, err = b.nextLine()
	} else {
		it, err = b.nextElement()
	}
	if err != nil {
		return BulkItem{}, err
	}
	if b.n == b.maxItems {
		return BulkItem{}, tooManyItems(b.maxItems)
	}
	b.n++
	return it, nil
}

func tooManyItems(maxItems int) error {
	return engine.Errorf(engine.TooLarge, "a bulk request may hold at most %d documents", maxItems)
}

// nextLine returns the item of the next non-blank line.
func (b *BulkReader) nextLine() (BulkItem, error) {
	for {
		line, tooLong, err := b.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return BulkItem{}, readErr(err)
		}
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return BulkItem{}, io.EOF
		}
		if tooLong {
			return BulkItem{ID: guessID(line), Err: engine.Errorf(engine.Invalid, "the line is longer than %d bytes", MaxBulkLineBytes)}, nil
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return parseItem(line), nil
		}
		if errors.Is(err, io.EOF) {
			return BulkItem{}, io.EOF
		}
	}
}

// readLine reads up to the next newline. Past MaxBulkLineBytes it keeps
// only the start (for the id) and skips the rest of the line.
func (b *BulkReader) readLine() (line []byte, tooLong bool, err error) {
	for {
		chunk, err := b.lines.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > MaxBulkLineBytes {
				tooLong = true
				line = append(line, chunk[:min(len(chunk), 4<<10)]...)
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		return line, tooLong, err
	}
}

// nextElement returns the item of the next array element.
func (b *BulkReader) nextElement() (BulkItem, error) {
	if !b.started {
		b.started = true
		tok, err := b.dec.Token()
		if re := readErr(err); re != nil {
			return BulkItem{}, re
		}
		if d, ok := tok.(json.Delim); err != nil || !ok || d != '[' {
			return BulkItem{}, engine.Errorf(engine.Invalid, "the body must be a JSON array of documents (or NDJSON with Content-Type: application/x-ndjson)")
		}
	}
	if b.dec == nil {
		return BulkItem{}, io.EOF
	}
	if !b.dec.More() {
		if _, err := b.dec.Token(); err != nil { // the closing ']'
			if re := readErr(err); re != nil {
				return BulkItem{}, re
			}
			return BulkItem{}, engine.Errorf(engine.Invalid, "the JSON array is malformed after item %d: %s", b.n, describeJSONError(err))
		}
		if _, err := b.dec.Token(); !errors.Is(err, io.EOF) {
			if re := readErr(err); re != nil {
				return BulkItem{}, re
			}
			return BulkItem{}, engine.Errorf(engine.Invalid, "unexpected data after the JSON array")
		}
		b.dec = nil
		return BulkItem{}, io.EOF
	}
	var raw json.RawMessage
	if err := b.dec.Decode(&raw); err != nil {
		if re := readErr(err); re != nil {
			return BulkItem{}, re
		}
		return BulkItem{}, engine.Errorf(engine.Invalid, "the JSON array is malformed at item %d: %s", b.n+1, describeJSONError(err))
	}
	return parseItem(raw), nil
}

// readErr is err when it comes from reading the body (past the body limit,
// or the connection failed) rather than from its JSON.
func readErr(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil, errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &se), errors.As(err, &te):
		return nil
	}
	return bodyReadErr(err)
}

// parseItem decodes one document strictly.
func parseItem(raw []byte) BulkItem {
	if !utf8.Valid(raw) {
		// encoding/json would replace the bad bytes with U+FFFD, and two
		// different ids ("c\xff", "c\xfe") would become one document.
		return BulkItem{ID: strings.ToValidUTF8(guessID(raw), "\uFFFD"), Err: engine.Errorf(engine.Invalid, "the document is not valid UTF-8")}
	}
	doc, err := decodeDocument(raw)
	if err != nil {
		var e *engine.Error
		errors.As(err, &e)
		return BulkItem{ID: guessID(raw), Err: e}
	}
	return BulkItem{ID: doc.ID, Doc: doc}
}

// decodeDocument decodes one JSON object into a document, rejecting
// unknown fields, wrong types and trailing data with an invalid_argument
// error that says what is wrong.
func decodeDocument(raw []byte) (engine.Document, error) {
	var d engine.Document
	if err := decodeStrict(raw, &d); err != nil {
		return engine.Document{}, err
	}
	return d, nil
}

// decodeStrict decodes exactly one JSON object into v, rejecting unknown
// fields; errors are invalid_argument with a readable message.
func decodeStrict(raw []byte, v any) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return engine.Errorf(engine.Invalid, "expected a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return engine.Errorf(engine.Invalid, "%s", describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return engine.Errorf(engine.Invalid, "unexpected data after the JSON object")
	}
	return nil
}

// describeJSONError turns encoding/json's errors into messages for users.
func describeJSONError(err error) string {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tm     *time.ParseError
	)
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %q must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
		}
		return fmt.Sprintf("expected %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.As(err, &tm):
		return "created_at must be an RFC 3339 time such as 2025-01-02T15:04:05Z"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: it ends too early"
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown field " + f + " (documents have id, title, body, tags, category, region, author, created_at, popularity)"
	}
	return strings.TrimPrefix(msg, "json: ")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "a boolean"
	default:
		return "a number"
	}
}

// guessID reads the id of an item that failed strict decoding, so its
// result can still name it: the top-level "id" of the object, as far as
// the JSON can be read before it breaks.
func guessID(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return ""
		}
		if key, _ := k.(string); strings.EqualFold(key, "id") {
			v, err := dec.Token()
			if id, ok := v.(string); err == nil && ok && len(id) <= engine.MaxIDLen {
				return id
			}
			return ""
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}
