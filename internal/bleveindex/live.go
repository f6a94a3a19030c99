package bleveindex

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bquery "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// liveOnly is the readers' search: q's matches but the drafts. The
// drafts (few) are read once per search into a sorted list, and each
// match is checked against it as it comes: a boolean query's must-not
// would wrap the text in a boolean and a conjunction searcher, two more
// steps for every match of a common term.
type liveOnly struct{ q bquery.Query }

func (l liveOnly) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	drafts, err := draftIDs(ctx, i)
	if err != nil {
		return nil, err
	}
	s, err := l.q.Searcher(ctx, i, m, options)
	if err != nil || len(drafts) == 0 {
		return s, err
	}
	// The matches come in id order: a cursor over the sorted drafts
	// answers each in constant time (amortized), cheaper than a map.
	next := 0
	return searcher.NewFilteringSearcher(ctx, s, func(_ *bsearch.SearchContext, d *bsearch.DocumentMatch) bool {
		id := internalNum(d.IndexInternalID)
		if next > 0 && drafts[next-1] >= id {
			next = 0 // not in order (never seen): look from the start
		}
		for next < len(drafts) && drafts[next] < id {
			next++
		}
		return next == len(drafts) || drafts[next] != id
	}), nil
}

// internalNum is an internal id as a number, ordered as the ids are:
// scorch's are 8 bytes, big-endian (draftIDs refuses others).
func internalNum(id index.IndexInternalID) uint64 {
	var b [8]byte
	copy(b[:], id)
	return binary.BigEndian.Uint64(b[:])
}

// draftIDs are the internal ids of the documents readers do not see
// (live is false: the boolean field's term "F"), in order.
func draftIDs(ctx context.Context, i index.IndexReader) ([]uint64, error) {
	r, err := i.TermFieldReader(ctx, []byte("F"), "live", false, false, false)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	out := make([]uint64, 0, r.Count())
	var d index.TermFieldDoc
	for {
		next, err := r.Next(d.Reset())
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if next == nil {
			slices.Sort(out)
			return out, nil
		}
		if len(next.ID) != 8 {
			return nil, fmt.Errorf("search: an internal id of %d bytes", len(next.ID))
		}
		out = append(out, internalNum(next.ID))
	}
}

// Compact merges the index into one segment (after a full build: a
// search then reads one posting list a term instead of one a segment).
// It returns when the merge is done; searches meanwhile read the index
// as it was.
func (x *Index) Compact(ctx context.Context) error {
	adv, err := x.b.Advanced()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("search: merge the index: %w", err)
	}
	// bleve removes the files the merge replaced in the background: wait
	// (at most 10 s) until the folder holds one file a while, so that a
	// reindex that closes the index at once leaves no second copy.
	files := func() uint64 {
		st, _ := s.StatsMap()["CurOnDiskFiles"].(uint64)
		return st
	}
	last, same := files(), 0
	for deadline := time.Now().Add(10 * time.Second); same < 5 && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(50 * time.Millisecond)
		if n := files(); n != last {
			last, same = n, 0
			continue
		}
		same++
	}
	return nil
}

// allIn finds documents holding every token in field (a term's bigrams in
// the body), scored by the rarest token's BM25 alone: the rest only have
// to be present, a bitmap intersection bleve computes once per segment,
// and each match then costs one posting's frequency and norm instead of
// one per token. The rarest bigram is what tells the documents apart
// (the common ones score alike everywhere), and the body is the least
// of the fields, so the ranking moves little (testdata/relevance.json).
type allIn struct {
	field  string
	tokens []string
	boost  float64
}

func (a allIn) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if len(a.tokens) == 1 {
		return searcher.NewTermSearcher(ctx, i, a.tokens[0], a.field, a.boost, options)
	}
	rarest, n := 0, uint64(0)
	for k, t := range a.tokens {
		c, err := docFreq(ctx, i, t, a.field)
		if err != nil {
			return nil, err
		}
		if k == 0 || c < n {
			rarest, n = k, c
		}
	}
	if n == 0 {
		return searcher.NewMatchNoneSearcher(i)
	}
	scored, err := searcher.NewTermSearcher(ctx, i, a.tokens[rarest], a.field, a.boost, options)
	if err != nil {
		return nil, err
	}
	plain := options
	plain.Score = "none"
	var rest []bsearch.Searcher
	for k, t := range a.tokens {
		if k == rarest {
			continue
		}
		s, err := searcher.NewTermSearcher(ctx, i, t, a.field, 0, plain)
		if err != nil {
			return nil, err
		}
		rest = append(rest, s)
	}
	others := rest[0]
	if len(rest) > 1 {
		if others, err = searcher.NewConjunctionSearcher(ctx, i, rest, plain); err != nil {
			return nil, err
		}
	}
	return searcher.NewConjunctionSearcher(ctx, i, []bsearch.Searcher{scored, others}, options)
}

// docFreq is how many documents hold term in field.
func docFreq(ctx context.Context, i index.IndexReader, term, field string) (uint64, error) {
	r, err := i.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	n := r.Count()
	return n, r.Close()
}
