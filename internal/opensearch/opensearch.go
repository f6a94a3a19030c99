// Package opensearch is the search index on an OpenSearch cluster, for an
// office that outgrows the embedded one: the same search.Index over
// OpenSearch's HTTP API (index creation with a mapping, _bulk, _search
// with highlighting, _count), Chinese analysed by the analysis-smartcn
// plugin's smartcn analyzer beside the built-in cjk bigrams. It cannot
// run on the machine this was written on; its tests replay exchanges
// written from OpenSearch's API documentation.
package opensearch

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/redact"
)

// Index is an OpenSearch index.
type Index struct {
	base   string // the cluster's URL, without credentials
	name   string
	user   string
	pass   string
	client *http.Client
}

var _ search.Index = (*Index)(nil)

// Open connects to the cluster at rawURL (https://user:password@host:9200/
// with the index's name as the path, "yinling" when none) and creates the
// index with its mapping when it does not exist; created reports that.
func Open(ctx context.Context, rawURL string, client *http.Client) (*Index, bool, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false, fmt.Errorf("YINLING_SEARCH_URL: %q is not an http(s) URL", redact.URL(rawURL))
	}
	x := &Index{name: strings.Trim(u.Path, "/"), client: client}
	if x.name == "" {
		x.name = "yinling"
	}
	if u.User != nil {
		x.user = u.User.Username()
		x.pass, _ = u.User.Password()
	}
	u.User, u.Path = nil, ""
	x.base = strings.TrimSuffix(u.String(), "/")
	if x.client == nil {
		x.client = &http.Client{Timeout: 30 * time.Second}
	}
	status, _, err := x.do(ctx, http.MethodHead, "/"+x.name, nil, "")
	if err != nil {
		return nil, false, err
	}
	if status == http.StatusOK {
		return x, false, nil
	}
	if _, err := x.call(ctx, http.MethodPut, "/"+x.name, mapping(), nil); err != nil {
		return nil, false, err
	}
	return x, true, nil
}

// textFields are searched with these boosts, as the embedded index does.
var textFields = map[string]float64{"title": 5, "tags_text": 3, "people": 3, "summary": 2, "body": 1}

// mapping is the index's settings and mappings: each text field analysed
// by smartcn (words) with a grams subfield (cjk bigrams, which fold
// full-width forms). Traditional characters are not folded to simplified
// here: that needs a plugin of its own (STConvert) in the mapping.
func mapping() map[string]any {
	text := map[string]any{"type": "text", "analyzer": "smartcn",
		"fields": map[string]any{"grams": map[string]any{"type": "text", "analyzer": "cjk"}}}
	props := map[string]any{
		"kind": map[string]any{"type": "keyword"}, "id": map[string]any{"type": "keyword"}, "slug": map[string]any{"type": "keyword"},
		"column": map[string]any{"type": "keyword"}, "tags": map[string]any{"type": "keyword"}, "status": map[string]any{"type": "keyword"},
		"live": map[string]any{"type": "boolean"}, "at": map[string]any{"type": "date"}, "version": map[string]any{"type": "long"},
		"revision": map[string]any{"type": "long"}, "key": map[string]any{"type": "keyword"},
	}
	for f := range textFields {
		props[f] = text
	}
	return map[string]any{"settings": map[string]any{"index": map[string]any{"number_of_shards": 1}},
		"mappings": map[string]any{"dynamic": "strict", "properties": props}}
}

// source is a document as the index stores it.
type source struct {
	Key      string    `json:"key"`
	Kind     string    `json:"kind"`
	ID       string    `json:"id"`
	Slug     string    `json:"slug"`
	Title    string    `json:"title"`
	Summary  string    `json:"summary"`
	Body     string    `json:"body"`
	Column   string    `json:"column"`
	Tags     []string  `json:"tags"`
	TagsText string    `json:"tags_text"`
	People   string    `json:"people"`
	At       time.Time `json:"at"`
	Status   string    `json:"status"`
	Live     bool      `json:"live"`
	Revision int64     `json:"revision"`
	Version  int64     `json:"version"`
}

func toSource(d search.Doc) source {
	return source{Key: search.Key(d.Kind, d.ID), Kind: d.Kind, ID: d.ID, Slug: d.Slug, Title: d.Title, Summary: d.Summary, Body: d.Body,
		Column: d.Column, Tags: d.Tags, TagsText: strings.Join(d.Tags, " "), People: strings.Join(d.People, " "), At: d.At,
		Status: d.Status, Live: d.Live, Revision: d.Revision, Version: d.Version}
}

