// Package douyin is the Douyin (抖音) channel: the Open Platform's
// server-side publishing flow for an authorised account. A video is
// uploaded whole up to ChunkAbove, in parts above it, streamed from the
// object store and never held whole in memory; then it is posted with
// the caption and #话题 hashtags and the cover frame; then the post is
// looked at until review ends. Each finished step is recorded on the
// job, so a retry resumes after it. The account's tokens are refreshed,
// renewed and sealed at rest here.
//
// The package declares what it needs of the platform (Platform: one
// method per call); internal/douyinapi implements it over HTTP, and its
// stand-in internal/douyinapi/douyintest follows the platform's protocol
// for tests and local runs.
package douyin

import (
	"context"
	"fmt"
	"io"

	"github.com/yinling-cms/yinling/content/syndication"
)

// Platform is the Douyin Open Platform as the channel uses it: one
// method per call, on the account's behalf (its open_id and access
// token) where it takes one. An answer carrying an error code is an
// *APIError; any other error is the network's or a malformed answer's.
type Platform interface {
	// AuthorizeURL is where a person grants the office's account to the
	// app; Douyin sends them back to redirect with ?code= and the state.
	AuthorizeURL(redirect, state string) string
	// AccessToken exchanges a code from the authorisation page for the
	// account's tokens (access_token).
	AccessToken(ctx context.Context, code string) (Token, error)
	// RefreshToken gets a new access token (refresh_token).
	RefreshToken(ctx context.Context, refreshToken string) (Token, error)
	// RenewRefreshToken gets a new refresh token for one about to end
	// (renew_refresh_token; the new one's lifetime is ExpiresIn).
	RenewRefreshToken(ctx context.Context, refreshToken string) (Token, error)
	// UploadVideo sends a whole video as the file name (upload_video) and
	// returns its video_id ("" if the answer held none).
	UploadVideo(ctx context.Context, acct syndication.Account, name string, body io.Reader) (string, error)
	// StartParts begins an upload in parts (init_video_part_upload) and
	// returns its upload_id.
	StartParts(ctx context.Context, acct syndication.Account) (string, error)
	// UploadPart sends part n (from 1) of an upload in parts as the file
	// name (upload_video_part).
	UploadPart(ctx context.Context, acct syndication.Account, uploadID string, n int, name string, body io.Reader) error
	// CompleteParts ends an upload in parts (complete_video_part_upload)
	// and returns the video_id ("" if the answer held none).
	CompleteParts(ctx context.Context, acct syndication.Account, uploadID string) (string, error)
	// UploadImage sends a cover image as the file name (upload_image)
	// and returns its image_id ("" if the answer held none).
	UploadImage(ctx context.Context, acct syndication.Account, name string, body io.Reader) (string, error)
	// CreateVideo posts an uploaded video (create_video) and returns the
	// post's item_id.
	CreateVideo(ctx context.Context, acct syndication.Account, p VideoPost) (string, error)
	// VideoData describes the posts of these item ids (video_data).
	VideoData(ctx context.Context, acct syndication.Account, itemIDs []string) ([]Item, error)
	// VideoList is a page of the account's posts, newest first, from
	// cursor (video_list).
	VideoList(ctx context.Context, acct syndication.Account, cursor int64, count int) (Page, error)
}

// Token is an OAuth answer: the tokens and their lifetimes in seconds.
type Token struct {
	AccessToken      string
	ExpiresIn        int64
	OpenID           string
	RefreshToken     string
	RefreshExpiresIn int64
	Scope            string
}

// VideoPost is what a post is created from.
type VideoPost struct {
	VideoID string
	Text    string
	// CoverTsp is the cover frame's time in seconds, when no cover image
	// was uploaded.
	CoverTsp float64
	// CoverImage is the image_id of a cover uploaded with UploadImage.
	CoverImage string
}

// Item is a post as video_data and video_list describe it.
type Item struct {
	ItemID      string
	Title       string
	CreateTime  int64 // Unix seconds
	ShareURL    string
	IsReviewed  bool
	VideoStatus int64
}

// Page is a page of video_list.
type Page struct {
	List    []Item
	Cursor  int64
	HasMore bool
}

// Video statuses of an item (video_status).
const (
	StatusPublished = 1 // 已发布
	StatusNotPublic = 2 // 不适宜公开
	StatusInReview  = 4 // 审核中
	StatusPublic    = 5 // 公开视频
)

// The sizes of a video's parts.
const (
	DefaultPartSize   = 20 << 20  // recommended part size
	DefaultChunkAbove = 50 << 20  // parts recommended above; required above 128 MB
	MinPartSize       = 5 << 20   // the smallest part but the last
	MaxPartSize       = 100 << 20 // the largest part we send
)

// APIError is an error answer of the platform.
type APIError struct {
	Code        int64
	Description string
	LogID       string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("Douyin error %d", e.Code)
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.LogID != "" {
		s += " (logid " + e.LogID + ")"
	}
	return s
}

// Codes the platform answers, by what the caller does next.
var (
	// retryable: the platform is busy or a network hop failed.
	retryable = map[int64]bool{2100004: true, 28001005: true, 28001006: true, 28003018: true, 28001052: true, 10001: true}
	// tokenExpired: refresh the access token, then retry.
	tokenExpired = map[int64]bool{2190008: true, 10008: true, 28001008: true, 28001003: true, 2190002: true}
	// reauthorise: a person must authorise the account again.
	reauthorise = map[int64]bool{10010: true, 10020: true, 2190015: true, 28001015: true, 2190003: true, 28001012: true}
	// listGone: the listing API is withdrawn for the app.
	listGone = map[int64]bool{28001056: true}
	// byHand: the app may not post (as the status-code page of the Open
	// Platform words them): a person posts the package by hand.
	byHand = map[int64]string{28001018: "应用未获得该能力", 28001019: "当前能力已被封禁或下线", 28001056: "该能力API已下线,不再支持调用"}
)

// Retryable reports whether an API error may succeed if tried again.
func (e *APIError) Retryable() bool { return retryable[e.Code] }

// TokenExpired reports whether the access token must be refreshed.
func (e *APIError) TokenExpired() bool { return tokenExpired[e.Code] }
