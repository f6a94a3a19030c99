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

// ChannelWeChat is the 视频号 channel's name.
const ChannelWeChat = "wechat_channels"

// MediaSource is where packages read media from (media.Library has it).
type MediaSource interface {
	Get(ctx context.Context, id string) (media.Asset, error)
	Open(ctx context.Context, a media.Asset, offset, length int64) (io.ReadCloser, error)
}

// WeChat is the 视频号 channel. 视频号 has no publishing API (and the
// unofficial ones put the account at risk), so a post job waits for a
// person: they download the publishing package, post it in 视频号助手,
// and mark the job done with the post's address.
type WeChat struct {
	Media MediaSource
}

// Deliver implements Channel.
func (w *WeChat) Deliver(ctx context.Context, run *Run) (Outcome, error) {
	if run.Job().Action == ActionTakeDown {
		return Outcome{State: WaitingPerson, Note: "视频号没有删除接口：请在视频号助手中删除这条视频，然后标记为已完成。"}, nil
	}
	return Outcome{State: WaitingPerson, Note: "请下载发布包，在视频号助手（channels.weixin.qq.com）发布，然后填写视频链接并标记为已发布。"}, nil
}

// checklist is the package's checklist.txt.
const checklist = `视频号发布清单
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

// Package is a 视频号 post job's publishing package, its media found.
type Package struct {
	w      *WeChat
	post   Post
	assets []media.Asset
	names  []string
}

// Prepare finds what the package of a 视频号 post job holds, so that
// nothing is missing once the first byte is written.
func (w *WeChat) Prepare(ctx context.Context, j Job) (*Package, error) {
	if j.Channel != ChannelWeChat || j.Action != ActionPost {
		return nil, fault.New(fault.NotFound, "only a 视频号 post job has a publishing package")
	}
	p := &Package{w: w}
	if err := json.Unmarshal(j.Payload, &p.post); err != nil {
		return nil, fmt.Errorf("syndication: the job's post cannot be read: %w", err)
	}
	for _, f := range []struct{ name, id string }{{"video", p.post.Video}, {"cover", p.post.Cover}, {"subtitles", p.post.Subtitles}} {
		if f.id == "" {
			continue
		}
		a, err := w.Media.Get(ctx, f.id)
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
		src, err := p.w.Media.Open(ctx, a, 0, -1)
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
		{"checklist.txt", fmt.Sprintf(checklist, seconds, p.post.Title, p.post.URL)},
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
