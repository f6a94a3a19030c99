package douyin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

// Channel is the channel's name in jobs and video entries.
const Channel = "douyin"

// Media is where the channel reads the video and cover from.
type Media = syndication.MediaSource

// Accounts keeps the authorised account and the OAuth states used
// (syndication.Store has them).
type Accounts interface {
	GetAccount(ctx context.Context, channel string) (syndication.Account, error)
	PutAccount(ctx context.Context, a syndication.Account, expect int64) error
	UseOnce(ctx context.Context, key string, until time.Time) (bool, error)
}

// Config is what the channel is built from.
type Config struct {
	// Platform is the Open Platform the channel talks to
	// (internal/douyinapi; its stand-in in tests).
	Platform Platform
	Accounts Accounts
	// SecretKey is the site's secret key (at least MinSecretKey bytes):
	// the account's tokens are sealed at rest under a key derived from it.
	SecretKey []byte
	Media     Media
	// ChunkAbove is the size above which a video goes up in parts
	// (DefaultChunkAbove when zero; never more than 128 MB); PartSize the
	// size of each (DefaultPartSize when zero, 5-100 MB).
	ChunkAbove, PartSize int64
	// ReviewPoll is how long to wait between looks at a post under
	// review (a minute when zero).
	ReviewPoll time.Duration
	Clock      func() time.Time
}

// Douyin is the channel.
type Douyin struct {
	cfg Config
	// accounts is cfg.Accounts with the tokens sealed at rest.
	accounts sealedAccounts
}

