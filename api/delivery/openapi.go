package delivery

import (
	"net/http"
	"reflect"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/media/qr"
)

// OpenAPI describes the routes Routes binds: the content API, the
// calendars and the media bytes (see api/openapi), with the routes of
// kinds, the KindRoutes the surface is given.
func OpenAPI(kinds ...KindRoutes) []openapi.Op {
	const v1 = "/api/content/v1"
	cached := "Published content only, from the read cache: `ETag` and `Cache-Control`; `If-None-Match` answers 304."
	list := listParams
	ok := func(t any) []openapi.Answer {
		return []openapi.Answer{{Status: http.StatusOK, Type: reflect.TypeOf(t)}, {Status: http.StatusNotModified, Description: "the client's copy (If-None-Match) is current"}}
	}
	var get getOp = func(path, tag, summary string, t any, q ...openapi.Param) openapi.Op {
		return openapi.Op{Method: "GET", Path: v1 + path, Tag: tag, Summary: summary, Description: cached, Query: q, Answers: ok(t)}
	}
	ops := []openapi.Op{
		get("/stories", "content: stories", "List published stories, newest first", httpx.List[publicStory]{},
			append(list(openapi.Param{Name: "column", Description: "a column's key"}, openapi.Param{Name: "tag"}),
				openapi.Param{Name: "featured", Type: "boolean", Description: "true: the stories pinned to the home page now, in order (no other parameter then)"})...),
		get("/stories/{slug}", "content: stories", "Read a published story", publicStory{}),
		get("/columns", "content: stories", "List the columns", httpx.List[publicColumn]{}),
		get("/lectures", "content: lectures", "List published lectures with places left", httpx.List[publicLecture]{},
			list(openapi.Param{Name: "series", Description: "a series' slug"}, openapi.Param{Name: "from", Description: "sessions starting at or after (RFC 3339 or a date)"},
				openapi.Param{Name: "to", Description: "sessions starting before (RFC 3339 or a date)"}, openapi.Param{Name: "upcoming", Type: "boolean"}, openapi.Param{Name: "past", Type: "boolean"})...),
		get("/lectures/{slug}", "content: lectures", "Read a published lecture, with places left and its schema.org Event (json_ld)", publicLecture{}),
		get("/videos", "content: videos", "List published videos", httpx.List[publicVideo]{}, list(openapi.Param{Name: "tag"})...),
		get("/videos/{slug}", "content: videos", "Read a published video", publicVideo{}),
		get("/menu", "content: site", "The site's menu and the office's phone number", publicMenu{}),
		get("/series", "content: lectures", "List the lecture series", httpx.List[publicSeries]{}),
		get("/series/{slug}", "content: lectures", "Read a lecture series", publicSeries{}),
		{Method: "GET", Path: v1 + "/search", Tag: "content: search", Summary: "Search published content",
			Description: "404 when search is not set up on this server; 503 while the index opens.",
			Query:       searchParams(), Answers: []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[search.PublicResults]()}}},
		{Method: "POST", Path: v1 + "/lectures/{slug}/registrations", Tag: "content: registrations", Summary: "Register for a lecture (no account)",
			Description: "201 with the reader's code; the same phone twice is 409, as is a closed or full session; too many from one address is 429. `website` is a trap for robots: leave it empty.",
			Body:        &openapi.Body{Type: openapi.JSON[registrationIn]()},
			Answers:     []openapi.Answer{{Status: http.StatusCreated, Type: openapi.JSON[registrationOut]()}},
			Problems:    []int{409, 413, 415, 429}},
		{Method: "GET", Path: v1 + "/registrations/{code}", Tag: "content: registrations", Summary: "Read one's registration by its code",
			Description: "Never cached; too many wrong codes from one address is 429.",
			Answers:     []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[registrationOut]()}}, Problems: []int{429}},
		{Method: "DELETE", Path: v1 + "/registrations/{code}", Tag: "content: registrations", Summary: "Cancel one's registration (promotes the next on the waiting list)",
			Answers: []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[registrationOut]()}}, Problems: []int{409, 429}},
		{Method: "GET", Path: "/lectures.ics", Tag: "calendars", Summary: "Every published session as iCalendar (RFC 5545)",
			Description: "Query parameters are ignored (links are shared with parameters added); `ETag`, `Last-Modified`, 304.", Answers: calendar()},
		{Method: "GET", Path: "/lectures/series/{series}.ics", Tag: "calendars", Summary: "A series' published sessions as iCalendar", Answers: calendar()},
		{Method: "GET", Path: "/lectures/{slug}.ics", Tag: "calendars", Summary: "One published session as iCalendar", Answers: calendar()},
		{Method: "GET", Path: "/media/{id}", Tag: "media", Summary: "An asset's bytes",
			Description: "With its sniffed type, `Range` (206, 416), `ETag`, a year's cache; `?w=` gives an image rendition at an allowlisted width.",
			Query:       []openapi.Param{{Name: "w", Type: "integer", Description: "an image rendition's width", Enum: []string{"320", "640", "960", "1280"}}},
			Answers:     mediaBytes(), Problems: []int{416}},
		{Method: "GET", Path: "/media/{id}/{name}", Tag: "media", Summary: "An asset's bytes, under a file name",
			Query:   []openapi.Param{{Name: "w", Type: "integer", Description: "an image rendition's width", Enum: []string{"320", "640", "960", "1280"}}},
			Answers: mediaBytes(), Problems: []int{416}},
	}
	for _, kind := range []string{"stories", "lectures", "videos"} {
		for _, format := range []string{"png", "svg"} {
			ops = append(ops, openapi.Op{Method: "GET", Path: v1 + "/" + kind + "/{slug}/qr." + format, Tag: "content: QR codes",
				Summary: "The QR code of a published item's page (" + format + ")", Description: cached,
				Answers: []openapi.Answer{{Status: http.StatusOK, Media: qr.Formats[format]}, {Status: http.StatusNotModified}}})
		}
	}
	for _, k := range kinds {
		if k.ops != nil {
			ops = append(ops, k.ops(get)...)
		}
	}
	for i := range ops {
		ops[i].Path = openapi.FiberPath(ops[i].Path)
	}
	return ops
}

func calendar() []openapi.Answer {
	return []openapi.Answer{{Status: http.StatusOK, Media: "text/calendar; charset=utf-8"}, {Status: http.StatusNotModified}}
}

func mediaBytes() []openapi.Answer {
	return []openapi.Answer{{Status: http.StatusOK, Media: "*/*", Description: "the bytes, with the asset's own (sniffed) content type"},
		{Status: http.StatusPartialContent, Media: "*/*", Description: "the range asked for"},
		{Status: http.StatusNotModified}}
}

// searchParams are the search query's parameters (content/search).
func searchParams() []openapi.Param {
	out := make([]openapi.Param, 0, len(search.QueryParams))
	for _, p := range search.QueryParams {
		q := openapi.Param{Name: p}
		if p == "q" {
			q.Description = "the words to find"
		}
		out = append(out, q)
	}
	return out
}

// listParams are a list's parameters: extra ones, the limit and the cursor.
func listParams(extra ...openapi.Param) []openapi.Param {
	return append(extra, openapi.Param{Name: "limit"}, openapi.Param{Name: "cursor"})
}
