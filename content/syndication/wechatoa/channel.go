package wechatoa

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content/syndication"
)

// Mode is how far the channel takes a story.
type Mode string

// The modes.
const (
	// ModeDraft leaves the article in the account's drafts (草稿箱) for
	// a person to publish in the 公众平台.
	ModeDraft Mode = "draft"
	// ModePublish publishes the draft (发表) and records its link.
	ModePublish Mode = "publish"
	// ModeMass publishes it and, once a person confirms, sends it to
	// every follower (群发).
	ModeMass Mode = "mass"
)

// Accounts keeps the access token, the JS-SDK ticket and what was
// uploaded (syndication.Store has it).
type Accounts interface {
	GetAccount(ctx context.Context, channel string) (syndication.Account, error)
	PutAccount(ctx context.Context, a syndication.Account, expect int64) error
}

// Config is what the channel is built from.
type Config struct {
	Platform Platform
	Accounts Accounts
	Images   Images
	Mode     Mode // ModeDraft when empty
	// PublishPoll is the wait between looks at a publication under way
	// (a minute when zero).
	PublishPoll time.Duration
	Clock       func() time.Time
}

// OA is the channel.
type OA struct {
	cfg    Config
	tokens *tokens
}

// New makes the channel.
func New(cfg Config) (*OA, error) {
	if cfg.Platform == nil || cfg.Accounts == nil || cfg.Images == nil {
		return nil, errors.New("wechatoa: a Platform, Accounts and Images are required")
	}
	switch cfg.Mode {
	case "":
		cfg.Mode = ModeDraft
	case ModeDraft, ModePublish, ModeMass:
	default:
		return nil, fmt.Errorf("wechatoa: no mode %q (draft, publish, mass)", cfg.Mode)
	}
	if cfg.PublishPoll <= 0 {
		cfg.PublishPoll = time.Minute
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &OA{cfg: cfg, tokens: &tokens{platform: cfg.Platform, accounts: cfg.Accounts, clock: cfg.Clock}}, nil
}

// Mode is the channel's mode.
func (o *OA) Mode() Mode { return o.cfg.Mode }

// Post is what a job delivers: a story's revision as it was published.
type Post struct {
	Title    string `json:"title"`
	Author   string `json:"author,omitempty"`
	Digest   string `json:"digest,omitempty"`
	BodyHTML string `json:"body_html"`
	Cover    string `json:"cover,omitempty"` // media id
	URL      string `json:"url"`             // the story's page on the site
	BaseURL  string `json:"base_url"`
}

// Steps a job records.
const (
	StepImages = "images"         // how many body images are up
	StepThumb  = "thumb_media_id" // the cover, as permanent material
	// StepDrafting is written before draft/add, whose outcome may be
	// unknown (a time-out): a retry then looks for the draft before
	// making it again.
	StepDrafting   = syndication.PendingPrefix + "draft"
	StepDraft      = "draft_media_id"
	StepPublishing = syndication.PendingPrefix + "publish"
	StepPublishID  = "publish_id"
	StepArticleURL = "article_url"
	StepMassMsgID  = "mass_msg_id"
)

// AwaitsConfirm reports whether the job waits for a person to confirm
// its 群发.
func AwaitsConfirm(j syndication.Job) bool {
	_, asked := j.StepValue(syndication.StepAskConfirm)
	_, confirmed := j.StepValue(syndication.StepConfirmed)
	return j.Channel == Channel && j.State == syndication.WaitingPerson && asked && !confirmed
}

// imageSlotLength is what a body image's URL is counted as before it is
// uploaded (an mmbiz.qpic.cn address is about 120 characters).
const imageSlotLength = 160

// Check checks a post against the 公众号's limits before any call: each
// refusal names the limit. It returns the body as converted.
func Check(p Post) (Body, error) {
	body, err := Convert(p.BodyHTML, p.BaseURL)
	if err != nil {
		return Body{}, syndication.Final(err)
	}
	var why []string
	if n := utf8.RuneCountInString(p.Title); n == 0 || n > MaxTitleRunes {
		why = append(why, fmt.Sprintf("标题 %d 个字，公众号标题最多 %d 个字", n, MaxTitleRunes))
	}
	if n := utf8.RuneCountInString(p.Author); n > MaxAuthorRunes {
		why = append(why, fmt.Sprintf("作者 %d 个字，公众号作者最多 %d 个字", n, MaxAuthorRunes))
	}
	if n := utf8.RuneCountInString(p.Digest); n > MaxDigestRunes {
		why = append(why, fmt.Sprintf("摘要 %d 个字，公众号摘要最多 %d 个字", n, MaxDigestRunes))
	}
	if p.Cover == "" {
		why = append(why, "公众号图文必须有封面图，这篇报道没有封面")
	}
	why = append(why, contentLimits(body.HTML(placeholders(body.Images)))...)
	if len(why) > 0 {
		return body, syndication.Final(errors.New("不能推送到公众号：" + strings.Join(why, "；") + "。请修改后重新发布。"))
	}
	return body, nil
}

func placeholders(ids []string) map[string]string {
	m := map[string]string{}
	for _, id := range ids {
		m[id] = strings.Repeat("x", imageSlotLength)
	}
	return m
}

func contentLimits(content string) []string {
	var why []string
	if n := utf8.RuneCountInString(content); n >= MaxContentRunes {
		why = append(why, fmt.Sprintf("正文排版后 %d 个字符，公众号正文须少于 %d 个字符", n, MaxContentRunes))
	}
	if n := len(content); n >= MaxContentBytes {
		why = append(why, fmt.Sprintf("正文排版后 %d 字节，公众号正文须小于 1 MB", n))
	}
	return why
}

// Deliver implements syndication.Channel.
func (o *OA) Deliver(ctx context.Context, run *syndication.Run) (syndication.Outcome, error) {
	out, err := o.deliver(ctx, run)
	var w *waiting
	if errors.As(err, &w) {
		return syndication.Outcome{State: syndication.WaitingPerson, Note: w.note}, nil
	}
	var q *quota
	if errors.As(err, &q) {
		return syndication.Outcome{State: syndication.Queued, Later: nextMidnight(o.cfg.Clock()), Note: q.Error()}, nil
	}
	if err != nil && !syndication.IsFinal(err) && !errors.Is(err, syndication.ErrLost) && ctx.Err() == nil {
		// Staff read the last error: what happens next, in Chinese, then
		// the platform's or the network's words.
		err = fmt.Errorf("公众平台这次没有完成请求（网络中断、超时或平台繁忙），稍后自动重试。详情：%w", err)
	}
	return out, err
}

func (o *OA) deliver(ctx context.Context, run *syndication.Run) (syndication.Outcome, error) {
	j := run.Job()
	if j.Action != syndication.ActionPost {
		return syndication.Outcome{}, syndication.Final(fmt.Errorf("the 公众号 channel does not %s", j.Action))
	}
	var p Post
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return syndication.Outcome{}, syndication.Final(fmt.Errorf("the job's post cannot be read: %w", err))
	}
	body, err := Check(p)
	if err != nil {
		return syndication.Outcome{}, err
	}
	c := &call{oa: o}
	draftID, ok := j.StepValue(StepDraft)
	if !ok {
		urls := map[string]string{}
		for _, id := range body.Images {
			if urls[id], err = o.bodyImage(ctx, c, id); err != nil {
				return syndication.Outcome{}, err
			}
		}
		if _, done := j.StepValue(StepImages); !done {
			if err := run.Record(ctx, StepImages, fmt.Sprint(len(body.Images))); err != nil {
				return syndication.Outcome{}, err
			}
		}
		thumb, ok := j.StepValue(StepThumb)
		if !ok {
			if thumb, err = o.cover(ctx, c, p.Cover); err != nil {
				return syndication.Outcome{}, err
			}
			if err := run.Record(ctx, StepThumb, thumb); err != nil {
				return syndication.Outcome{}, err
			}
		}
		content := body.HTML(urls)
		if why := contentLimits(content); len(why) > 0 {
			return syndication.Outcome{}, syndication.Final(errors.New("不能推送到公众号：" + strings.Join(why, "；") + "。请修改后重新发布。"))
		}
		article := Article{Title: p.Title, Author: p.Author, Digest: p.Digest, Content: content, ContentSourceURL: p.URL, ThumbMediaID: thumb}
		if draftID, err = o.draft(ctx, c, run, article); err != nil {
			return syndication.Outcome{}, err
		}
	}
	if o.cfg.Mode == ModeDraft {
		return syndication.Outcome{State: syndication.Done, Note: "已存入公众号草稿箱：请到公众平台「草稿箱」查看并发表。"}, nil
	}
	articleURL, ok := j.StepValue(StepArticleURL)
	if !ok {
		out, err := o.publish(ctx, c, run, draftID)
		if err != nil || out.State != syndication.Done {
			return out, err
		}
		articleURL = out.PostURL
	}
	if o.cfg.Mode == ModePublish {
		return syndication.Outcome{State: syndication.Done, PostURL: articleURL, Note: "已在公众号发表。"}, nil
	}
	return o.mass(ctx, c, run, draftID, articleURL)
}