// New makes the channel; it checks the part sizes.
func New(cfg Config) (*Douyin, error) {
	if cfg.ChunkAbove == 0 {
		cfg.ChunkAbove = DefaultChunkAbove
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = DefaultPartSize
	}
	if cfg.ChunkAbove > 128<<20 || cfg.PartSize < MinPartSize || cfg.PartSize > MaxPartSize {
		return nil, fmt.Errorf("douyin: parts of %d bytes above %d: parts are 5-100 MB, and a video above 128 MB must go in parts", cfg.PartSize, cfg.ChunkAbove)
	}
	if cfg.ReviewPoll == 0 {
		cfg.ReviewPoll = time.Minute
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	s, err := newSealer(cfg.SecretKey)
	if err != nil {
		return nil, err
	}
	if cfg.Platform == nil {
		return nil, errors.New("douyin: no Platform to talk to")
	}
	return &Douyin{cfg: cfg, accounts: sealedAccounts{cfg.Accounts, s}}, nil
}

// Steps a Douyin job records.
const (
	StepUploadID = "upload_id" // a part upload under way (valid two hours)
	StepParts    = "parts"     // how many parts are up
	StepVideoID  = "video_id"  // the uploaded video
	StepCoverID  = "cover_id"  // the uploaded cover image
	// StepCreating is written before create_video, whose outcome may be
	// unknown (a time-out): a retry then looks for the post before
	// creating it again. Retry from waiting_person forgets it.
	StepCreating = syndication.PendingPrefix + "create"
	StepItemID   = "item_id" // the post
)

// Deliver implements syndication.Channel.
func (d *Douyin) Deliver(ctx context.Context, run *syndication.Run) (syndication.Outcome, error) {
	j := run.Job()
	if j.Action == syndication.ActionTakeDown {
		if item, ok := j.StepValue(StepItemID); ok {
			return syndication.Outcome{State: syndication.WaitingPerson,
				Note: "抖音开放平台没有删除接口：请在抖音 App 中删除这条作品（item " + item + "），然后标记为已完成。"}, nil
		}
		g, _ := syndication.GuideFor(Channel)
		return syndication.Outcome{State: syndication.WaitingPerson, Note: g.TakeDownNote}, nil
	}
	out, err := d.post(ctx, run, j)
	var api *APIError
	if errors.As(err, &api) && byHand[api.Code] != "" {
		return d.byHand(ctx, run, api.Code)
	}
	return out, err
}

// byHand turns a post the platform will not take from the app (the
// capability not granted, withdrawn, or its API gone) into one a person
// makes with the publishing package, as on 视频号.
func (d *Douyin) byHand(ctx context.Context, run *syndication.Run, code int64) (syndication.Outcome, error) {
	if err := run.Record(ctx, syndication.StepByHand, strconv.FormatInt(code, 10)); err != nil {
		return syndication.Outcome{}, err
	}
	g, _ := syndication.GuideFor(Channel)
	return syndication.Outcome{State: syndication.WaitingPerson,
		Note: fmt.Sprintf("抖音开放平台答复“%s”（%d），不能自动发布。", byHand[code], code) + g.PostNote}, nil
}

// post uploads, creates and looks at the post, resuming after the steps
// recorded.
func (d *Douyin) post(ctx context.Context, run *syndication.Run, j syndication.Job) (syndication.Outcome, error) {
	var post syndication.Post
	if err := json.Unmarshal(j.Payload, &post); err != nil {
		return syndication.Outcome{}, syndication.Final(fmt.Errorf("the job's post cannot be read: %w", err))
	}
	acct, err := d.account(ctx)
	if err != nil {
		return syndication.Outcome{}, err
	}
	videoID, ok := j.StepValue(StepVideoID)
	if !ok {
		if videoID, err = d.upload(ctx, run, acct, post); err != nil {
			return syndication.Outcome{}, d.classify(ctx, acct, err)
		}
	}
	coverID, ok := j.StepValue(StepCoverID)
	if !ok && post.Cover != "" {
		if coverID, err = d.uploadCover(ctx, run, acct, post.Cover); err != nil {
			return syndication.Outcome{}, d.classify(ctx, acct, err)
		}
	}
	itemID, ok := j.StepValue(StepItemID)
	if !ok {
		text := post.Text()
		if started := j.StepAt(StepCreating); !started.IsZero() {
			found, err := d.findPost(ctx, acct, text, started)
			var api *APIError
			switch {
			case errors.As(err, &api) && listGone[api.Code]:
				return syndication.Outcome{State: syndication.WaitingPerson,
					Note: "发布请求没有得到答复，无法确认抖音是否已发布。请在抖音 App 中查看：已发布则填写作品链接并标记为已完成，未发布则点“重试”。"}, nil
			case err != nil:
				return syndication.Outcome{}, d.classify(ctx, acct, err)
			case found != nil:
				itemID = found.ItemID
			}
		}
		if itemID == "" {
			if err := run.Record(ctx, StepCreating, ""); err != nil {
				return syndication.Outcome{}, err
			}
			p := VideoPost{VideoID: videoID, Text: text, CoverImage: coverID}
			if coverID == "" && post.CoverAtMS > 0 {
				p.CoverTsp = float64(post.CoverAtMS) / 1000
			}
			if itemID, err = d.cfg.Platform.CreateVideo(ctx, acct, p); err != nil {
				return syndication.Outcome{}, d.classify(ctx, acct, err)
			}
		}
		if err := run.Record(ctx, StepItemID, itemID); err != nil {
			return syndication.Outcome{}, err
		}
	}
	return d.review(ctx, acct, itemID)
}

// review looks at the post once: done when review ended in public, a
// final error when refused, later while under review.
func (d *Douyin) review(ctx context.Context, acct syndication.Account, itemID string) (syndication.Outcome, error) {
	list, err := d.cfg.Platform.VideoData(ctx, acct, []string{itemID})
	if err != nil {
		return syndication.Outcome{}, d.classify(ctx, acct, err)
	}
	for _, it := range list {
		if it.ItemID != itemID {
			continue
		}
		switch {
		case !it.IsReviewed || it.VideoStatus == StatusInReview:
			return syndication.Outcome{State: syndication.Queued, Later: d.cfg.Clock().Add(d.cfg.ReviewPoll), PostURL: it.ShareURL}, nil
		case it.VideoStatus == StatusNotPublic:
			return syndication.Outcome{}, syndication.Final(fmt.Errorf("the review on Douyin did not make the post public (video_status %d)", it.VideoStatus))
		}
		return syndication.Outcome{State: syndication.Done, PostURL: it.ShareURL}, nil
	}
	return syndication.Outcome{State: syndication.Queued, Later: d.cfg.Clock().Add(d.cfg.ReviewPoll)}, nil
}

// findPost looks through the account's posts for one with this text made
// after the create began (the outcome of a create that timed out).
func (d *Douyin) findPost(ctx context.Context, acct syndication.Account, text string, since time.Time) (*Item, error) {
	cursor := int64(0)
	for range 10 { // the newest 100 posts
		page, err := d.cfg.Platform.VideoList(ctx, acct, cursor, 10)
		if err != nil {
			return nil, err
		}
		for _, it := range page.List {
			if it.Title == text && int64(it.CreateTime) >= since.Add(-time.Minute).Unix() {
				return &it, nil
			}
		}
		if !page.HasMore {
			return nil, nil
		}
		cursor = page.Cursor
	}
	return nil, nil
}

// classify turns an error into the outbox's terms: an expired token is
// refreshed and retried, a lost authorisation is final, a busy platform
// or a network failure is retried, any other answer is final.
func (d *Douyin) classify(ctx context.Context, acct syndication.Account, err error) error {
	var api *APIError
	switch {
	case errors.Is(err, syndication.ErrLost), ctx.Err() != nil:
		return err
	case errors.As(err, &api) && api.TokenExpired():
		if _, rerr := d.refresh(ctx, acct, true); rerr != nil {
			return rerr
		}
		return err // retried with the new token
	case errors.As(err, &api) && reauthorise[api.Code]:
		return syndication.Final(fmt.Errorf("the Douyin account must be authorised again: %w", err))
	case errors.As(err, &api) && !api.Retryable():
		return syndication.Final(err)
	}
	return err
}

// upload sends the video, whole or in parts, and records its id.
func (d *Douyin) upload(ctx context.Context, run *syndication.Run, acct syndication.Account, post syndication.Post) (string, error) {
	a, err := d.cfg.Media.Get(ctx, post.Video)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return "", syndication.Final(fmt.Errorf("the video %s is no longer in the media library", post.Video))
		}
		return "", err
	}
	var videoID string
	if a.Size <= d.cfg.ChunkAbove {
		err = d.sendFile(ctx, a, 0, a.Size, func(body io.Reader) (err error) {
			videoID, err = d.cfg.Platform.UploadVideo(ctx, acct, videoName(a), body)
			return err
		})
	} else {
		videoID, err = d.uploadParts(ctx, run, acct, a)
	}
	if err != nil {
		return "", err
	}
	if videoID == "" {
		return "", errors.New("douyin: the upload answered no video_id")
	}
	if err := run.Record(ctx, StepVideoID, videoID); err != nil {
		return "", err
	}
	return videoID, run.Forget(ctx, StepUploadID, StepParts)
}