func (s source) doc() search.Doc {
	return search.Doc{Kind: s.Kind, ID: s.ID, Slug: s.Slug, Title: s.Title, Summary: s.Summary, Body: s.Body, Column: s.Column,
		Tags: s.Tags, People: strings.Fields(s.People), At: s.At, Status: s.Status, Live: s.Live, Revision: s.Revision, Version: s.Version}
}

// Put implements search.Index with one _bulk request.
func (x *Index) Put(ctx context.Context, docs ...search.Doc) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, d := range docs {
		_ = enc.Encode(map[string]any{"index": map[string]any{"_index": x.name, "_id": search.Key(d.Kind, d.ID)}})
		_ = enc.Encode(toSource(d))
	}
	return x.bulk(ctx, &b)
}

// Delete implements search.Index with one _bulk request.
func (x *Index) Delete(ctx context.Context, kind string, ids ...string) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, id := range ids {
		_ = enc.Encode(map[string]any{"delete": map[string]any{"_index": x.name, "_id": search.Key(kind, id)}})
	}
	return x.bulk(ctx, &b)
}

func (x *Index) bulk(ctx context.Context, body *bytes.Buffer) error {
	if body.Len() == 0 {
		return nil
	}
	status, b, err := x.do(ctx, http.MethodPost, "/_bulk?refresh=wait_for", body, "application/x-ndjson")
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return answerFault(status, b)
	}
	var out struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			Status int             `json:"status"`
			Error  json.RawMessage `json:"error"`
		} `json:"items"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("opensearch: _bulk answered %q: %w", b, err)
	}
	if out.Errors {
		for _, it := range out.Items {
			for op, r := range it {
				if r.Status >= 300 && !(op == "delete" && r.Status == http.StatusNotFound) {
					return fmt.Errorf("opensearch: _bulk %s: %d %s", op, r.Status, r.Error)
				}
			}
		}
	}
	return nil
}

// Count implements search.Index.
func (x *Index) Count() (uint64, error) {
	var out struct {
		Count uint64 `json:"count"`
	}
	_, err := x.call(context.Background(), http.MethodGet, "/"+x.name+"/_count", nil, &out)
	return out.Count, err
}

// Versions implements search.Index, reading every document's version in
// pages sorted by key (search_after).
func (x *Index) Versions(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	var after []any
	for {
		q := map[string]any{"size": 1000, "_source": []string{"version"}, "sort": []any{map[string]any{"key": "asc"}},
			"query": map[string]any{"match_all": map[string]any{}}}
		if after != nil {
			q["search_after"] = after
		}
		var r struct {
			Hits struct {
				Hits []struct {
					ID     string                  `json:"_id"`
					Source struct{ Version int64 } `json:"_source"`
					Sort   []any                   `json:"sort"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if _, err := x.call(ctx, http.MethodPost, "/"+x.name+"/_search", q, &r); err != nil {
			return nil, err
		}
		for _, h := range r.Hits.Hits {
			out[h.ID] = h.Source.Version
			after = h.Sort
		}
		if len(r.Hits.Hits) < 1000 {
			return out, nil
		}
	}
}

// Close implements search.Index.
func (x *Index) Close() error { x.client.CloseIdleConnections(); return nil }

// Search implements search.Index: every term must match (as smartcn
// words, or as adjacent bigrams), filters as the embedded index, ranked
// by OpenSearch's BM25, highlighted by OpenSearch with the html encoder
// (which escapes the text) and <mark> tags.
func (x *Index) Search(ctx context.Context, q search.Query) (search.Results, error) {
	if q.Limit < 1 || q.Limit > search.MaxLimit {
		q.Limit = search.DefaultLimit
	}
	from := 0
	if q.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		// Only the cursors it makes: another spelling of an offset would
		// be another answer to cache.
		if err != nil || json.Unmarshal(b, &from) != nil || from <= 0 || from > 1000 || encodeCursor(from) != q.Cursor {
			return search.Results{}, fault.Fields(fault.FieldError{Field: "cursor", Message: "is not a cursor of this search"})
		}
	}
	res, err := x.run(ctx, q, from, "and")
	if err == nil && res.Total == 0 && strings.Contains(strings.TrimSpace(q.Text), " ") && from == 0 {
		res, err = x.run(ctx, q, 0, "or")
		res.Relaxed = true
	}
	return res, err
}

