package sample

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/pages"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/media"
)

// altNote ends every sample picture's alternative text.
const altNote = "（示例图片，由系统生成）"

// sampleStory is one sample story: its slug after SlugPrefix, its column
// (one of the seeded ones), and its text.
type sampleStory struct {
	slug, column, title, summary string
	tags                         []string
	coverAlt, photoAlt, caption  string
	body                         [2]string // before and after the photo
}

var sampleStories = []sampleStory{
	{slug: "autumn-walk", column: "culture", title: "金秋登高，银龄同行",
		summary: "重阳前夕，六十余位退休教职工沿湖畔步道健步登高，在秋色里话家常、赏风景。",
		tags:    []string{"重阳", "健步走"}, coverAlt: "秋日山丘与湖光的风景画", photoAlt: "夕照下层叠的远山",
		caption: "沿途的秋色",
		body: [2]string{"重阳节前的一个晴朗上午，退休教职工们在校园东门集合，沿着湖畔步道向南山缓缓而行。队伍里年纪最长的老师已经八十二岁，一路走走停停，和老同事们聊起当年带学生实习的往事。\n\n离退休处的工作人员和学生志愿者在沿途设了三个歇脚点，备好了热水、血压计和小点心。",
			"登上观景台，大家合影留念。一位老师说：“年年登高，年年都有新面孔，也年年都有老朋友。”\n\n活动最后，工作人员提醒大家注意天气变化、适量运动，并预告了冬季室内健身课的安排。"}},
	{slug: "calligraphy-class", column: "culture", title: "老年书画班迎来新学期",
		summary: "书画班新学期开课，三十位学员在老教师的带领下从楷书基本笔画练起。",
		tags:    []string{"书画", "老年学校"}, coverAlt: "晨光里的山谷风景画", photoAlt: "宁静湖面与远山",
		caption: "学员们的习作将在期末展出",
		body: [2]string{"新学期的第一堂书画课，教室里墨香四溢。授课的是退休多年的美术系老教师，他从握笔、运腕讲起，一笔一画地示范。\n\n今年的学员里有不少刚退休的老师，也有坚持了十多年的“老学员”。",
			"课程每周两次，分楷书、行书和写意花鸟三个小组。期末，学员的作品将在活动中心展出，欢迎大家前来观赏。"}},
	{slug: "home-visits", column: "services", title: "走访慰问暖人心",
		summary: "离退休处工作人员分组走访高龄、独居老同志，送去问候，也把大家的难处记在本子上。",
		tags:    []string{"走访慰问", "为老服务"}, coverAlt: "冬日晴空下的淡蓝色山峦", photoAlt: "午后阳光下的绿色丘陵",
		caption: "每一次走访都有记录、有回音",
		body: [2]string{"入冬以来，离退休处工作人员分成五个小组，走访了八十岁以上的高龄、独居和行动不便的老同志。\n\n每到一户，工作人员都会问一问身体、看一看家里的暖气和用电，再留下一张写着联系电话的服务卡。",
			"走访中记下的问题——就医陪同、家中维修、手机使用——都已转给相关部门和志愿者跟进，一周内给老同志回话。"}},
	{slug: "smartphone-help", column: "services", title: "手把手教老同志用智能手机",
		summary: "学生志愿者走进活动中心，教老同志预约挂号、视频通话和识别诈骗电话。",
		tags:    []string{"志愿服务", "智能手机"}, coverAlt: "黄昏湖畔的紫色远山", photoAlt: "春日清晨的草地与山坡",
		caption: "一对一的耐心讲解",
		body: [2]string{"“这个按钮点一下，就能和外地的孙子视频了。”活动中心里，学生志愿者正一对一地教老同志使用智能手机。\n\n这次课程围绕老同志最常用的几件事：预约挂号、视频通话、线上缴费，以及如何识别诈骗电话和短信。",
			"志愿者们把操作步骤印成大字版的小册子，方便大家回家后对照练习。下一期课程将讲解出行和健康码的使用。"}},
}

