// Package bleveindex is the embedded search index: bleve (pure Go, BM25)
// in a folder of the data directory, with Chinese analysis that finds
// what a reader means: gse's word segmentation for precision, character
// bigrams for recall inside longer words, full- and half-width forms and
// traditional and simplified characters folded together, and the pinyin
// initials of titles as a fallback (xqgs finds 西迁故事).
package bleveindex

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom" // registers the "custom" analyzer type
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unitokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	bquery "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/mozillazg/go-pinyin"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Index is a bleve index in a folder.
type Index struct {
	b    bleve.Index
	lang *lang
	// words and grams analyse query text as the fields' text was.
	words, grams analysis.Analyzer
}

var (
	_ search.Index = (*Index)(nil)
	_ search.Dater = (*Index)(nil)
)

// format names the index's mapping: an index of another format (an older
// mapping) is removed and built again, as its queries would not match.
// 3: no words of the body, no term vectors (no phrase queries), nothing
// stored but the document. 4: words cut by zhseg, which follows jieba's
// rule where gse strayed (text before a digit, say, was cut otherwise).
const format = "yinling-search-4"

// Open opens the index in dir, creating it when missing or of an older
// format; created reports a new (empty) index, which the caller fills
// from the store.
func Open(dir string) (idx *Index, created bool, err error) {
	l, err := language()
	if err != nil {
		return nil, false, fmt.Errorf("search: load the Chinese dictionary: %w", err)
	}
	marker := filepath.Join(dir, "format")
	if got, err := os.ReadFile(marker); err == nil && string(got) != format || errors.Is(err, fs.ErrNotExist) && exists(dir) {
		if err := os.RemoveAll(dir); err != nil {
			return nil, false, fmt.Errorf("search: remove the index of an older format: %w", err)
		}
	}
	b, err := bleve.Open(dir)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		m, merr := newMapping()
		if merr != nil {
			return nil, false, merr
		}
		b, err = bleve.New(dir, m)
		created = true
		if err == nil {
			err = os.WriteFile(marker, []byte(format), 0o600)
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("search: open the index in %s: %w", dir, err)
	}
	x := &Index{b: b, lang: l, words: b.Mapping().AnalyzerNamed(analyzerWords), grams: b.Mapping().AnalyzerNamed(analyzerGrams)}
	if x.words == nil || x.grams == nil {
		_ = b.Close()
		return nil, false, fmt.Errorf("search: the index in %s lacks its analyzers", dir)
	}
	return x, created, nil
}

func exists(dir string) bool {
	_, err := os.Stat(dir)
	return err == nil
}

// Remove deletes an index folder (for a rebuild).
func Remove(dir string) error { return os.RemoveAll(dir) }

func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	if err := m.AddCustomAnalyzer(analyzerWords, map[string]any{"type": "custom", "char_filters": []any{normalizeName},
		"tokenizer": wordsName, "token_filters": []any{lowercase.Name}}); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if err := m.AddCustomAnalyzer(analyzerChars, map[string]any{"type": "custom", "char_filters": []any{normalizeName},
		"tokenizer": unitokenizer.Name, "token_filters": []any{cjk.WidthName, lowercase.Name}}); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if err := m.AddCustomAnalyzer(analyzerGrams, map[string]any{"type": "custom", "char_filters": []any{normalizeName},
		"tokenizer": unitokenizer.Name, "token_filters": []any{cjk.WidthName, lowercase.Name, cjk.BigramName}}); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	// No term vectors: every query is of terms all present in a field,
	// in any order, which needs no positions.
	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer, f.Store, f.IncludeTermVectors, f.IncludeInAll = analyzer, false, false, false
		f.DocValues = false // nothing sorts or facets by text
		return f
	}
	// Only the document itself is stored (the answer is read from it);
	// the fields filtered on are indexed, not stored.
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeInAll = false, false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range []string{"kind", "slug", "status", "column", "tags"} {
		doc.AddFieldMappingsAt(f, kw())
	}
	live := bleve.NewBooleanFieldMapping()
	live.Store, live.IncludeInAll = false, false
	doc.AddFieldMappingsAt("live", live)
	at := bleve.NewDateTimeFieldMapping()
	at.Store, at.IncludeInAll = false, false
	doc.AddFieldMappingsAt("at", at)
	for _, f := range textFields {
		if f != "body" {
			doc.AddFieldMappingsAt(f+"_w", text(analyzerWords))
		}
		doc.AddFieldMappingsAt(f+"_g", text(analyzerGrams))
	}
	for _, f := range charFields {
		doc.AddFieldMappingsAt(f+"_c", text(analyzerChars))
	}
	py := bleve.NewTextFieldMapping()
	py.Analyzer, py.IncludeInAll, py.Store, py.IncludeTermVectors, py.DocValues = keyword.Name, false, false, false, false
	doc.AddFieldMappingsAt("py", py)
	doc.AddFieldMappingsAt("doc", func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index, f.Store, f.IncludeInAll = false, true, false
		return f
	}())
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerGrams
	return m, nil
}

