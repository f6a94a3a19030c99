// Package search is the search over everything published (stories,
// lectures, videos), and the editors' search over everything they may
// see: the documents an index holds, the queries it answers, and the
// checks a query passes before it reaches one. Each kind gives its
// Source (in its content.KindSpec); this package names none.
// Implementations: the embedded bleve index (internal/bleveindex) and
// OpenSearch (internal/opensearch).
package search

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Doc is an item as the index holds it: its text as readers see it (the
// body from the rendered HTML, not the Markdown).
type Doc struct {
	Kind     string    `json:"kind"` // stories, lectures, videos
	ID       string    `json:"id"`
	Slug     string    `json:"slug"`
	Title    string    `json:"title"`
	Summary  string    `json:"summary"`
	Body     string    `json:"body"`
	Column   string    `json:"column"`   // stories: the column's key
	Tags     []string  `json:"tags"`     // tags, hashtags
	People   []string  `json:"people"`   // speakers, the series
	At       time.Time `json:"at"`       // published (a lecture: its start)
	Status   string    `json:"status"`   // the editors' view: the item's status
	Live     bool      `json:"live"`     // readers see it
	Revision int64     `json:"revision"` // what the index holds
	// Version is the item's version when it was indexed (the syncer puts
	// it again when the item's moves).
	Version int64 `json:"version"`
}

// Query is a search.
type Query struct {
	Text string
	// Kinds, Column and Tag filter; From and To bound At (a zero time
	// does not): From <= At < To.
	Kinds    []string
	Column   string
	Tag      string
	From, To time.Time
	// Drafts searches everything (the editors' view); else only what
	// readers see.
	Drafts bool
	// Limit is the page size, 1 to MaxLimit; any other is DefaultLimit.
	Limit  int
	Cursor string
}

// Page sizes of a Query.
const (
	DefaultLimit = 10
	MaxLimit     = 50
)

// Dater is an Index that can tell the dates its documents hold, so that
// a cache can tell which bounds of a Query give the same answer.
type Dater interface {
	// Dates returns the distinct At of the documents held, as Unix
	// nanoseconds, ascending. It may also hold dates of documents since
	// removed, never lack one of a document held. A document is found by
	// From and To when From.UnixNano() <= At < To.UnixNano().
	Dates(ctx context.Context) ([]int64, error)
}

// Hit is a document found, with its snippets: safe HTML, the matches
// inside <mark>.
type Hit struct {
	Doc
	Score       float64 `json:"score"`
	TitleHTML   string  `json:"title_html"`
	SnippetHTML string  `json:"snippet_html"`
}

// Results are a page of hits, best first.
type Results struct {
	Hits       []Hit  `json:"hits"`
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor,omitempty"`
	// Relaxed says no document held every term, so these hold some of
	// them (the answer for an empty result).
	Relaxed bool `json:"relaxed"`
}

// Index holds documents and answers queries.
type Index interface {
	// Put adds or replaces documents by kind and id.
	Put(ctx context.Context, docs ...Doc) error
	// Delete removes documents by kind and id.
	Delete(ctx context.Context, kind string, ids ...string) error
	// Search answers a checked query (see Check).
	Search(ctx context.Context, q Query) (Results, error)
	// Count is how many documents the index holds.
	Count() (uint64, error)
	// Versions returns the Version of every document, by Key.
	Versions(ctx context.Context) (map[string]int64, error)
	Close() error
}

// Compacter is an Index that can be compacted after a full build (the
// bleve index merges its segments into one: each search then reads one
// posting list a term instead of one a segment).
type Compacter interface {
	// Compact returns when done; searches meanwhile answer as before.
	Compact(ctx context.Context) error
}

// Compact compacts x when it (or the index it caches or gates) is a
// Compacter.
func Compact(ctx context.Context, x Index) error {
	for {
		switch c := x.(type) {
		case Compacter:
			return c.Compact(ctx)
		case *Cached:
			x = c.Index
		case *Gated:
			x = c.Index
		default:
			return nil
		}
	}
}

// daterOf is x's Dater, or that of the index it gates; nil when neither
// is one.
func daterOf(x Index) Dater {
	for {
		switch c := x.(type) {
		case Dater:
			return c
		case *Gated:
			x = c.Index
		default:
			return nil
		}
	}
}

// Key names a document among all kinds.
func Key(kind, id string) string { return kind + "/" + id }

// MaxQueryLength is the longest query, in characters.
const MaxQueryLength = 100

// Check trims a query and refuses what no reader means: nothing, more
// than MaxQueryLength characters, control characters, or mostly search
// operators (a query string's syntax is never interpreted, so
// "title:x AND y*" would only find nothing).
func Check(q string) (string, error) {
	q = strings.Join(strings.Fields(q), " ")
	switch n := utf8.RuneCountInString(q); {
	case n == 0:
		return "", fault.Fields(fault.FieldError{Field: "q", Message: "type what to look for"})
	case n > MaxQueryLength:
		return "", fault.Fields(fault.FieldError{Field: "q", Message: "a search is at most 100 characters; shorten it"})
	}
	words, ops := 0, 0
	for _, r := range q {
		switch {
		case unicode.IsControl(r) || r == '\uFFFD':
			return "", fault.Fields(fault.FieldError{Field: "q", Message: "the search holds characters that are not text"})
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			words++
		case strings.ContainsRune(`+-:^~*?"()[]{}\/|&!<>=`, r):
			ops++
		}
	}
	if words == 0 || ops > 3 && ops*2 > words {
		return "", fault.Fields(fault.FieldError{Field: "q", Message: "search with words, not operators: they are not supported"})
	}
	return q, nil
}
