package syndication

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// The channels a person may post to by hand.
const (
	// ChannelWeChat is the 视频号 channel's name.
	ChannelWeChat = "wechat_channels"
	// ChannelDouyin is the Douyin channel's name (content/syndication/douyin).
	ChannelDouyin = "douyin"
)

// StepByHand is recorded on a post job a person posts by hand with its
// publishing package; its value says why (ByHandNoAPI: the channel has
// no publishing API here; or the platform's error code that withdrew it).
const StepByHand = "by_hand"

// ByHandNoAPI is StepByHand's value for a channel with no publishing API
// on this server.
const ByHandNoAPI = "no_api"

// MediaSource is where packages read media from (media.Library has it).
type MediaSource interface {
	Get(ctx context.Context, id string) (media.Asset, error)
	Open(ctx context.Context, a media.Asset, offset, length int64) (io.ReadCloser, error)
}

// Guide is what a person is told to post on a channel by hand.
type Guide struct {
	// Platform is the platform's name as staff say it.
	Platform string
	// PostNote is a post job's note while it waits for the person;
	// TakeDownNote a take-down's.
	PostNote, TakeDownNote string
	// Checklist is the package's checklist.txt: the cover frame's second,
	// the title and the page's address fill its three %s.
	Checklist string
	// URLRequired: marking a post done needs the post's address (视频号
	// gives it in 视频号助手; the Douyin app only through its share sheet,
	// so there it is asked for but optional).
	URLRequired bool
}

// guides are the channels a person may post to by hand.
var guides = map[string]Guide{
	ChannelWeChat: {Platform: "视频号", URLRequired: true, Checklist: wechatChecklist,
		PostNote:     "请下载发布包，在视频号助手（channels.weixin.qq.com）发布，然后填写视频链接并标记为已发布。",
		TakeDownNote: "视频号没有删除接口：请在视频号助手中删除这条视频，然后标记为已完成。"},
	ChannelDouyin: {Platform: "抖音", Checklist: douyinChecklist,
		PostNote:     "请下载发布包，用办公室的抖音账号在抖音 App（或抖音创作者中心 creator.douyin.com）发布，然后标记为已发布（可以附上作品链接）。",
		TakeDownNote: "请在抖音 App 中删除这条作品，然后标记为已完成。"},
}

// GuideFor returns the guide of a channel a person may post to by hand.
func GuideFor(channel string) (Guide, bool) {
	g, ok := guides[channel]
	return g, ok
}

// ByHand reports whether j is a post a person makes by hand with a
// publishing package: every 视频号 post, and a Douyin post whose job
// recorded StepByHand (no app on this server, or the platform withdrew
// the capability).
func ByHand(j Job) bool {
	if j.Action != ActionPost {
		return false
	}
	if _, ok := guides[j.Channel]; !ok {
		return false
	}
	_, recorded := j.StepValue(StepByHand)
	return recorded || j.Channel == ChannelWeChat // 视频号 jobs of older versions recorded nothing
}

// Manual is a channel a person posts to by hand: 视频号, which has no
// publishing API (and the unofficial ones put the account at risk), and
// Douyin on a server without the office's Open Platform app. A post job
// records StepByHand and waits for the person: they download the
// publishing package, post it, and mark the job done. A take-down waits
// for them to delete the post.
type Manual struct {
	// Channel is the channel's name; it must have a guide.
	Channel string
}

// Deliver implements Channel.
func (m *Manual) Deliver(ctx context.Context, run *Run) (Outcome, error) {
	g, ok := guides[m.Channel]
	if !ok {
		return Outcome{}, Final(fmt.Errorf("no guide to post on %q by hand", m.Channel))
	}
	if run.Job().Action == ActionTakeDown {
		return Outcome{State: WaitingPerson, Note: g.TakeDownNote}, nil
	}
	if err := run.Record(ctx, StepByHand, ByHandNoAPI); err != nil {
		return Outcome{}, err
	}
	return Outcome{State: WaitingPerson, Note: g.PostNote}, nil
}

// Packages makes the publishing packages of the posts made by hand.
type Packages struct {
	Media MediaSource
}

