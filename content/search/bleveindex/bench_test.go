package bleveindex_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/search/bleveindex"
)

var benchSentences = []string{
	"老教授们在梧桐树下讲述当年西迁的故事。", "乐老学院的书法班迎来了新学期。", "退休教师每天清晨在操场打太极拳。",
	"重阳节那天，老同志们结伴登高望远。", "门球队在校运会上取得了好成绩。", "摄影协会举办了金秋摄影展。",
	"梧桐语讲坛邀请专家讲授健康知识。", "社区医生讲解高血压的防治方法。", "民警提醒老人警惕电信诈骗。",
	"志愿者走访慰问了患病的老同志。", "离退休党支部开展党史学习教育。", "合唱团排练了新的歌曲。",
}

// BenchmarkSearch queries an index of 10,000 varied stories in parallel
// (in process: the engine's own cost, without HTTP).
func BenchmarkSearch(b *testing.B) {
	x, _, err := bleveindex.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	var docs []search.Doc
	for k := range 10000 {
		var body strings.Builder
		for i := range 7 {
			body.WriteString(benchSentences[(k*7+i*5+k/3)%len(benchSentences)])
		}
		docs = append(docs, search.Doc{Kind: "stories", ID: fmt.Sprint("s", k), Slug: fmt.Sprint("s", k),
			Title: strings.TrimSuffix(benchSentences[(k*11)%len(benchSentences)], "。"), Summary: benchSentences[(k*13+1)%len(benchSentences)],
			Body: body.String(), Live: true, Tags: []string{fmt.Sprint("话题", k%100)}})
		if len(docs) == 500 {
			if err := x.Put(context.Background(), docs...); err != nil {
				b.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	queries := []string{"拳", "西迁", "王老师", "西迁精神", "健康 讲座"}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := x.Search(context.Background(), search.Query{Text: queries[i%len(queries)]}); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
