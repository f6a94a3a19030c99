// Package wechatoa is the 公众号 (WeChat Official Account) channel of
// stories: a published revision of a story becomes a draft in the
// office's account (draft/add), its body turned into the HTML the 公众号
// editor keeps, its photos uploaded (media/uploadimg) and its cover kept
// as permanent material (material/add_material); by configuration the
// draft is then published (freepublish/submit, its result polled with
// freepublish/get) and, when a person confirms it, sent to every
// follower (message/mass/sendall). Each finished step is recorded on
// the job, so a retry after a crash or an error resumes after it and
// never makes a second draft.
//
// The package declares what it needs of the platform (Platform: one
// method per call); internal/wechatapi implements it over HTTP, and its
// stand-in internal/wechatapi/wechattest follows the platform's
// protocol for tests and local runs. The access token and the JS-SDK
// ticket are kept in the database (syndication.Store's channel
// accounts), one for every instance, as WeChat allows one at a time.
package wechatoa

import (
	"context"
	"fmt"
)

// Channel is the channel's name in jobs and stories.
const Channel = "wechat_oa"

// Token is an access token (cgi-bin/stable_token) or a JS-SDK ticket
// (cgi-bin/ticket/getticket) and its lifetime in seconds.
type Token struct {
	Value     string
	ExpiresIn int64
}

// Article is one article of a draft (draft/add's articles[]).
type Article struct {
	Title            string `json:"title"`
	Author           string `json:"author,omitempty"`
	Digest           string `json:"digest,omitempty"`
	Content          string `json:"content"`
	ContentSourceURL string `json:"content_source_url,omitempty"`
	ThumbMediaID     string `json:"thumb_media_id"`
}

// Draft is a draft as draft/batchget lists it.
type Draft struct {
	MediaID    string
	UpdateTime int64 // Unix seconds
	Articles   []Article
}

// Publishing is a publication's state as freepublish/get tells it.
type Publishing struct {
	// Status: 0 published, 1 publishing, 2 原创声明失败, 3 常规失败,
	// 4 平台审核不通过, 5 成功后用户删除, 6 成功后系统封禁.
	Status    int
	ArticleID string
	URLs      []string // the articles' permanent links, when published
	FailIdx   []int
}

// Publishing states.
const (
	PublishDone       = 0
	PublishRunning    = 1
	PublishOriginal   = 2
	PublishFailed     = 3
	PublishRefused    = 4
	PublishDeleted    = 5
	PublishBanned     = 6
	MaxImageBytes     = 1 << 20 // media/uploadimg: JPEG or PNG under 1 MB
	MaxTitleRunes     = 32
	MaxAuthorRunes    = 16
	MaxDigestRunes    = 128
	MaxContentRunes   = 20_000
	MaxContentBytes   = 1 << 20
	DraftListPageSize = 20 // draft/batchget's largest page
)

// Platform is the 公众号 API as the channel uses it: one method per
// call, each but StableToken with the access token. An answer carrying
// a non-zero errcode is an *APIError; any other error is the network's
// or a malformed answer's.
type Platform interface {
	// AppID is the account's AppID (the JS-SDK configuration names it).
	AppID() string
	// StableToken gets the access token (cgi-bin/stable_token); force
	// asks for a new one even when the current one is good
	// (force_refresh, for a token the platform has said is invalid).
	StableToken(ctx context.Context, force bool) (Token, error)
	// UploadImage sends a body image (media/uploadimg, JPEG or PNG
	// under 1 MB) and returns its URL for the article's content.
	UploadImage(ctx context.Context, token, name string, data []byte) (string, error)
	// AddImageMaterial keeps an image as permanent material
	// (material/add_material, type=image) and returns its media_id.
	AddImageMaterial(ctx context.Context, token, name string, data []byte) (string, error)
	// AddDraft makes a draft of the articles (draft/add) and returns its
	// media_id.
	AddDraft(ctx context.Context, token string, articles []Article) (string, error)
	// Drafts lists drafts, newest first (draft/batchget, without
	// content), and how many there are.
	Drafts(ctx context.Context, token string, offset, count int) ([]Draft, int, error)
	// Publish submits a draft for publication (freepublish/submit) and
	// returns the publish_id.
	Publish(ctx context.Context, token, mediaID string) (string, error)
	// Publication looks at a publication (freepublish/get).
	Publication(ctx context.Context, token, publishID string) (Publishing, error)
	// SendAll sends the published article to every follower
	// (message/mass/sendall, mpnews, is_to_all) with clientmsgid, which
	// makes a second send of the same id a no-op; it returns msg_id.
	SendAll(ctx context.Context, token, mediaID, clientMsgID string) (string, error)
	// Ticket gets the JS-SDK ticket (cgi-bin/ticket/getticket, type=jsapi).
	Ticket(ctx context.Context, token string) (Token, error)
}

// APIError is an answer with a non-zero errcode.
type APIError struct {
	Op   string // the call: draft/add, ...
	Code int64
	Msg  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wechat %s: errcode %d: %s", e.Op, e.Code, e.Msg)
}

// StatusError is an answer with an HTTP status other than 200.
type StatusError struct {
	Op     string
	Status int
}

func (e *StatusError) Error() string { return fmt.Sprintf("wechat %s: HTTP %d", e.Op, e.Status) }
