package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yinling-cms/yinling/internal/benchcorpus"
)

// story is what the benchmark remembers of a seeded story.
type story struct {
	id, slug, column, tag string
}

// tagCount is how many different tags the corpus uses.
const tagCount = 100

// body is a story of about 3 KB of Chinese Markdown.
var body = strings.Repeat("## 西迁精神代代传\n\n老教授们在梧桐树下讲述当年的故事，**银龄之窗**栏目记录了他们的风采。"+
	"乐老学院的课程丰富多彩，书法、摄影、太极拳都深受欢迎。\n\n- 梧桐语讲坛\n- 乐老学院\n\n", 8)

// seed creates and publishes n stories (numbered from first) with 8
// clients and returns the rate.
func seed(ctx context.Context, s *server, first, n int) (float64, []story, error) {
	out := make([]story, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	start := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				st, err := publishOne(ctx, s, first+i)
				if err != nil {
					errs <- err
					return
				}
				out[i] = st
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, nil, fmt.Errorf("seed: %w", err)
	}
	return float64(n) / time.Since(start).Seconds(), out, ctx.Err()
}

// publishOne creates and publishes the story numbered k.
func publishOne(ctx context.Context, s *server, k int) (story, error) {
	st := story{column: benchcorpus.Columns[k%len(benchcorpus.Columns)], tag: fmt.Sprintf("话题%d", k%tagCount)}
	var created struct {
		ID   string `json:"id"`
		Slug string `json:"slug"`
	}
	in := map[string]any{"title": fmt.Sprintf("银龄风采 第%d篇 %s", k+1, st.tag), "summary": "退休教师的故事。",
		"body": body, "column": st.column, "tags": []string{st.tag, "银龄"}}
	if err := s.call(ctx, "POST", "/api/admin/v1/stories", in, &created); err != nil {
		return story{}, err
	}
	if err := s.call(ctx, "POST", "/api/admin/v1/stories/"+created.ID+"/publish", nil, nil); err != nil {
		return story{}, err
	}
	st.id, st.slug = created.ID, created.Slug
	return st, nil
}

// publishFor creates and publishes stories (numbered from first) with 8
// clients for d, as an office's burst of publishing, and returns the
// stories published and the rate. A story under way when d ends is left
// out (it may be a draft, or published after the count).
func publishFor(ctx context.Context, s *server, first int, d time.Duration) (float64, []story, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		next atomic.Int64
		mu   sync.Mutex
		out  []story
		fail error
		wg   sync.WaitGroup
	)
	start := time.Now()
	for range 8 {
		wg.Go(func() {
			for ctx.Err() == nil {
				st, err := publishOne(ctx, s, first+int(next.Add(1))-1)
				mu.Lock()
				switch {
				case err == nil:
					out = append(out, st)
				case ctx.Err() == nil && fail == nil:
					fail = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(len(out)) / time.Since(start).Seconds(), out, fail
}
