package bleveindex_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/content/search/bleveindex"
)

// benchSentences are the sentences of cmd/yinling-bench's varied stories:
// each story takes seven of them, picked by its number, and a name of its
// own, so the in-process figures here predict the binary's there.
var benchSentences = []string{
	"老教授们在梧桐树下讲述当年西迁的故事。", "乐老学院的书法班迎来了新学期。", "退休教师每天清晨在操场打太极拳。",
	"重阳节那天，老同志们结伴登高望远。", "门球队在校运会上取得了好成绩。", "摄影协会举办了金秋摄影展。",
	"梧桐语讲坛邀请专家讲授健康知识。", "社区医生讲解高血压的防治方法。", "民警提醒老人警惕电信诈骗。",
	"志愿者走访慰问了患病的老同志。", "离退休党支部开展党史学习教育。", "合唱团排练了新的歌曲。",
	"智能手机课程教老人使用移动支付。", "关工委的老同志为学生讲述校史。", "金婚纪念活动温馨感人。",
	"银龄互助小组帮助独居老人。", "书法作品展在图书馆开幕。", "老年大学的绘画课程深受欢迎。",
	"茶艺课上，大家品茶论诗。", "春节前夕，学校领导看望老同志。", "老教授捐赠了珍藏多年的书籍。",
	"健康讲座介绍了防跌倒的知识。", "老同志们参观了新落成的校史馆。", "太极拳晨练已坚持了二十年。",
}

var benchColumns = []string{"campus-news", "silver-window", "party-building", "culture", "services", "people"}

func benchStory(k int) search.Doc {
	var body strings.Builder
	for i := range 7 {
		body.WriteString(benchSentences[(k*7+i*5+k/3)%len(benchSentences)])
	}
	name := fmt.Sprintf("学员%d号", k)
	body.WriteString(name + "说：" + benchSentences[(k*17+2)%len(benchSentences)])
	return search.Doc{Kind: "stories", ID: fmt.Sprint("s", k), Slug: fmt.Sprint("s", k),
		Title:   strings.TrimSuffix(benchSentences[(k*11)%len(benchSentences)], "。") + " " + name,
		Summary: benchSentences[(k*13+1)%len(benchSentences)], Body: body.String(), Live: k%50 != 49, // 2 % drafts
		Column: benchColumns[k%len(benchColumns)], Tags: []string{fmt.Sprint("话题", k%100)}}
}

// freshQueries are cmd/yinling-bench's "ranked anew" searches: every
// piece of two to four characters of the sentences (about 500).
func freshQueries() []string {
	var out []string
	seen := map[string]bool{}
	for _, sen := range benchSentences {
		r := []rune(strings.TrimSuffix(sen, "。"))
		for n := 2; n <= 4; n++ {
			for i := 0; i+n <= len(r); i++ {
				q := string(r[i : i+n])
				if strings.ContainsAny(q, "，、") || seen[q] {
					continue
				}
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	return out
}

// BenchmarkSearch queries an index of 10,000 varied stories, 2 % of them
// drafts (in process:
// the engine's own cost, without HTTP): "fixed" cycles over five queries
// of one to four characters and a phrase (two of them found only by the
// relaxed answer), "fresh" over the pieces cmd/yinling-bench sends, with
// limits 5-20. cpu-ms/op is the process's CPU time per search (user and
// system, garbage collection included): steadier than ns/op on a busy
// machine; p50-ms and p99-ms are the searches' own (wall) times.
func BenchmarkSearch(b *testing.B) {
	x, _, err := bleveindex.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	var docs []search.Doc
	for k := range 10000 {
		docs = append(docs, benchStory(k))
		if len(docs) == 500 {
			if err := x.Put(context.Background(), docs...); err != nil {
				b.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	bleveindex.Settle(x)
	// as yinling does after a full build (reindex, or a new index at start)
	if err := x.Compact(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("segments: %d", bleveindex.Segments(x))
	fresh := freshQueries()
	for _, c := range []struct {
		name    string
		queries []string
	}{
		{"fixed", []string{"拳", "西迁", "王老师", "西迁精神", "健康 讲座"}},
		{"fresh", fresh},
		// the costliest of fresh: common pairs and pieces matching
		// 3,500-8,000 stories
		{"heavy", []string{"的老同志", "老教授", "了新学期", "大家品茶", "梧桐树下", "老同志", "民警", "老教授们", "同志"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cpu := cpuNow()
			i := 0
			var took []time.Duration
			for b.Loop() {
				q := search.Query{Text: c.queries[i%len(c.queries)], Limit: 5 + i%16}
				t0 := time.Now()
				if _, err := x.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t0))
				i++
			}
			b.ReportMetric(float64(cpuNow()-cpu)/1e6/float64(i), "cpu-ms/op")
			slices.Sort(took)
			for _, p := range []float64{0.5, 0.99} {
				b.ReportMetric(float64(took[int(p*float64(len(took)-1))])/1e6, fmt.Sprintf("p%02.0f-ms", p*100))
			}
		})
	}
}