// bodyImage uploads a body image once: its URL is kept by the hash of
// the bytes sent, so a second push of the story, or another story with
// the photo, uploads nothing.
func (o *OA) bodyImage(ctx context.Context, c *call, id string) (string, error) {
	data, ct, err := o.cfg.Images.Image(ctx, id, ImageWidth)
	if err != nil {
		return "", fmt.Errorf("read the image %s: %w", id, err)
	}
	if data, ct, err = fit(data, ct); err != nil {
		return "", syndication.Final(fmt.Errorf("正文图片 %s 无法转成 1 MB 以内的 JPEG：%w", id, err))
	}
	sum := sha256.Sum256(data)
	key := Channel + "/img/" + hex.EncodeToString(sum[:])
	if u, ok, err := o.kept(ctx, key); err != nil || ok {
		return u, err
	}
	var u string
	err = c.do(ctx, func(tok string) (err error) {
		u, err = o.cfg.Platform.UploadImage(ctx, tok, id+extOf(ct), data)
		return err
	})
	if err != nil {
		return "", err
	}
	return u, o.keep(ctx, key, u)
}

// cover keeps the cover as permanent material once per asset.
func (o *OA) cover(ctx context.Context, c *call, id string) (string, error) {
	key := Channel + "/cover/" + id
	if m, ok, err := o.kept(ctx, key); err != nil || ok {
		return m, err
	}
	data, ct, err := o.cfg.Images.Image(ctx, id, ImageWidth)
	if err != nil {
		return "", fmt.Errorf("read the cover %s: %w", id, err)
	}
	if data, ct, err = fit(data, ct); err != nil {
		return "", syndication.Final(fmt.Errorf("封面图无法转成 1 MB 以内的 JPEG：%w", err))
	}
	var m string
	err = c.do(ctx, func(tok string) (err error) {
		m, err = o.cfg.Platform.AddImageMaterial(ctx, tok, id+extOf(ct), data)
		return err
	})
	if err != nil {
		return "", err
	}
	return m, o.keep(ctx, key, m)
}

