package engine

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on document fields; the API rejects documents over them.
const (
	MaxIDLen       = 128
	MaxTitleLen    = 300    // characters
	MaxBodyLen     = 20_000 // characters
	MaxTags        = 20
	MaxTagLen      = 50
	MaxKeywordLen  = 100 // category, region, author
	MaxQueryLen    = 200 // characters of a search query
	MaxPageSize    = 50
	MaxResultDepth = 1000 // page*size may not go past this
)

// ValidateDocument checks a document against the schema and limits and
// returns an Invalid error naming the first problem.
func ValidateDocument(d Document) error {
	if err := ValidateID(d.ID); err != nil {
		return err
	}
	switch {
	case !utf8.ValidString(d.Title) || !utf8.ValidString(d.Body):
		return Errorf(Invalid, "document %q is not valid UTF-8", d.ID)
	case strings.TrimSpace(d.Title) == "" && strings.TrimSpace(d.Body) == "":
		return Errorf(Invalid, "document %q needs a title or a body", d.ID)
	case utf8.RuneCountInString(d.Title) > MaxTitleLen:
		return Errorf(Invalid, "document %q: title is longer than %d characters", d.ID, MaxTitleLen)
	case utf8.RuneCountInString(d.Body) > MaxBodyLen:
		return Errorf(Invalid, "document %q: body is longer than %d characters", d.ID, MaxBodyLen)
	case len(d.Tags) > MaxTags:
		return Errorf(Invalid, "document %q has %d tags; at most %d are allowed", d.ID, len(d.Tags), MaxTags)
	case d.Popularity < 0:
		return Errorf(Invalid, "document %q: popularity may not be negative", d.ID)
	case d.CreatedAt.After(time.Now().Add(24 * time.Hour)):
		return Errorf(Invalid, "document %q: created_at is in the future", d.ID)
	}
	for _, t := range d.Tags {
		if strings.TrimSpace(t) == "" || utf8.RuneCountInString(t) > MaxTagLen {
			return Errorf(Invalid, "document %q: every tag must be 1 to %d characters", d.ID, MaxTagLen)
		}
	}
	for name, v := range map[string]string{"category": d.Category, "region": d.Region, "author": d.Author} {
		if utf8.RuneCountInString(v) > MaxKeywordLen {
			return Errorf(Invalid, "document %q: %s is longer than %d characters", d.ID, name, MaxKeywordLen)
		}
	}
	return nil
}

// ValidateID checks a document id: the one rule for every write (PUT,
// bulk). 1 to MaxIDLen bytes of valid UTF-8; no '/', '\\', '?', '#', '%' or
// whitespace; no control characters, no invisible format characters
// (zero-width, bidi overrides and isolates, BOM, soft hyphen: ids that look
// alike but differ) and no U+FFFD (the mark of text that was already
// mangled: "c\xff" and "c\xfe" would both become "c\uFFFD").
func ValidateID(id string) error {
	switch {
	case id == "":
		return Errorf(Invalid, "document id is required")
	case len(id) > MaxIDLen:
		return Errorf(Invalid, "document id is longer than %d bytes", MaxIDLen)
	case !utf8.ValidString(id):
		return Errorf(Invalid, "document id %q is not valid UTF-8", strings.ToValidUTF8(id, "\uFFFD"))
	}
	for _, r := range id {
		switch {
		case strings.ContainsRune("/\\?#%", r) || unicode.IsSpace(r):
			return Errorf(Invalid, "document id %q may not contain '/', '\\', '?', '#', '%%' or whitespace", id)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			return Errorf(Invalid, "document id %q contains the invisible or control character U+%04X", id, r)
		}
	}
	return nil
}
