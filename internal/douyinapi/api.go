// Package douyinapi is the Douyin (抖音) Open Platform over HTTP, as the
// douyin channel (content/syndication/douyin) asks for it in its
// Platform: form-encoded OAuth; the access-token header and open_id
// query; a video sent whole (upload_video) or in parts
// (init_video_part_upload, upload_video_part,
// complete_video_part_upload) as the multipart field "video", streamed;
// a cover as the field "image" (upload_image); create_video; video_data
// and video_list; every answer in the data/extra envelope, whose error
// codes become a *douyin.APIError.
//
// The protocol as implemented (paths, fields, error codes) was gathered
// from the Open Platform's documentation pages and public SDKs; the
// stand-in beside it (douyintest) follows it for tests and local runs.
package douyinapi

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/yinling-cms/yinling/content/syndication/douyin"
)

// The Open Platform's paths.
const (
	PathAccessToken  = "/oauth/access_token/"
	PathRefreshToken = "/oauth/refresh_token/"
	PathRenewRefresh = "/oauth/renew_refresh_token/"
	PathUpload       = "/api/douyin/v1/video/upload_video/"
	PathUploadImage  = "/api/douyin/v1/video/upload_image/"
	PathPartInit     = "/api/douyin/v1/video/init_video_part_upload/"
	PathPartUpload   = "/api/douyin/v1/video/upload_video_part/"
	PathPartComplete = "/api/douyin/v1/video/complete_video_part_upload/"
	PathCreate       = "/api/douyin/v1/video/create_video/"
	PathVideoData    = "/api/douyin/v1/video/video_data/"
	PathVideoList    = "/api/douyin/v1/video/video_list/"
	DefaultBaseURL   = "https://open.douyin.com"
)

// Scopes the channel asks a person to grant: those of the calls it makes.
const Scopes = "video.create.bind,video.data.bind,video.list.bind"

// flex is a number the platform writes as a number or as a string.
type flex int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flex) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("douyin: %q is not a number", b)
	}
	*f = flex(n)
	return nil
}

// status is the error part of every answer, in data and in extra.
type status struct {
	ErrorCode   flex   `json:"error_code"`
	Description string `json:"description"`
}

// extra is an answer's envelope details.
type extra struct {
	status
	SubErrorCode   flex   `json:"sub_error_code"`
	SubDescription string `json:"sub_description"`
	LogID          string `json:"logid"`
	LogIDOld       string `json:"log_id"`
}

// envelope is every answer: {"data": {...}, "extra": {...}}.
type envelope[T any] struct {
	Data  T     `json:"data"`
	Extra extra `json:"extra"`
}

// check turns the first non-zero code of an answer into an APIError.
func check(data status, extra extra) error {
	for _, c := range []struct {
		code flex
		desc string
	}{{data.ErrorCode, data.Description}, {extra.ErrorCode, extra.Description}, {extra.SubErrorCode, extra.SubDescription}} {
		if c.code != 0 {
			id := extra.LogID
			if id == "" {
				id = extra.LogIDOld
			}
			return &douyin.APIError{Code: int64(c.code), Description: strings.TrimSpace(c.desc), LogID: id}
		}
	}
	return nil
}

// token is an OAuth answer's data.
type token struct {
	status
	AccessToken      string `json:"access_token"`
	ExpiresIn        flex   `json:"expires_in"`
	OpenID           string `json:"open_id"`
	RefreshToken     string `json:"refresh_token"`
	RefreshExpiresIn flex   `json:"refresh_expires_in"`
	Scope            string `json:"scope"`
}

// videoRef is an uploaded video.
type videoRef struct {
	VideoID string `json:"video_id"`
	Width   flex   `json:"width"`
	Height  flex   `json:"height"`
}

// uploadData is upload_video's and complete_video_part_upload's data.
type uploadData struct {
	status
	Video videoRef `json:"video"`
}

// partInitData is init_video_part_upload's data.
type partInitData struct {
	status
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

// imageData is upload_image's data.
type imageData struct {
	status
	Image struct {
		ImageID string `json:"image_id"`
		Width   flex   `json:"width"`
		Height  flex   `json:"height"`
	} `json:"image"`
}

// createData is create_video's data.
type createData struct {
	status
	ItemID string `json:"item_id"`
}

// item is a post as video_data and video_list describe it.
type item struct {
	ItemID      string `json:"item_id"`
	Title       string `json:"title"`
	CreateTime  flex   `json:"create_time"`
	ShareURL    string `json:"share_url"`
	IsReviewed  bool   `json:"is_reviewed"`
	VideoStatus flex   `json:"video_status"`
}

// itemsData is video_data's and video_list's data.
type itemsData struct {
	status
	List    []item `json:"list"`
	Cursor  flex   `json:"cursor"`
	HasMore bool   `json:"has_more"`
}

// items is the answer's posts in the channel's terms.
func (d itemsData) items() []douyin.Item {
	var out []douyin.Item
	for _, it := range d.List {
		out = append(out, douyin.Item{ItemID: it.ItemID, Title: it.Title, CreateTime: int64(it.CreateTime), ShareURL: it.ShareURL,
			IsReviewed: it.IsReviewed, VideoStatus: int64(it.VideoStatus)})
	}
	return out
}