// draft makes the draft, or finds the one an unanswered draft/add made.
func (o *OA) draft(ctx context.Context, c *call, run *syndication.Run, a Article) (string, error) {
	j := run.Job()
	if started := j.StepAt(StepDrafting); !started.IsZero() {
		found, err := o.findDraft(ctx, c, a, started)
		if err != nil {
			return "", err
		}
		if found != "" {
			return found, run.Record(ctx, StepDraft, found)
		}
	}
	if err := run.Record(ctx, StepDrafting, ""); err != nil {
		return "", err
	}
	var id string
	err := c.do(ctx, func(tok string) (err error) {
		id, err = o.cfg.Platform.AddDraft(ctx, tok, []Article{a})
		return err
	})
	if err != nil {
		return "", err
	}
	return id, run.Record(ctx, StepDraft, id)
}

// findDraft looks through the newest drafts for one of this article
// (its title and source address) saved since started.
func (o *OA) findDraft(ctx context.Context, c *call, a Article, started time.Time) (string, error) {
	for offset := 0; offset < 3*DraftListPageSize; offset += DraftListPageSize {
		var list []Draft
		var total int
		err := c.do(ctx, func(tok string) (err error) {
			list, total, err = o.cfg.Platform.Drafts(ctx, tok, offset, DraftListPageSize)
			return err
		})
		if err != nil {
			return "", err
		}
		for _, d := range list {
			if d.UpdateTime < started.Add(-5*time.Minute).Unix() {
				continue
			}
			for _, art := range d.Articles {
				if art.Title == a.Title && art.ContentSourceURL == a.ContentSourceURL {
					return d.MediaID, nil
				}
			}
		}
		if offset+len(list) >= total || len(list) == 0 {
			break
		}
	}
	return "", nil
}

