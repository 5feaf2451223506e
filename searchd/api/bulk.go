package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

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

// ParseBulk reads a bulk body. With ndjson it holds one document a line
// (blank lines are skipped) and a malformed line fails that item only;
// otherwise it is a JSON array of documents, where an element that is
// valid JSON but not a valid document fails alone, while broken JSON
// syntax fails the whole body (the array cannot be resynchronised).
// Every document is decoded strictly: unknown fields are rejected, naming
// the field. The returned error (code invalid_argument or too_large) is
// about the body as a whole; more than maxItems items is too_large.
func ParseBulk(body []byte, ndjson bool, maxItems int) ([]BulkItem, error) {
	if ndjson {
		return parseNDJSON(body, maxItems)
	}
	return parseArray(body, maxItems)
}

func tooManyItems(maxItems int) error {
	return engine.Errorf(engine.TooLarge, "a bulk request may hold at most %d documents", maxItems)
}

func parseNDJSON(body []byte, maxItems int) ([]BulkItem, error) {
	var items []BulkItem
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(items) == maxItems {
			return nil, tooManyItems(maxItems)
		}
		items = append(items, parseItem(line))
	}
	return items, nil
}

func parseArray(body []byte, maxItems int) ([]BulkItem, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '[' {
		return nil, engine.Errorf(engine.Invalid, "the body must be a JSON array of documents (or NDJSON with Content-Type: application/x-ndjson)")
	}
	items := []BulkItem{}
	for dec.More() {
		if len(items) == maxItems {
			return nil, tooManyItems(maxItems)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, engine.Errorf(engine.Invalid, "the JSON array is malformed at item %d: %s", len(items)+1, describeJSONError(err))
		}
		items = append(items, parseItem(raw))
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, engine.Errorf(engine.Invalid, "the JSON array is malformed after item %d: %s", len(items), describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, engine.Errorf(engine.Invalid, "unexpected data after the JSON array")
	}
	return items, nil
}

// parseItem decodes one document strictly.
func parseItem(raw []byte) BulkItem {
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
