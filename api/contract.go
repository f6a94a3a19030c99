package api

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/api/delivery"
	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/api/ops"
	"github.com/yinling-cms/yinling/api/wechatjs"
)

// ContractVersion is the contract's version in the document's info: the
// API paths' version.
const ContractVersion = "1"

// Document is the OpenAPI 3.1 document of the HTTP contract: every route
// of the content API, the calendars and media bytes, the admin API and
// the operations routes, from the surfaces' own tables (their OpenAPI
// functions, with each kind's own routes). exposure is YINLING_OPENAPI
// ("admin": the document's own route needs staff).
func Document(exposure string, kinds []KindRoutes) ([]byte, error) {
	split := splitKindRoutes(kinds)
	self := openapi.Self(openapi.Anyone)
	if exposure == "admin" {
		self = openapi.Self(openapi.Staff)
	}
	var own []openapi.Op
	if exposure != "off" {
		own = []openapi.Op{self}
	}
	return openapi.Build(openapi.Info{Title: "Yinling (银龄) HTTP API", Version: ContractVersion,
		Description: "The content API (published items, read-only, cacheable), the admin API (every write), " +
			"calendars, media bytes and the operations routes of one Yinling server. Errors are application/problem+json (RFC 9457); " +
			"lists take ?limit= (1-100, default 20) and an opaque ?cursor= and answer {\"items\": [...], \"next_cursor\": \"...\"} " +
			"(next_cursor empty on the last page); unknown query parameters are refused with 400; writes carry the version they were " +
			"based on (\"version\" in the body or If-Match) and a stale one is 409 with current_version."},
		own, ops.OpenAPI(), delivery.OpenAPI(split.delivery...), wechatjs.OpenAPI(), admin.OpenAPI(split.admin...))
}

// contract is the document's route as YINLING_OPENAPI says (nil: off).
func contract(exposure string, mgmt *admin.Surface, kinds []KindRoutes) []fiber.Handler {
	if exposure == "off" {
		return nil
	}
	doc, err := Document(exposure, kinds)
	if err != nil {
		panic(fmt.Sprintf("api: the OpenAPI document: %v", err)) // a defect of a route table, caught by its tests
	}
	if exposure == "admin" {
		return []fiber.Handler{httpx.NoStore(), mgmt.SignedIn(), openapi.Serve(doc)}
	}
	return []fiber.Handler{openapi.Serve(doc)}
}
