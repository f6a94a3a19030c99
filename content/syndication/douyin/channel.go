package douyin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/redact"
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
	BaseURL      string // DefaultBaseURL when empty
	ClientKey    string
	ClientSecret string
	Accounts     Accounts
	// SecretKey is the site's secret key (at least MinSecretKey bytes):
	// the account's tokens are sealed at rest under a key derived from it.
	SecretKey []byte
	Media     Media
	Client    *http.Client // nil: a 10-minute time-out per call
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
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.ChunkAbove == 0 {
		cfg.ChunkAbove = DefaultChunkAbove
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = DefaultPartSize
	}
	if cfg.ChunkAbove > 128<<20 || cfg.PartSize < MinPartSize || cfg.PartSize > MaxPartSize {
		return nil, fmt.Errorf("douyin: parts of %d bytes above %d: parts are 5-100 MB, and a video above 128 MB must go in parts", cfg.PartSize, cfg.ChunkAbove)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Minute}
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
		item, _ := j.StepValue(StepItemID)
		return syndication.Outcome{State: syndication.WaitingPerson,
			Note: "抖音开放平台没有删除接口：请在抖音 App 中删除这条作品（item " + item + "），然后标记为已完成。"}, nil
	}
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
			req := CreateRequest{VideoID: videoID, Text: text, CustomCover: coverID}
			if coverID == "" && post.CoverAtMS > 0 {
				req.CoverTsp = float64(post.CoverAtMS) / 1000
			}
			var out Envelope[CreateData]
			if err := d.call(ctx, acct, http.MethodPost, PathCreate, nil, jsonBody(req), "application/json", &out); err != nil {
				return syndication.Outcome{}, d.classify(ctx, acct, err)
			}
			if err := check(out.Data.Status, out.Extra); err != nil {
				return syndication.Outcome{}, d.classify(ctx, acct, err)
			}
			itemID = out.Data.ItemID
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
	var out Envelope[ItemsData]
	if err := d.call(ctx, acct, http.MethodPost, PathVideoData, nil, jsonBody(map[string][]string{"item_ids": {itemID}}), "application/json", &out); err != nil {
		return syndication.Outcome{}, d.classify(ctx, acct, err)
	}
	if err := check(out.Data.Status, out.Extra); err != nil {
		return syndication.Outcome{}, d.classify(ctx, acct, err)
	}
	for _, it := range out.Data.List {
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
		var out Envelope[ItemsData]
		q := url.Values{"cursor": {strconv.FormatInt(cursor, 10)}, "count": {"10"}}
		if err := d.call(ctx, acct, http.MethodGet, PathVideoList, q, nil, "", &out); err != nil {
			return nil, err
		}
		if err := check(out.Data.Status, out.Extra); err != nil {
			return nil, err
		}
		for _, it := range out.Data.List {
			if it.Title == text && int64(it.CreateTime) >= since.Add(-time.Minute).Unix() {
				return &it, nil
			}
		}
		if !out.Data.HasMore {
			return nil, nil
		}
		cursor = int64(out.Data.Cursor)
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
	var up Envelope[UploadData]
	if a.Size <= d.cfg.ChunkAbove {
		if err := d.sendPart(ctx, acct, PathUpload, nil, a, 0, a.Size, &up); err != nil {
			return "", err
		}
	} else if err := d.uploadParts(ctx, run, acct, a, &up); err != nil {
		return "", err
	}
	if err := check(up.Data.Status, up.Extra); err != nil {
		return "", err
	}
	if up.Data.Video.VideoID == "" {
		return "", errors.New("douyin: the upload answered no video_id")
	}
	if err := run.Record(ctx, StepVideoID, up.Data.Video.VideoID); err != nil {
		return "", err
	}
	return up.Data.Video.VideoID, run.Forget(ctx, StepUploadID, StepParts)
}