// uploadParts sends the video in parts, resuming after those sent, and
// returns its id.
func (d *Douyin) uploadParts(ctx context.Context, run *syndication.Run, acct syndication.Account, a media.Asset) (string, error) {
	j := run.Job()
	uploadID, ok := j.StepValue(StepUploadID)
	if ok && d.cfg.Clock().Sub(j.StepAt(StepUploadID)) > 110*time.Minute { // valid two hours
		uploadID, ok = "", false
		if err := run.Forget(ctx, StepUploadID, StepParts); err != nil {
			return "", err
		}
	}
	if !ok {
		var err error
		if uploadID, err = d.cfg.Platform.StartParts(ctx, acct); err != nil {
			return "", err
		}
		if err := run.Record(ctx, StepUploadID, uploadID); err != nil {
			return "", err
		}
	}
	cur := run.Job()
	parts, _ := cur.StepValue(StepParts)
	partsDone, _ := strconv.Atoi(parts)
	total := int((a.Size + d.cfg.PartSize - 1) / d.cfg.PartSize)
	for n := partsDone + 1; n <= total; n++ {
		off := int64(n-1) * d.cfg.PartSize
		err := d.sendFile(ctx, a, off, min(d.cfg.PartSize, a.Size-off), func(body io.Reader) error {
			return d.cfg.Platform.UploadPart(ctx, acct, uploadID, n, videoName(a), body)
		})
		if err != nil {
			var api *APIError
			if errors.As(err, &api) && !api.TokenExpired() && !reauthorise[api.Code] && byHand[api.Code] == "" {
				// A refused part is sent again on the next attempt: parts
				// are kept by number, so resending one replaces it.
				return "", fmt.Errorf("douyin: part %d of %d refused: %w", n, total, partRefused{err})
			}
			return "", err
		}
		if err := run.Record(ctx, StepParts, strconv.Itoa(n)); err != nil {
			return "", err
		}
	}
	return d.cfg.Platform.CompleteParts(ctx, acct, uploadID)
}

// uploadCover sends the cover image (upload_image, field image) and
// records its id.
func (d *Douyin) uploadCover(ctx context.Context, run *syndication.Run, acct syndication.Account, id string) (string, error) {
	a, err := d.cfg.Media.Get(ctx, id)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return "", syndication.Final(fmt.Errorf("the cover %s is no longer in the media library", id))
		}
		return "", err
	}
	var imageID string
	err = d.sendFile(ctx, a, 0, a.Size, func(body io.Reader) (err error) {
		imageID, err = d.cfg.Platform.UploadImage(ctx, acct, "cover"+path.Ext(a.Filename), body)
		return err
	})
	if err != nil {
		return "", err
	}
	if imageID == "" {
		return "", errors.New("douyin: the cover upload answered no image_id")
	}
	return imageID, run.Record(ctx, StepCoverID, imageID)
}

// videoName is the file name a video goes up as.
func videoName(a media.Asset) string {
	if a.ContentType == "video/webm" {
		return "video.webm"
	}
	return "video.mp4"
}

// sendFile opens bytes [off, off+n) of the asset in the object store and
// hands them to send, which streams them to the platform.
func (d *Douyin) sendFile(ctx context.Context, a media.Asset, off, n int64, send func(io.Reader) error) error {
	src, err := d.cfg.Media.Open(ctx, a, off, n)
	if err != nil {
		return fmt.Errorf("douyin: read the video from the object store: %w", err)
	}
	defer src.Close()
	return send(io.LimitReader(src, n))
}

// partRefused hides a part's API error from classify, so that it is
// retried rather than final.
type partRefused struct{ err error }

func (p partRefused) Error() string { return p.err.Error() }