// make creates the samples as actor, recording each in rec as it goes.
func (s *Service) make(ctx context.Context, actor content.Actor, rec *Record) error {
	for i, st := range sampleStories {
		cover, err := s.photo(ctx, actor, rec, 2*i, Mark+st.coverAlt+altNote)
		if err != nil {
			return err
		}
		inner, err := s.photo(ctx, actor, rec, 2*i+1, Mark+st.photoAlt+altNote)
		if err != nil {
			return err
		}
		body := fmt.Sprintf("> 这是一篇示例报道，用来展示网站的样子；管理员可以在后台一键删除所有示例内容。\n\n%s\n\n![%s](/media/%s)\n\n*%s*\n\n%s\n",
			st.body[0], Mark+st.photoAlt, inner, st.caption, st.body[1])
		item, err := s.c.Stories.Create(ctx, actor, stories.Input{Title: Mark + st.title, Summary: st.summary, Column: st.column,
			Tags: st.tags, Cover: cover, Body: body, Credits: stories.Credits{Writers: []string{"离退休处（示例）"}}}, SlugPrefix+st.slug)
		if err != nil {
			return err
		}
		rec.Items = append(rec.Items, Item{stories.Kind, item.ID})
		if err := publish(ctx, s.c.Stories.Workflow, actor, item.ID); err != nil {
			return err
		}
	}
	if err := s.makeLectures(ctx, actor, rec); err != nil {
		return err
	}
	page, err := s.c.Pages.Create(ctx, actor, pages.Input{Title: Mark + "关于我们", Summary: "离退休工作处的职责、服务内容和联系方式（示例）。",
		Body: aboutPage}, SlugPrefix+"about")
	if err != nil {
		return err
	}
	rec.Items = append(rec.Items, Item{pages.Kind, page.ID})
	if err := publish(ctx, s.c.Pages.Workflow, actor, page.ID); err != nil {
		return err
	}
	return s.makeVideo(ctx, actor, rec)
}

// sampleVideo is the sample short video (assets/make-video.sh tells how
// it was made): two of the sample pictures, zoomed and cross-faded, 9 s.
//
//go:embed assets/autumn-walk.mp4
var sampleVideo []byte

// makeVideo stores the sample video and its cover through the media
// library's checks and publishes a video entry of them, for the website
// only: a sample goes to no channel.
func (s *Service) makeVideo(ctx context.Context, actor content.Actor, rec *Record) error {
	clip, err := s.c.Media.Store(ctx, media.Upload{Filename: "sample-video.mp4", ContentType: "video/mp4",
		Alt: Mark + "秋日远山与夕阳的风景动画" + altNote, CreatedBy: actor.ID, Body: bytes.NewReader(sampleVideo)})
	if err != nil {
		return fmt.Errorf("store the sample video: %w", err)
	}
	rec.Assets = append(rec.Assets, clip.ID)
	cover, err := Picture(2, 720, 1280)
	if err != nil {
		return err
	}
	c, err := s.c.Media.Store(ctx, media.Upload{Filename: "sample-video-cover.jpg", ContentType: "image/jpeg",
		Alt: Mark + "夕阳下的层层远山" + altNote, CreatedBy: actor.ID, Body: bytes.NewReader(cover)})
	if err != nil {
		return fmt.Errorf("store the sample video's cover: %w", err)
	}
	rec.Assets = append(rec.Assets, c.ID)
	v, err := s.c.Videos.Create(ctx, actor, videos.Input{Title: Mark + "金秋登高，银龄同行",
		Caption:  "重阳前夕，退休教职工们沿湖畔步道健步登高。这是一段示例短视频，管理员可以在后台一键删除所有示例内容。",
		Hashtags: []string{"重阳", "健步走"}, Video: clip.ID, Cover: c.ID}, SlugPrefix+"autumn-walk")
	if err != nil {
		return err
	}
	rec.Items = append(rec.Items, Item{videos.Kind, v.ID})
	return publish(ctx, s.c.Videos.Workflow, actor, v.ID)
}