func (d *Douyin) uploadParts(ctx context.Context, run *syndication.Run, acct syndication.Account, a media.Asset, done *Envelope[UploadData]) error {
	j := run.Job()
	uploadID, ok := j.StepValue(StepUploadID)
	if ok && d.cfg.Clock().Sub(j.StepAt(StepUploadID)) > 110*time.Minute { // valid two hours
		uploadID, ok = "", false
		if err := run.Forget(ctx, StepUploadID, StepParts); err != nil {
			return err
		}
	}
	if !ok {
		var init Envelope[PartInitData]
		if err := d.call(ctx, acct, http.MethodPost, PathPartInit, nil, jsonBody(struct{}{}), "application/json", &init); err != nil {
			return err
		}
		if err := check(init.Data.Status, init.Extra); err != nil {
			return err
		}
		uploadID = init.Data.UploadID
		if err := run.Record(ctx, StepUploadID, uploadID); err != nil {
			return err
		}
	}
	cur := run.Job()
	parts, _ := cur.StepValue(StepParts)
	partsDone, _ := strconv.Atoi(parts)
	total := int((a.Size + d.cfg.PartSize - 1) / d.cfg.PartSize)
	for n := partsDone + 1; n <= total; n++ {
		off := int64(n-1) * d.cfg.PartSize
		q := url.Values{"upload_id": {uploadID}, "part_number": {strconv.Itoa(n)}}
		var out Envelope[Status]
		if err := d.sendPart(ctx, acct, PathPartUpload, q, a, off, min(d.cfg.PartSize, a.Size-off), &out); err != nil {
			return err
		}
		if err := check(out.Data, out.Extra); err != nil {
			var api *APIError
			if errors.As(err, &api) && !api.TokenExpired() && !reauthorise[api.Code] {
				// A refused part is sent again on the next attempt: parts
				// are kept by number, so resending one replaces it.
				return fmt.Errorf("douyin: part %d of %d refused: %w", n, total, partRefused{err})
			}
			return err
		}
		if err := run.Record(ctx, StepParts, strconv.Itoa(n)); err != nil {
			return err
		}
	}
	return d.call(ctx, acct, http.MethodPost, PathPartComplete, url.Values{"upload_id": {uploadID}}, jsonBody(struct{}{}), "application/json", done)
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
	var out Envelope[ImageData]
	if err := d.sendFile(ctx, acct, PathUploadImage, nil, "image", "cover"+path.Ext(a.Filename), a, 0, a.Size, &out); err != nil {
		return "", err
	}
	if err := check(out.Data.Status, out.Extra); err != nil {
		return "", err
	}
	if out.Data.Image.ImageID == "" {
		return "", errors.New("douyin: the cover upload answered no image_id")
	}
	return out.Data.Image.ImageID, run.Record(ctx, StepCoverID, out.Data.Image.ImageID)
}

// sendPart streams bytes [off, off+n) of the video as the multipart
// field "video".
func (d *Douyin) sendPart(ctx context.Context, acct syndication.Account, path string, q url.Values, a media.Asset, off, n int64, out any) error {
	name := "video.mp4"
	if a.ContentType == "video/webm" {
		name = "video.webm"
	}
	return d.sendFile(ctx, acct, path, q, "video", name, a, off, n, out)
}

// sendFile streams bytes [off, off+n) of the asset as the multipart
// field, straight from the object store.
func (d *Douyin) sendFile(ctx context.Context, acct syndication.Account, path string, q url.Values, field, name string, a media.Asset, off, n int64, out any) error {
	src, err := d.cfg.Media.Open(ctx, a, off, n)
	if err != nil {
		return fmt.Errorf("douyin: read the video from the object store: %w", err)
	}
	defer src.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile(field, name)
		if err == nil {
			_, err = io.Copy(part, io.LimitReader(src, n))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	return d.call(ctx, acct, http.MethodPost, path, q, pr, mw.FormDataContentType(), out)
}

// partRefused hides a part's API error from classify, so that it is
// retried rather than final.
type partRefused struct{ err error }

func (p partRefused) Error() string { return p.err.Error() }

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// call makes one API call with the account's token (header access-token,
// open_id in the query) and decodes the envelope into out.
func (d *Douyin) call(ctx context.Context, acct syndication.Account, method, path string, q url.Values, body io.Reader, ctype string, out any) error {
	if q == nil {
		q = url.Values{}
	}
	q.Set("open_id", acct.OpenID)
	req, err := http.NewRequestWithContext(ctx, method, d.cfg.BaseURL+path+"?"+q.Encode(), body)
	if err != nil {
		return fmt.Errorf("douyin: %w", err)
	}
	req.Header.Set("access-token", acct.AccessToken)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return d.do(req, out)
}

func (d *Douyin) do(req *http.Request, out any) error {
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("douyin: %s: %w", req.URL.Path, redact.Error(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("douyin: %s: read the answer: %w", req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("douyin: %s answered %s", req.URL.Path, resp.Status)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("douyin: %s: the answer is not the documented JSON: %w", req.URL.Path, err)
	}
	return nil
}