// publish submits the draft once and looks at the publication.
func (o *OA) publish(ctx context.Context, c *call, run *syndication.Run, draftID string) (syndication.Outcome, error) {
	j := run.Job()
	pubID, ok := j.StepValue(StepPublishID)
	if !ok {
		if _, pending := j.StepValue(StepPublishing); pending {
			return syndication.Outcome{State: syndication.WaitingPerson,
				Note: "发表请求没有得到答复，无法确认公众号是否已发表。请到公众平台「发表记录」查看：已发表则填写文章链接并标记为已完成，未发表则点“重试”。"}, nil
		}
		if err := run.Record(ctx, StepPublishing, ""); err != nil {
			return syndication.Outcome{}, err
		}
		err := c.do(ctx, func(tok string) (err error) {
			pubID, err = o.cfg.Platform.Publish(ctx, tok, draftID)
			return err
		})
		if err != nil {
			var api *APIError
			var status *StatusError
			if !errors.As(err, &api) && !errors.As(err, &status) {
				return syndication.Outcome{}, err // unanswered: the pending step asks a person
			}
			if ferr := run.Forget(ctx, StepPublishing); ferr != nil { // refused: nothing was submitted
				return syndication.Outcome{}, ferr
			}
			return syndication.Outcome{}, err
		}
		if err := run.Record(ctx, StepPublishID, pubID); err != nil {
			return syndication.Outcome{}, err
		}
	}
	var st Publishing
	err := c.do(ctx, func(tok string) (err error) {
		st, err = o.cfg.Platform.Publication(ctx, tok, pubID)
		return err
	})
	if err != nil {
		return syndication.Outcome{}, err
	}
	switch st.Status {
	case PublishRunning:
		return syndication.Outcome{State: syndication.Queued, Later: o.cfg.Clock().Add(o.cfg.PublishPoll)}, nil
	case PublishDone:
		u := ""
		if len(st.URLs) > 0 {
			u = st.URLs[0]
		}
		if err := run.Record(ctx, StepArticleURL, u); err != nil {
			return syndication.Outcome{}, err
		}
		return syndication.Outcome{State: syndication.Done, PostURL: u}, nil
	case PublishOriginal:
		return syndication.Outcome{State: syndication.WaitingPerson,
			Note: "公众号发表失败：原创声明没有通过（publish_status 2）。请到公众平台「草稿箱」取消原创声明或修改后手动发表，然后标记为已完成。"}, nil
	case PublishRefused:
		return syndication.Outcome{State: syndication.WaitingPerson,
			Note: "公众号发表失败：平台审核没有通过（publish_status 4）。请到公众平台查看原因，修改后手动发表，然后标记为已完成。"}, nil
	case PublishFailed:
		if err := run.Forget(ctx, StepPublishing, StepPublishID); err != nil {
			return syndication.Outcome{}, err
		}
		return syndication.Outcome{}, errors.New("公众号发表失败（publish_status 3，常规失败），稍后自动重试")
	}
	return syndication.Outcome{}, syndication.Final(fmt.Errorf("公众号上的文章已被删除或封禁（publish_status %d）", st.Status))
}

// mass sends the published article to every follower once a person
// confirmed it; clientmsgid (the job's id) makes a repeated send a no-op.
func (o *OA) mass(ctx context.Context, c *call, run *syndication.Run, draftID, articleURL string) (syndication.Outcome, error) {
	j := run.Job()
	if _, ok := j.StepValue(syndication.StepConfirmed); !ok {
		if err := run.Record(ctx, syndication.StepAskConfirm, ""); err != nil {
			return syndication.Outcome{}, err
		}
		return syndication.Outcome{State: syndication.WaitingPerson, PostURL: articleURL,
			Note: "已在公众号发表。群发会把文章推送给所有关注者，次数有限（订阅号每天 1 次，服务号每月 4 次）：确认要群发请点“确认群发”，不群发请标记为已完成。"}, nil
	}
	var msgID string
	err := c.do(ctx, func(tok string) (err error) {
		msgID, err = o.cfg.Platform.SendAll(ctx, tok, draftID, j.ID)
		return err
	})
	if err != nil {
		return syndication.Outcome{}, err
	}
	if err := run.Record(ctx, StepMassMsgID, msgID); err != nil {
		return syndication.Outcome{}, err
	}
	return syndication.Outcome{State: syndication.Done, PostURL: articleURL, Note: "已在公众号发表并群发。"}, nil
}

// kept returns a value kept under key (an upload's URL or media id).
func (o *OA) kept(ctx context.Context, key string) (string, bool, error) {
	a, err := o.cfg.Accounts.GetAccount(ctx, key)
	if isNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return a.AccessToken, true, nil
}

// keep keeps value under key; one kept by another runner meanwhile
// stands.
func (o *OA) keep(ctx context.Context, key, value string) error {
	now := o.cfg.Clock().UTC()
	err := o.cfg.Accounts.PutAccount(ctx, syndication.Account{Channel: key, AccessToken: value, AuthorizedAt: now, UpdatedAt: now, Version: 1}, 0)
	if isConflict(err) {
		return nil
	}
	return err
}