const aboutPage = `> 这是一个示例页面，展示“关于我们”一类的常设页面；管理员可以在后台一键删除所有示例内容。

## 我们是谁

离退休工作处负责学校离退休教职工的服务与管理工作，联系着一千多位离退休老同志。我们的心愿是让每一位老同志老有所学、老有所乐、老有所为。

## 我们做什么

- 走访慰问：定期看望高龄、独居和生病住院的老同志；
- 文化活动：组织讲座、书画、合唱、健步走等活动；
- 日常服务：帮助办理待遇、医疗和各类证明等事务。

## 联系我们

办公地点：行政楼一层（示例地址）
办公时间：工作日 8:30—11:30，14:30—17:30
`

// makeLectures creates a series and its three sessions, a week apart,
// from a week on, at 14:30 Beijing time.
func (s *Service) makeLectures(ctx context.Context, actor content.Actor, rec *Record) error {
	venue := lectures.Venue{Campus: "主校区", Building: "老年活动中心", Room: "二楼报告厅", Address: "校园北路 1 号（示例地址）"}
	sr, err := s.c.Lectures.CreateSeries(ctx, actor, lectures.SeriesInput{Name: Mark + "银龄健康大讲堂",
		Description: "请校医院和医学院的专家，为老同志讲一讲冬春季节的养生与保健。本系列为示例内容。", Venue: venue}, SlugPrefix+"health-talks")
	if err != nil {
		return err
	}
	rec.Series = append(rec.Series, sr.ID)
	beijing := time.FixedZone("CST", 8*60*60)
	day := s.c.Now().In(beijing)
	sessions := []struct {
		slug, title, summary string
		speaker              lectures.Speaker
	}{
		{"sleep", "老年人的睡眠与健康", "睡不好怎么办？从作息、饮食和运动谈起。",
			lectures.Speaker{Name: "李医生（示例）", Title: "校医院主任医师", Bio: "从事老年医学工作三十年。"}},
		{"heart", "冬季心脑血管疾病的预防", "天冷了，血压、心脏要格外当心。",
			lectures.Speaker{Name: "王教授（示例）", Title: "医学院教授", Bio: "心血管内科专家。"}},
		{"diet", "吃得对，身体好", "适合老年人的家常膳食搭配。",
			lectures.Speaker{Name: "陈老师（示例）", Title: "营养师", Bio: "长期为社区老人开展营养讲座。"}},
	}
	for i, se := range sessions {
		d := day.AddDate(0, 0, 7*(i+1))
		start := time.Date(d.Year(), d.Month(), d.Day(), 14, 30, 0, 0, beijing).UTC()
		end := start.Add(90 * time.Minute)
		l, err := s.c.Lectures.Create(ctx, actor, lectures.Input{Title: Mark + se.title, Summary: se.summary, Series: sr.Slug,
			Speakers: []lectures.Speaker{se.speaker}, Venue: venue, StartsAt: &start, EndsAt: &end, Capacity: 80,
			Registration: lectures.RegistrationRules{Mode: lectures.RegistrationInternal, Waitlist: 10},
			Body:         "> 这是一场示例讲座，用来展示讲座的页面和报名；管理员可以在后台一键删除所有示例内容。\n\n" + se.summary + "\n\n讲座后留有答疑时间，欢迎带着问题来。"},
			SlugPrefix+se.slug)
		if err != nil {
			return err
		}
		rec.Items = append(rec.Items, Item{lectures.Kind, l.ID})
		if err := publish(ctx, s.c.Lectures.Workflow, actor, l.ID); err != nil {
			return err
		}
	}
	return nil
}