func (x *Index) run(ctx context.Context, q search.Query, from int, operator string) (search.Results, error) {
	var fields []string
	for f, boost := range textFields {
		fields = append(fields, fmt.Sprintf("%s^%g", f, boost*1.5), fmt.Sprintf("%s.grams^%g", f, boost))
	}
	slices.Sort(fields)
	must := []any{map[string]any{"multi_match": map[string]any{"query": q.Text, "fields": fields, "type": "cross_fields", "operator": operator}}}
	var filter []any
	if !q.Drafts {
		filter = append(filter, map[string]any{"term": map[string]any{"live": true}})
	}
	if len(q.Kinds) > 0 {
		filter = append(filter, map[string]any{"terms": map[string]any{"kind": q.Kinds}})
	}
	if q.Column != "" {
		filter = append(filter, map[string]any{"term": map[string]any{"column": q.Column}})
	}
	if q.Tag != "" {
		filter = append(filter, map[string]any{"term": map[string]any{"tags": q.Tag}})
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		r := map[string]any{}
		if !q.From.IsZero() {
			r["gte"] = q.From.Format(time.RFC3339)
		}
		if !q.To.IsZero() {
			r["lte"] = q.To.Format(time.RFC3339)
		}
		filter = append(filter, map[string]any{"range": map[string]any{"at": r}})
	}
	body := map[string]any{
		"from": from, "size": q.Limit, "track_total_hits": true,
		"query": map[string]any{"bool": map[string]any{"must": must, "filter": filter}},
		"sort":  []any{"_score", map[string]any{"key": "asc"}},
		"highlight": map[string]any{"encoder": "html", "pre_tags": []string{"<mark>"}, "post_tags": []string{"</mark>"},
			"fields": map[string]any{
				"title":   map[string]any{"number_of_fragments": 0, "matched_fields": []string{"title", "title.grams"}, "type": "fvh"},
				"summary": map[string]any{"fragment_size": 120, "number_of_fragments": 1},
				"body":    map[string]any{"fragment_size": 120, "number_of_fragments": 1},
			}},
	}
	var r struct {
		Hits struct {
			Total struct {
				Value int `json:"value"`
			} `json:"total"`
			Hits []struct {
				Score     float64             `json:"_score"`
				Source    source              `json:"_source"`
				Highlight map[string][]string `json:"highlight"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if _, err := x.call(ctx, http.MethodPost, "/"+x.name+"/_search", body, &r); err != nil {
		return search.Results{}, err
	}
	out := search.Results{Hits: []search.Hit{}, Total: r.Hits.Total.Value}
	for _, h := range r.Hits.Hits {
		hit := search.Hit{Doc: h.Source.doc(), Score: h.Score, TitleHTML: escape(h.Source.Title)}
		if t := h.Highlight["title"]; len(t) > 0 {
			hit.TitleHTML = t[0]
		}
		for _, f := range []string{"summary", "body"} {
			if s := h.Highlight[f]; len(s) > 0 {
				hit.SnippetHTML = s[0]
				break
			}
		}
		if hit.SnippetHTML == "" {
			hit.SnippetHTML = escape(h.Source.Summary)
		}
		hit.TitleHTML, hit.SnippetHTML = onlyMarks(hit.TitleHTML), onlyMarks(hit.SnippetHTML)
		out.Hits = append(out.Hits, hit)
	}
	if next := from + len(out.Hits); len(out.Hits) == q.Limit && out.Total > next && next <= 1000 {
		out.NextCursor = encodeCursor(next)
	}
	return out, nil
}

func encodeCursor(from int) string {
	b, _ := json.Marshal(from)
	return base64.RawURLEncoding.EncodeToString(b)
}

// do sends a request and returns the status and body; a cluster that
// does not answer is fault.Unavailable.
func (x *Index) do(ctx context.Context, method, path string, body io.Reader, ctype string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, x.base+path, body)
	if err != nil {
		return 0, nil, fmt.Errorf("opensearch: %w", err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if x.user != "" {
		req.SetBasicAuth(x.user, x.pass)
	}
	resp, err := x.client.Do(req)
	if err != nil {
		return 0, nil, &fault.Error{Kind: fault.Unavailable, Message: "the search engine does not answer", Err: redact.Error(err), RetryAfter: 5}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return 0, nil, &fault.Error{Kind: fault.Unavailable, Message: "the search engine's answer was cut off", Err: redact.Error(err), RetryAfter: 5}
	}
	return resp.StatusCode, b, nil
}

// call sends JSON and decodes a 2xx answer into out.
func (x *Index) call(ctx context.Context, method, path string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("opensearch: %w", err)
		}
		body = bytes.NewReader(b)
	}
	status, b, err := x.do(ctx, method, path, body, "application/json")
	if err != nil {
		return status, err
	}
	if status < 200 || status > 299 {
		return status, answerFault(status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return status, fmt.Errorf("opensearch: %s %s answered %q: %w", method, path, b, err)
		}
	}
	return status, nil
}

func answerFault(status int, b []byte) error {
	err := fmt.Errorf("opensearch: answered %d: %.300s", status, b)
	if status >= 500 || status == http.StatusTooManyRequests {
		return &fault.Error{Kind: fault.Unavailable, Message: "the search engine is not available", Err: err, RetryAfter: 5}
	}
	return err
}