// textFields are searched by bigrams (_g) and, but for the body, by
// words (_w), with these boosts: a match in the title counts most. A
// term's bigrams must all be in a field, in any order: in the short
// fields as precise in practice as a phrase (adjacent bigrams), and in
// all a fraction of the cost (a phrase query reads every match's
// positions). The body's words are not indexed: its bigrams find the
// same documents, and the words cost most of the indexing and a second
// reading of the longest lists for every query, for no measured gain in
// precision (testdata/relevance.json).
var textFields = []string{"title", "tags", "people", "summary", "body"}

var boosts = map[string]float64{"title": 5, "tags": 3, "people": 3, "summary": 2, "body": 1}

// charFields are also searched by single characters (_c), for a query of
// one character: short fields only, as a lone character in a long body
// finds too much to help.
var charFields = []string{"title", "tags", "summary"}

// record is what bleve indexes of a Doc (the Doc itself rides along,
// stored, for the answer).
type record struct {
	Kind    string    `json:"kind"`
	Slug    string    `json:"slug"`
	Status  string    `json:"status"`
	Column  string    `json:"column"`
	Tags    []string  `json:"tags"`
	Live    bool      `json:"live"`
	At      time.Time `json:"at"`
	TitleW  string    `json:"title_w"`
	TitleG  string    `json:"title_g"`
	TagsW   string    `json:"tags_w"`
	TagsG   string    `json:"tags_g"`
	PeopleW string    `json:"people_w"`
	PeopleG string    `json:"people_g"`
	SumW    string    `json:"summary_w"`
	SumG    string    `json:"summary_g"`
	BodyG   string    `json:"body_g"`
	TitleC  string    `json:"title_c"`
	TagsC   string    `json:"tags_c"`
	SumC    string    `json:"summary_c"`
	PY      string    `json:"py"`
	Doc     string    `json:"doc"`
}

func docID(kind, id string) string { return search.Key(kind, id) }

// Versions implements search.Index.
func (x *Index) Versions(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for from := 0; ; from += 1000 {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1000, from, false)
		req.Fields = []string{"doc"}
		req.SortBy([]string{"_id"})
		sr, err := x.b.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		for _, h := range sr.Hits {
			var d struct {
				Version int64 `json:"version"`
			}
			raw, _ := h.Fields["doc"].(string)
			_ = json.Unmarshal([]byte(raw), &d)
			out[h.ID] = d.Version
		}
		if len(sr.Hits) < 1000 {
			return out, nil
		}
	}
}

func initials(title string) string {
	var b strings.Builder
	for _, p := range pinyin.Pinyin(title, pinyin.Args{Style: pinyin.FirstLetter}) {
		if len(p) > 0 {
			b.WriteString(p[0])
		}
	}
	return b.String()
}

// Put implements search.Index.
func (x *Index) Put(ctx context.Context, docs ...search.Doc) error {
	batch := x.b.NewBatch()
	for _, d := range docs {
		raw, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		tags := strings.Join(d.Tags, " ")
		people := strings.Join(d.People, " ")
		r := record{Kind: d.Kind, Slug: d.Slug, Status: d.Status, Column: d.Column, Tags: d.Tags, Live: d.Live, At: d.At,
			TitleW: d.Title, TitleG: d.Title, TagsW: tags, TagsG: tags, PeopleW: people, PeopleG: people,
			SumW: d.Summary, SumG: d.Summary, BodyG: d.Body, TitleC: d.Title, TagsC: tags, SumC: d.Summary,
			PY: initials(d.Title), Doc: string(raw)}
		if err := batch.Index(docID(d.Kind, d.ID), r); err != nil {
			return fmt.Errorf("search: index %s: %w", d.ID, err)
		}
	}
	if err := x.b.Batch(batch); err != nil {
		return fmt.Errorf("search: write the index: %w", err)
	}
	return nil
}

// Delete implements search.Index.
func (x *Index) Delete(ctx context.Context, kind string, ids ...string) error {
	batch := x.b.NewBatch()
	for _, id := range ids {
		batch.Delete(docID(kind, id))
	}
	if err := x.b.Batch(batch); err != nil {
		return fmt.Errorf("search: write the index: %w", err)
	}
	return nil
}

// Count implements search.Index.
func (x *Index) Count() (uint64, error) { return x.b.DocCount() }

// Close implements search.Index.
func (x *Index) Close() error { return x.b.Close() }

