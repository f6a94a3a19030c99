package assembly

import (
	"context"
	"errors"
	"runtime"
	"time"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/bleveindex"
	"github.com/yinling-cms/yinling/internal/opensearch"
)

// SearchSources are what the search index holds: every kind's items.
func (s *Site) SearchSources() []search.Source {
	sources := make([]search.Source, len(s.Kinds))
	for i, k := range s.Kinds {
		sources[i] = k.Search
	}
	return sources
}

// OpenSearch opens the search index (OpenSearch at cfg.SearchURL, retried
// until it answers or ctx ends; else the embedded index in SearchDir,
// made when the folder is missing), makes it the site's Search, and
// returns the syncer that keeps it current.
func (s *Site) OpenSearch(ctx context.Context) (*search.Syncer, error) {
	if s.Search == nil {
		return nil, errors.New("this site was built without search")
	}
	began := time.Now()
	var x search.Index
	var created bool
	var err error
	where := s.SearchDir
	if s.cfg.SearchURL != "" {
		where = "OpenSearch"
		for {
			if x, created, err = opensearch.Open(ctx, s.cfg.SearchURL, nil); err == nil || ctx.Err() != nil {
				break
			}
			s.logger.Warn("the search engine does not answer yet; will retry", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(10 * time.Second):
			}
		}
	} else {
		x, created, err = bleveindex.Open(s.SearchDir)
	}
	if err != nil {
		return nil, err
	}
	if s.cfg.SearchURL == "" {
		// The embedded index searches on this machine's cores: as
		// many at once as there are, the rest queued in order.
		x = search.NewGated(x, runtime.GOMAXPROCS(0), 2*time.Second)
	}
	// Answers kept until the index next changes: popular searches
	// between changes cost nothing.
	x = &search.Cached{Index: x, MaxBytes: s.cfg.SearchCacheMB << 20}
	s.Search.Set(x)
	s.logger.Info("search index open", "where", where, "new", created, "took", time.Since(began).Round(time.Millisecond))
	syncer := &search.Syncer{Index: x, Sources: s.SearchSources(), Logger: s.logger}
	s.syncer.Store(syncer)
	return syncer, nil
}

// RunSearch opens the search index and keeps it current until ctx ends;
// searches answer 503 until it is open. With cfg.SearchOff it only says
// so.
func (s *Site) RunSearch(ctx context.Context) {
	if s.cfg.SearchOff {
		s.logger.Info("search is off on this instance (YINLING_SEARCH=off)")
		return
	}
	syncer, err := s.OpenSearch(ctx)
	if err != nil {
		s.logger.Error("search is off: the index cannot be opened (remove the folder to rebuild it)", "dir", s.SearchDir, "err", err)
		return
	}
	syncer.Run(ctx)
}
