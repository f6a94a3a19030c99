// Package douyin is the Douyin (抖音) channel: the Open Platform's
// server-side publishing flow for an authorised account. A video is
// uploaded whole (upload_video) up to ChunkAbove, in parts above it
// (init_video_part_upload, upload_video_part, complete_video_part_upload),
// streamed from the object store and never held whole in memory; then
// create_video posts it with the caption and #话题 hashtags and the cover
// frame; then video_data is polled until review ends. Each finished step
// is recorded on the job, so a retry resumes after it.
//
// The protocol as implemented (paths, fields, error codes) was gathered
// from the Open Platform's documentation pages and public SDKs; the
// package's stand-in (douyintest) follows it for tests and local runs.
package douyin

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// The Open Platform's paths.
const (
	PathAccessToken   = "/oauth/access_token/"
	PathRefreshToken  = "/oauth/refresh_token/"
	PathRenewRefresh  = "/oauth/renew_refresh_token/"
	PathUpload        = "/api/douyin/v1/video/upload_video/"
	PathUploadImage   = "/api/douyin/v1/video/upload_image/"
	PathPartInit      = "/api/douyin/v1/video/init_video_part_upload/"
	PathPartUpload    = "/api/douyin/v1/video/upload_video_part/"
	PathPartComplete  = "/api/douyin/v1/video/complete_video_part_upload/"
	PathCreate        = "/api/douyin/v1/video/create_video/"
	PathVideoData     = "/api/douyin/v1/video/video_data/"
	PathVideoList     = "/api/douyin/v1/video/video_list/"
	DefaultBaseURL    = "https://open.douyin.com"
	DefaultPartSize   = 20 << 20  // recommended part size
	DefaultChunkAbove = 50 << 20  // parts recommended above; required above 128 MB
	MinPartSize       = 5 << 20   // the smallest part but the last
	MaxPartSize       = 100 << 20 // the largest part we send
)

// Flex is a number the platform writes as a number or as a string.
type Flex int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *Flex) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("douyin: %q is not a number", b)
	}
	*f = Flex(n)
	return nil
}

// Status is the error part of every answer, in data and in extra.
type Status struct {
	ErrorCode   Flex   `json:"error_code"`
	Description string `json:"description"`
}

// Extra is an answer's envelope details.
type Extra struct {
	Status
	SubErrorCode   Flex   `json:"sub_error_code"`
	SubDescription string `json:"sub_description"`
	LogID          string `json:"logid"`
	LogIDOld       string `json:"log_id"`
}

// Envelope is every answer: {"data": {...}, "extra": {...}}.
type Envelope[T any] struct {
	Data  T     `json:"data"`
	Extra Extra `json:"extra"`
}

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
)

// Retryable reports whether an API error may succeed if tried again.
func (e *APIError) Retryable() bool { return retryable[e.Code] }

// TokenExpired reports whether the access token must be refreshed.
func (e *APIError) TokenExpired() bool { return tokenExpired[e.Code] }

// check turns the first non-zero code of an answer into an APIError.
func check(data Status, extra Extra) error {
	for _, c := range []struct {
		code Flex
		desc string
	}{{data.ErrorCode, data.Description}, {extra.ErrorCode, extra.Description}, {extra.SubErrorCode, extra.SubDescription}} {
		if c.code != 0 {
			id := extra.LogID
			if id == "" {
				id = extra.LogIDOld
			}
			return &APIError{Code: int64(c.code), Description: strings.TrimSpace(c.desc), LogID: id}
		}
	}
	return nil
}

// Token is an OAuth answer's data.
type Token struct {
	Status
	AccessToken      string `json:"access_token"`
	ExpiresIn        Flex   `json:"expires_in"`
	OpenID           string `json:"open_id"`
	RefreshToken     string `json:"refresh_token"`
	RefreshExpiresIn Flex   `json:"refresh_expires_in"`
	Scope            string `json:"scope"`
}

// VideoRef is an uploaded video.
type VideoRef struct {
	VideoID string `json:"video_id"`
	Width   Flex   `json:"width"`
	Height  Flex   `json:"height"`
}

// UploadData is upload_video's and complete_video_part_upload's data.
type UploadData struct {
	Status
	Video VideoRef `json:"video"`
}

// PartInitData is init_video_part_upload's data.
type PartInitData struct {
	Status
	UploadID string `json:"upload_id"`
}

// CreateRequest is create_video's body (the fields we use).
type CreateRequest struct {
	VideoID  string  `json:"video_id"`
	Text     string  `json:"text"`
	CoverTsp float64 `json:"cover_tsp,omitempty"`
	// CustomCover is, despite the platform's name for it, the image_id of
	// a cover uploaded with upload_image.
	CustomCover string `json:"custom_cover_image_url,omitempty"`
}

// ImageData is upload_image's data.
type ImageData struct {
	Status
	Image struct {
		ImageID string `json:"image_id"`
		Width   Flex   `json:"width"`
		Height  Flex   `json:"height"`
	} `json:"image"`
}

// CreateData is create_video's data.
type CreateData struct {
	Status
	ItemID string `json:"item_id"`
}

// Item is a post as video_data and video_list describe it.
type Item struct {
	ItemID      string `json:"item_id"`
	Title       string `json:"title"`
	CreateTime  Flex   `json:"create_time"`
	ShareURL    string `json:"share_url"`
	IsReviewed  bool   `json:"is_reviewed"`
	VideoStatus Flex   `json:"video_status"`
}

// ItemsData is video_data's and video_list's data.
type ItemsData struct {
	Status
	List    []Item `json:"list"`
	Cursor  Flex   `json:"cursor"`
	HasMore bool   `json:"has_more"`
}

// Video statuses of an item (video_status).
const (
	StatusPublished = 1 // 已发布
	StatusNotPublic = 2 // 不适宜公开
	StatusInReview  = 4 // 审核中
	StatusPublic    = 5 // 公开视频
)