// wechatChecklist is a 视频号 package's checklist.txt.
const wechatChecklist = `视频号发布清单
================

1. 用办公室的视频号账号登录视频号助手：https://channels.weixin.qq.com
2. 点“发表视频”，上传本发布包里的视频文件。
3. 封面：如有 cover 图片，请选用它；否则从视频中选取第 %s 秒的画面。
4. 描述：复制 caption.txt 的全部文字（含 #话题）粘贴到描述里。
5. 如有 subtitles.vtt（字幕），请核对视频中的文字是否清楚。
6. 发表后，复制这条视频的链接。
7. 回到银龄后台，在这条视频的“视频号”一栏填写链接，点“标记为已发布”。

标题：%s
网页：%s
`

// douyinChecklist is a Douyin package's checklist.txt.
const douyinChecklist = `抖音发布清单
============

1. 把本发布包里的视频文件存到手机上，用办公室的抖音账号登录抖音 App
   （也可以在电脑上登录抖音创作者中心：https://creator.douyin.com）。
2. 点“+”，从相册里选这个视频。
3. 封面：如有 cover 图片，请选用它；否则选视频第 %s 秒的画面。
4. 作品描述：复制 caption.txt 的全部文字（含 #话题）粘贴进去，抖音会把 #话题 认作话题。
5. 如有 subtitles.vtt（字幕），请核对视频中的文字是否清楚。
6. 发布后，可以在作品的“分享”里点“复制链接”。
7. 回到银龄后台，在这条视频的“抖音”一栏点“标记为已发布”（链接可填可不填）。

标题：%s
网页：%s
`

// Package is the publishing package of a post made by hand, its media
// found.
type Package struct {
	src    MediaSource
	guide  Guide
	post   Post
	assets []media.Asset
	names  []string
}

// Prepare finds what the package of a post made by hand (ByHand) holds,
// so that nothing is missing once the first byte is written. Any other
// job has none: fault.NotFound.
func (k *Packages) Prepare(ctx context.Context, j Job) (*Package, error) {
	if !ByHand(j) {
		return nil, fault.New(fault.NotFound, "only a post made by hand has a publishing package")
	}
	p := &Package{src: k.Media, guide: guides[j.Channel]}
	if err := json.Unmarshal(j.Payload, &p.post); err != nil {
		return nil, fmt.Errorf("syndication: the job's post cannot be read: %w", err)
	}
	for _, f := range []struct{ name, id string }{{"video", p.post.Video}, {"cover", p.post.Cover}, {"subtitles", p.post.Subtitles}} {
		if f.id == "" {
			continue
		}
		a, err := k.Media.Get(ctx, f.id)
		if err != nil {
			return nil, fmt.Errorf("syndication: the %s of the package: %w", f.name, err)
		}
		p.assets, p.names = append(p.assets, a), append(p.names, f.name+strings.ToLower(path.Ext(a.Filename)))
	}
	return p, nil
}

// Size is the bytes of media the package holds.
func (p *Package) Size() int64 {
	var n int64
	for _, a := range p.assets {
		n += a.Size
	}
	return n
}

// Write writes the package as a zip: the video, the cover image and
// subtitles when there are, caption.txt (the caption with its #话题) and
// checklist.txt. Media are streamed from the object store, stored
// uncompressed.
func (p *Package) Write(ctx context.Context, out io.Writer) error {
	zw := zip.NewWriter(out)
	now := time.Now()
	for i, a := range p.assets {
		dst, err := zw.CreateHeader(&zip.FileHeader{Name: p.names[i], Method: zip.Store, Modified: now})
		if err != nil {
			return fmt.Errorf("syndication: package: %w", err)
		}
		src, err := p.src.Open(ctx, a, 0, -1)
		if err != nil {
			return fmt.Errorf("syndication: package: read %s: %w", p.names[i], err)
		}
		_, err = io.Copy(dst, src)
		_ = src.Close()
		if err != nil {
			return fmt.Errorf("syndication: package: copy %s: %w", p.names[i], err)
		}
	}
	seconds := fmt.Sprintf("%.1f", float64(p.post.CoverAtMS)/1000)
	for _, f := range []struct{ name, text string }{
		{"caption.txt", p.post.Text() + "\n"},
		{"checklist.txt", fmt.Sprintf(p.guide.Checklist, seconds, p.post.Title, p.post.URL)},
	} {
		dst, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return fmt.Errorf("syndication: package: %w", err)
		}
		if _, err := io.WriteString(dst, f.text); err != nil {
			return fmt.Errorf("syndication: package: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("syndication: package: %w", err)
	}
	return nil
}
