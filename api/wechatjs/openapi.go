package wechatjs

import (
	"net/http"

	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/content/syndication/wechatoa"
)

// OpenAPI describes the route Routes binds (see api/openapi).
func OpenAPI() []openapi.Op {
	return []openapi.Op{{Method: "GET", Path: Path, Tag: "content: site", Summary: "Sign a page of the site for WeChat's JS-SDK (share cards)",
		Description: "Never cached; too many from one address is 429.", Condition: "a 公众号 is configured (YINLING_WECHAT_OA_APP_ID)",
		Query:   []openapi.Param{{Name: "url", Required: true, Description: "the page's URL, on this site"}},
		Answers: []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[wechatoa.JSConfig]()}}, Problems: []int{429}}}
}