// terms splits a normalized query into what must each be found: runs of
// Chinese characters, and Latin words and numbers.
func terms(q string) []string {
	var out []string
	var cur []rune
	han := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range q {
		switch {
		case unicode.Is(unicode.Han, r):
			if !han {
				flush()
			}
			han = true
			cur = append(cur, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if han {
				flush()
			}
			han = false
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// looser are the terms of a relaxed search: each term, and a Chinese
// term of three or more characters also as its bigrams.
func looser(ts []string) []string {
	out := slices.Clone(ts)
	for _, t := range ts {
		r := []rune(t)
		if len(r) >= 3 && unicode.Is(unicode.Han, r[0]) {
			for i := 0; i+2 <= len(r); i++ {
				out = append(out, string(r[i:i+2]))
			}
		}
	}
	return out
}

func hasLatin(ts []string) bool {
	for _, t := range ts {
		if r := []rune(t); len(r) >= 3 && !unicode.Is(unicode.Han, r[0]) {
			return true
		}
	}
	return false
}

// fuzzy finds a Latin word one letter off in the word fields.
func fuzzy(term string) bquery.Query {
	var alts []bquery.Query
	for _, f := range textFields {
		if f == "body" {
			continue
		}
		q := bleve.NewFuzzyQuery(term)
		q.SetField(f + "_w")
		q.SetFuzziness(1)
		q.SetBoost(boosts[f])
		alts = append(alts, q)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// termQuery finds one term: as words (gse) or as bigrams, all present,
// in any text field, boosted by field; a single Chinese character in the
// short fields, as a word or alone; a Latin word of letters also as the
// pinyin initials of a title. The term is analysed once, here (not once
// per field, as bleve's match queries would), and each field gets a term
// query for one token, their conjunction for more; the body, for more,
// all of them scored by the rarest (allIn).
func (x *Index) termQuery(term string) bquery.Query {
	var alts []bquery.Query
	n := utf8.RuneCountInString(term)
	han := unicode.Is(unicode.Han, []rune(term)[0])
	words := tokensOf(x.words, term)
	var grams []string
	if !han || n > 1 {
		grams = tokensOf(x.grams, term)
	}
	for _, f := range textFields {
		boost := boosts[f]
		if f != "body" {
			alts = appendAll(alts, f+"_w", words, boost*1.5)
		}
		if han && n == 1 {
			if slices.Contains(charFields, f) {
				c := bleve.NewTermQuery(term)
				c.SetField(f + "_c")
				c.SetBoost(boost)
				alts = append(alts, c)
			}
			continue
		}
		if f == "body" && len(grams) > 1 {
			alts = append(alts, allIn{field: f + "_g", tokens: grams, boost: boost})
			continue
		}
		alts = appendAll(alts, f+"_g", grams, boost)
	}
	if !han && n >= 2 && n <= 10 && isLetters(term) {
		p := bleve.NewPrefixQuery(term)
		p.SetField("py")
		p.SetBoost(2)
		alts = append(alts, p)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// appendAll appends a query finding every token in field: a term query
// for one, their conjunction for more.
func appendAll(alts []bquery.Query, field string, tokens []string, boost float64) []bquery.Query {
	if len(tokens) == 0 {
		return alts
	}
	qs := make([]bquery.Query, len(tokens))
	for i, t := range tokens {
		q := bleve.NewTermQuery(t)
		q.SetField(field)
		q.SetBoost(boost)
		qs[i] = q
	}
	if len(qs) == 1 {
		return append(alts, qs[0])
	}
	return append(alts, bleve.NewConjunctionQuery(qs...))
}

// tokensOf is what an analyzer makes of text.
func tokensOf(a analysis.Analyzer, text string) []string {
	ts := a.Analyze([]byte(text))
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// cursor is where the next page starts.
type cursor struct {
	Offset int `json:"o"`
}

// Search implements search.Index: every term must be found (BM25
// ranking, then id); when no document holds them all, any of them
// (Results.Relaxed).
func (x *Index) Search(ctx context.Context, q search.Query) (search.Results, error) {
	text := x.lang.Normalize(q.Text)
	ts := terms(text)
	if len(ts) == 0 {
		return search.Results{}, fault.Fields(fault.FieldError{Field: "q", Message: "search with words or characters"})
	}
	if q.Limit < 1 || q.Limit > search.MaxLimit {
		q.Limit = search.DefaultLimit
	}
	offset := 0
	if q.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		var c cursor
		if err != nil || json.Unmarshal(b, &c) != nil || c.Offset <= 0 || c.Offset > 1000 || encodeCursor(c) != q.Cursor {
			// Only the cursors it makes: another spelling of an offset
			// ({"o":10,"x":1}, {"o":1e1}) would be another answer to cache.
			return search.Results{}, fault.Fields(fault.FieldError{Field: "cursor", Message: "is not a cursor of this search"})
		}
		offset = c.Offset
	}
	res, err := x.run(ctx, q, ts, true, offset)
	if err != nil {
		return search.Results{}, err
	}
	if res.Total == 0 && q.Cursor == "" {
		// Nothing holds every term: any of them, and for a long Chinese
		// term any two characters of it in order (a mistyped character),
		// for a Latin word of three letters or more one letter off.
		loose := looser(ts)
		if len(loose) > len(ts) || len(ts) > 1 || hasLatin(ts) {
			if res, err = x.run(ctx, q, loose, false, 0); err != nil {
				return search.Results{}, err
			}
			res.Relaxed, ts = true, loose
		}
	}
	for i := range res.Hits {
		h := &res.Hits[i]
		h.TitleHTML = markTitle(x.lang, h.Title, ts)
		h.SnippetHTML = snippet(x.lang, h.Title, h.Summary, h.Body, ts)
	}
	return res, nil
}

func (x *Index) run(ctx context.Context, q search.Query, ts []string, all bool, offset int) (search.Results, error) {
	var parts []bquery.Query
	for _, t := range ts {
		parts = append(parts, x.termQuery(t))
		if !all && len([]rune(t)) >= 3 && !unicode.Is(unicode.Han, []rune(t)[0]) {
			parts = append(parts, fuzzy(t))
		}
	}
	var text bquery.Query
	switch {
	case len(parts) == 1:
		text = parts[0]
	case all:
		text = bleve.NewConjunctionQuery(parts...)
	default:
		text = bleve.NewDisjunctionQuery(parts...)
	}
	var filters []bquery.Query
	if len(q.Kinds) > 0 {
		var kinds []bquery.Query
		for _, k := range q.Kinds {
			t := bleve.NewTermQuery(k)
			t.SetField("kind")
			kinds = append(kinds, t)
		}
		filters = append(filters, bleve.NewDisjunctionQuery(kinds...))
	}
	for field, v := range map[string]string{"column": q.Column, "tags": q.Tag} {
		if v != "" {
			t := bleve.NewTermQuery(v)
			t.SetField(field)
			filters = append(filters, t)
		}
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		r := bleve.NewDateRangeQuery(q.From, q.To)
		r.SetField("at")
		filters = append(filters, r)
	}
	// Nothing but the text is scored: the filters are checked against
	// each match of the text, unscored; the drafts (few) are left out by
	// looking each match up in a set of them (liveOnly).
	var query bquery.Query = text
	if len(filters) > 0 {
		b := bleve.NewBooleanQuery()
		b.AddMust(text)
		if len(filters) == 1 {
			b.AddFilter(filters[0])
		} else {
			b.AddFilter(bleve.NewConjunctionQuery(filters...))
		}
		query = b
	}
	if !q.Drafts {
		query = liveOnly{query}
	}
	req := bleve.NewSearchRequestOptions(query, q.Limit, offset, false)
	req.Fields = []string{"doc"}
	// By score alone (ties in the index's order): bleve then needs no
	// document's id but those of the page (a tie-break on _id would read
	// the id of every match); the page's ties are put in id order below.
	req.SortBy([]string{"-_score"})
	sr, err := x.b.SearchInContext(ctx, req)
	if err != nil {
		return search.Results{}, fmt.Errorf("search: %w", err)
	}
	out := search.Results{Hits: make([]search.Hit, 0, len(sr.Hits)), Total: int(sr.Total)}
	for _, h := range sr.Hits {
		var d search.Doc
		raw, _ := h.Fields["doc"].(string)
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			return search.Results{}, fmt.Errorf("search: a stored document cannot be read: %w", err)
		}
		out.Hits = append(out.Hits, search.Hit{Doc: d, Score: h.Score})
	}
	slices.SortStableFunc(out.Hits, func(a, b search.Hit) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return strings.Compare(docID(a.Kind, a.ID), docID(b.Kind, b.ID))
	})
	if next := offset + len(sr.Hits); len(sr.Hits) == q.Limit && int(sr.Total) > next && next <= 1000 {
		out.NextCursor = encodeCursor(cursor{Offset: next})
	}
	return out, nil
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Dates implements search.Dater, from the dictionary of the date field
// (no document is read): its terms of full precision are the dates. A
// date of documents deleted since stays until their segment is merged.
func (x *Index) Dates(ctx context.Context) ([]int64, error) {
	d, err := x.b.FieldDictPrefix("at", []byte{numeric.ShiftStartInt64})
	if err != nil {
		return nil, fmt.Errorf("search: read the dates: %w", err)
	}
	defer d.Close()
	var out []int64
	for {
		e, err := d.Next()
		if err != nil {
			return nil, fmt.Errorf("search: read the dates: %w", err)
		}
		if e == nil {
			break
		}
		if v, err := numeric.PrefixCoded(e.Term).Int64(); err == nil {
			out = append(out, v)
		}
		if len(out)%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
