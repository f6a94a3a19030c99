// Package benchcorpus is the generated corpus the load tool
// (cmd/yinling-bench) seeds and the search benchmark (bleveindex's
// BenchmarkSearch) indexes: defined once, so the two measure the same
// stories and the same searches.
package benchcorpus

import (
	"fmt"
	"strings"
)

// Columns are the seeded site's columns (the defaults).
var Columns = []string{"campus-news", "silver-window", "party-building", "culture", "services", "people"}

// Sentences make varied stories: each takes seven of them, picked by its
// number, and a name of its own.
var Sentences = []string{
	"老教授们在梧桐树下讲述当年西迁的故事。", "乐老学院的书法班迎来了新学期。", "退休教师每天清晨在操场打太极拳。",
	"重阳节那天，老同志们结伴登高望远。", "门球队在校运会上取得了好成绩。", "摄影协会举办了金秋摄影展。",
	"梧桐语讲坛邀请专家讲授健康知识。", "社区医生讲解高血压的防治方法。", "民警提醒老人警惕电信诈骗。",
	"志愿者走访慰问了患病的老同志。", "离退休党支部开展党史学习教育。", "合唱团排练了新的歌曲。",
	"智能手机课程教老人使用移动支付。", "关工委的老同志为学生讲述校史。", "金婚纪念活动温馨感人。",
	"银龄互助小组帮助独居老人。", "书法作品展在图书馆开幕。", "老年大学的绘画课程深受欢迎。",
	"茶艺课上，大家品茶论诗。", "春节前夕，学校领导看望老同志。", "老教授捐赠了珍藏多年的书籍。",
	"健康讲座介绍了防跌倒的知识。", "老同志们参观了新落成的校史馆。", "太极拳晨练已坚持了二十年。",
}

// Story is story k of the corpus; Body is Markdown: two paragraphs of
// sentences, then a line of its own (name)说: a sentence.
type Story struct {
	Title, Summary, Body, Column, Tag string
}

// Varied is story k, its tag one of tags.
func Varied(k, tags int) Story {
	var b strings.Builder
	for i := range 7 {
		b.WriteString(Sentences[(k*7+i*5+k/3)%len(Sentences)])
		if i == 3 {
			b.WriteString("\n\n")
		}
	}
	name := fmt.Sprintf("学员%d号", k)
	return Story{Title: strings.TrimSuffix(Sentences[(k*11)%len(Sentences)], "。") + " " + name,
		Summary: Sentences[(k*13+1)%len(Sentences)], Body: b.String() + "\n\n" + name + "说：" + Sentences[(k*17+2)%len(Sentences)],
		Column: Columns[k%len(Columns)], Tag: fmt.Sprintf("话题%d", k%tags)}
}

// Pieces are the searches "ranked anew" sends: every piece of two to four
// characters of the sentences without punctuation, once each (about 500).
func Pieces() []string {
	var out []string
	seen := map[string]bool{}
	for _, sen := range Sentences {
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
