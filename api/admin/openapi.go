package admin

import (
	"net/http"
	"reflect"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/openapi"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/sample"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/media"
)

// OpenAPI describes the routes Routes binds (see api/openapi): the admin
// API and the parts of big uploads, with the routes of kinds, the
// KindRoutes the surface is given. Each entry names the types its handler
// decodes and encodes.
func OpenAPI(kinds ...KindRoutes) []openapi.Op {
	const v1 = "/api/admin/v1"
	ok := func(t reflect.Type) []openapi.Answer { return []openapi.Answer{{Status: http.StatusOK, Type: t}} }
	created := func(t reflect.Type) []openapi.Answer { return []openapi.Answer{{Status: http.StatusCreated, Type: t}} }
	none := []openapi.Answer{{Status: http.StatusNoContent}}
	body := func(t reflect.Type) *openapi.Body { return &openapi.Body{Type: t} }
	optional := func(t reflect.Type) *openapi.Body { return &openapi.Body{Type: t, Optional: true} }
	writes := []int{409, 413, 415}
	list := []openapi.Param{{Name: "limit"}, {Name: "cursor"}}
	op := func(method, path, tag, summary string, auth openapi.Auth, perm account.Permission) openapi.Op {
		return openapi.Op{Method: method, Path: v1 + path, Tag: tag, Summary: summary, Auth: auth, Permission: string(perm)}
	}
	staff, person := openapi.Staff, openapi.Person

	ops := []openapi.Op{
		{Method: "POST", Path: v1 + "/session", Tag: "sessions", Summary: "Sign in", Auth: openapi.Anyone, Description: "Answers the bearer token and sets the admin UI's HttpOnly cookie (with `X-Session: cookie`, the cookie alone). Wrong credentials are 401; too many tries 429.", Body: body(openapi.JSON[loginIn]()), Answers: created(openapi.JSON[sessionOut]()), Problems: append([]int{401, 429}, writes...)},
		{Method: "GET", Path: v1 + "/session", Tag: "sessions", Summary: "The current session and its user", Auth: staff, Answers: ok(openapi.JSON[sessionOut]())},
		{Method: "DELETE", Path: v1 + "/session", Tag: "sessions", Summary: "Sign out", Auth: person, Answers: none},
		{Method: "GET", Path: v1 + "/sessions", Tag: "sessions", Summary: "One's own sessions", Auth: person, Answers: ok(openapi.JSON[httpx.List[sessionListItem]]())},
		{Method: "DELETE", Path: v1 + "/sessions", Tag: "sessions", Summary: "End one's other sessions", Auth: person, Answers: none},
		{Method: "DELETE", Path: v1 + "/sessions/:id", Tag: "sessions", Summary: "End one of one's sessions", Auth: person, Answers: none},
		{Method: "POST", Path: v1 + "/password", Tag: "sessions", Summary: "Change one's own password", Auth: person, Body: body(openapi.JSON[ownPasswordIn]()), Answers: none, Problems: writes},
		{Method: "PATCH", Path: v1 + "/profile", Tag: "sessions", Summary: "Change one's own profile (the UI's language)", Auth: person, Body: body(openapi.JSON[profileIn]()), Answers: ok(openapi.JSON[userOut]()), Problems: writes},
		{Method: "GET", Path: v1 + "/tokens", Tag: "tokens", Summary: "One's API tokens", Auth: person, Answers: ok(openapi.JSON[httpx.List[tokenOut]]())},
		{Method: "POST", Path: v1 + "/tokens", Tag: "tokens", Summary: "Create an API token (its secret is shown once)", Auth: person, Body: body(openapi.JSON[tokenIn]()), Answers: created(openapi.JSON[tokenOut]()), Problems: writes},
		{Method: "DELETE", Path: v1 + "/tokens/:id", Tag: "tokens", Summary: "Revoke one's API token", Auth: person, Answers: none},

		{Method: "POST", Path: v1 + "/markdown", Tag: "editing", Summary: "Render Markdown as a save would store it (previews)", Auth: staff, Description: "Needs `content:edit` or `lectures:edit`.", Body: body(openapi.JSON[renderIn]()), Answers: ok(openapi.JSON[renderOut]()), Problems: writes},
		{Method: "GET", Path: v1 + "/featured", Tag: "stories", Summary: "The pinned stories (置顶), in order", Auth: staff, Permission: string(account.EditContent), Answers: ok(openapi.JSON[featuredOut]())},
		{Method: "PUT", Path: v1 + "/featured", Tag: "stories", Summary: "Replace the pinned stories", Auth: staff, Permission: string(account.PublishContent), Body: body(openapi.JSON[featuredIn]()), Answers: ok(openapi.JSON[featuredOut]()), Problems: writes},
		{Method: "GET", Path: v1 + "/videos/:id/checks", Tag: "videos", Summary: "What publishing the video to each channel would refuse", Auth: staff, Permission: string(account.EditContent), Answers: ok(openapi.JSON[checksOut]())},
		{Method: "POST", Path: v1 + "/lectures/generate", Tag: "lectures", Summary: "Make the sessions of a recurring rule", Auth: staff, Permission: string(account.EditLectures), Body: body(openapi.JSON[generateIn]()), Answers: created(openapi.JSON[httpx.List[adminLecture]]()), Problems: writes},
		{Method: "POST", Path: v1 + "/lectures/generate/preview", Tag: "lectures", Summary: "The sessions a recurring rule would make (nothing saved)", Auth: staff, Permission: string(account.EditLectures), Body: body(openapi.JSON[generateIn]()), Answers: ok(openapi.JSON[httpx.List[plannedOut]]()), Problems: writes},
		{Method: "GET", Path: v1 + "/lectures/:id/notice.png", Tag: "lectures", Summary: "A session's A4 notice (PNG)", Auth: staff, Permission: string(account.EditLectures), Description: "503 when the server has no Chinese font for it.", Answers: []openapi.Answer{{Status: http.StatusOK, Media: "image/png"}}},
		{Method: "POST", Path: v1 + "/lectures/:id/event", IfMatch: true, Tag: "lectures", Summary: "Change a session's event (postponed, rescheduled, cancelled, moved online, scheduled)", Auth: staff, Permission: string(account.EditLectures), Description: "Applies at once to what readers and calendars see, raises `sequence`, and marks every registrant as to be told. Needs the version (body or If-Match).", Body: body(openapi.JSON[eventIn]()), Answers: ok(openapi.JSON[adminLecture]()), Problems: writes},
		{Method: "POST", Path: v1 + "/lectures/:id/event/preview", IfMatch: true, Tag: "lectures", Summary: "What an event change would do (nothing saved)", Auth: staff, Permission: string(account.EditLectures), Body: body(openapi.JSON[eventIn]()), Answers: ok(openapi.JSON[eventPreviewOut]()), Problems: writes},
		{Method: "GET", Path: v1 + "/lectures/:id/registrations", Tag: "registrations", Summary: "A session's registrations in order of arrival (phones masked)", Auth: staff, Permission: string(account.EditLectures), Description: "Pages by `after`, the `seq` of the last registration seen (not a cursor).", Query: []openapi.Param{{Name: "status", Enum: []string{"confirmed", "waitlisted", "cancelled"}}, {Name: "after", Type: "integer"}, {Name: "limit"}}, Answers: ok(openapi.JSON[httpx.List[registrationItem]]())},
		{Method: "GET", Path: v1 + "/lectures/:id/registrations.csv", Tag: "registrations", Summary: "A session's registrations as CSV, phones whole", Auth: staff, Permission: string(account.ExportRegistrations), Description: "For the session's organizers and administrators.", Answers: []openapi.Answer{{Status: http.StatusOK, Media: "text/csv; charset=utf-8"}}},
		{Method: "DELETE", Path: v1 + "/lectures/:id/registrations/:registration", Tag: "registrations", Summary: "Cancel a registration (promotes the next waiting)", Auth: staff, Permission: string(account.EditLectures), Answers: ok(openapi.JSON[registrationItem]()), Problems: []int{409}},
		{Method: "GET", Path: v1 + "/series", Tag: "series", Summary: "List the lecture series", Auth: staff, Permission: string(account.EditLectures), Answers: ok(openapi.JSON[httpx.List[seriesOut]]())},
		{Method: "POST", Path: v1 + "/series", Tag: "series", Summary: "Create a series", Auth: staff, Permission: string(account.EditLectures), Body: body(openapi.JSON[seriesIn]()), Answers: created(openapi.JSON[seriesOut]()), Problems: writes},
		{Method: "GET", Path: v1 + "/series/:id", Tag: "series", Summary: "Read a series", Auth: staff, Permission: string(account.EditLectures), Answers: ok(openapi.JSON[seriesOut]())},
		{Method: "PUT", Path: v1 + "/series/:id", IfMatch: true, Tag: "series", Summary: "Replace a series (with its version)", Auth: staff, Permission: string(account.EditLectures), Body: body(openapi.JSON[seriesIn]()), Answers: ok(openapi.JSON[seriesOut]()), Problems: writes},
		{Method: "DELETE", Path: v1 + "/series/:id", Tag: "series", Summary: "Delete a series no session uses", Auth: staff, Permission: string(account.PublishContent), Answers: none, Problems: []int{409}},
		{Method: "GET", Path: v1 + "/notifications", Tag: "registrations", Summary: "Registrants still to be told of a change", Auth: staff, Permission: string(account.EditLectures), Query: []openapi.Param{{Name: "after", Description: "the next_cursor of the page before"}, {Name: "limit"}, {Name: "lecture", Description: "one session's id"}, {Name: "phones", Enum: []string{"masked", "whole"}, Description: "whole: phones whole (organizers of the session and administrators); masked by default"}}, Answers: ok(openapi.JSON[notificationsOut]())},
		{Method: "POST", Path: v1 + "/notifications/:registration/told", Tag: "registrations", Summary: "Mark a registrant as told", Auth: staff, Permission: string(account.EditLectures), Body: body(openapi.JSON[toldIn]()), Answers: ok(openapi.JSON[registrationItem]()), Problems: writes},
		{Method: "POST", Path: v1 + "/notifications/:registration/sms/retry", Tag: "registrations", Summary: "Send a failed SMS notice again", Auth: staff, Permission: string(account.EditLectures), Answers: ok(openapi.JSON[smsOut]()), Problems: []int{409}},
		{Method: "GET", Path: v1 + "/reads/week", Tag: "read counts", Summary: "This week's ten items read most", Auth: staff, Answers: ok(openapi.JSON[mostReadOut]())},
		{Method: "GET", Path: v1 + "/reads", Tag: "read counts", Summary: "Read counts of any days", Auth: staff, Query: []openapi.Param{{Name: "from", Description: "the first day (YYYY-MM-DD)"}, {Name: "to", Description: "the last day (YYYY-MM-DD)"}}, Answers: ok(openapi.JSON[reportOut]())},
		{Method: "GET", Path: v1 + "/reads.csv", Tag: "read counts", Summary: "Read counts of any days as CSV", Auth: staff, Query: []openapi.Param{{Name: "from"}, {Name: "to"}}, Answers: []openapi.Answer{{Status: http.StatusOK, Media: "text/csv; charset=utf-8"}}},

		{Method: "POST", Path: v1 + "/media", Tag: "media", Summary: "Upload a file (multipart: alt, then file)", Auth: staff, Permission: string(account.UseMedia), Description: "Streamed to the object store; the type is sniffed and checked. Over the upload limit is 413; a type not allowed 415.", Body: &openapi.Body{Media: "multipart/form-data", Schema: map[string]any{"type": "object", "required": []any{"file"}, "properties": map[string]any{"alt": map[string]any{"type": "string"}, "file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}}, Answers: created(openapi.JSON[assetOut]()), Problems: append([]int{429}, writes...)},
		{Method: "GET", Path: v1 + "/media/:id", Tag: "media", Summary: "Read an asset", Auth: staff, Permission: string(account.UseMedia), Answers: ok(openapi.JSON[assetOut]())},
		{Method: "POST", Path: v1 + "/media/uploads", Tag: "media", Summary: "Start a big upload: presigned part URLs", Auth: staff, Permission: string(account.UseMedia), Body: body(openapi.JSON[uploadIn]()), Answers: created(openapi.JSON[media.State]()), Problems: append([]int{429}, writes...)},
		{Method: "GET", Path: v1 + "/media/uploads/:id", Tag: "media", Summary: "A big upload's parts received, and fresh URLs for the rest", Auth: staff, Permission: string(account.UseMedia), Answers: ok(openapi.JSON[media.State]())},
		{Method: "POST", Path: v1 + "/media/uploads/:id/complete", Tag: "media", Summary: "Complete a big upload: the object is checked and becomes an asset", Auth: staff, Permission: string(account.UseMedia), Body: optional(openapi.JSON[completeIn]()), Answers: created(openapi.JSON[assetOut]()), Problems: writes},
		{Method: "DELETE", Path: v1 + "/media/uploads/:id", Tag: "media", Summary: "Abort a big upload", Auth: staff, Permission: string(account.UseMedia), Answers: none},
		{Method: "GET", Path: v1 + "/media", Tag: "media", Summary: "The media library", Auth: staff, Permission: string(account.UseMedia), Query: append([]openapi.Param{{Name: "type", Enum: media.Kinds()}, {Name: "q", Description: "words of the file name or alt text"}}, list...), Answers: ok(openapi.JSON[httpx.List[assetOut]]())},
		{Method: "PATCH", Path: v1 + "/media/:id", IfMatch: true, Tag: "media", Summary: "Change an asset's alt text (with its version)", Auth: staff, Permission: string(account.UseMedia), Body: body(openapi.JSON[mediaIn]()), Answers: ok(openapi.JSON[assetOut]()), Problems: writes},
		{Method: "GET", Path: v1 + "/media/:id/usage", Tag: "media", Summary: "The items that use an asset", Auth: staff, Permission: string(account.UseMedia), Answers: ok(openapi.JSON[httpx.List[useOut]]())},
		{Method: "DELETE", Path: v1 + "/media/:id", IfMatch: true, Tag: "media", Summary: "Delete an unused asset (its uploader or a publisher)", Auth: staff, Permission: string(account.UseMedia), Body: optional(openapi.JSON[deleteMediaIn]()), Answers: none, Problems: writes},
		{Method: "PUT", Path: "/uploads/:id/parts/:n", Tag: "media", Auth: openapi.Signed, Summary: "Send a part of a big upload (disk store)",
			Description: "The URL POST /media/uploads handed out; the signature is the permission.",
			Query:       []openapi.Param{{Name: "expires", Type: "integer", Required: true}, {Name: "signature", Required: true}},
			Body:        &openapi.Body{Media: "application/octet-stream"}, Answers: []openapi.Answer{{Status: http.StatusOK}}, Problems: []int{409, 413}},

		{Method: "GET", Path: v1 + "/users", Tag: "users", Summary: "List the users", Auth: person, Permission: string(account.ManageUsers), Answers: ok(openapi.JSON[httpx.List[userOut]]())},
		{Method: "POST", Path: v1 + "/users", Tag: "users", Summary: "Create a user", Auth: person, Permission: string(account.ManageUsers), Body: body(openapi.JSON[newUserIn]()), Answers: created(openapi.JSON[userOut]()), Problems: writes},
		{Method: "GET", Path: v1 + "/users/:id", Tag: "users", Summary: "Read a user", Auth: person, Permission: string(account.ManageUsers), Answers: ok(openapi.JSON[userOut]())},
		{Method: "PATCH", Path: v1 + "/users/:id", Tag: "users", Summary: "Change a user's name, roles or disabled", Auth: person, Permission: string(account.ManageUsers), Body: body(openapi.JSON[userChangeIn]()), Answers: ok(openapi.JSON[userOut]()), Problems: writes},
		{Method: "POST", Path: v1 + "/users/:id/password", Tag: "users", Summary: "Set a user's password", Auth: person, Permission: string(account.ManageUsers), Body: body(openapi.JSON[passwordIn]()), Answers: none, Problems: writes},
		{Method: "GET", Path: v1 + "/users/:id/sessions", Tag: "users", Summary: "A user's sessions", Auth: person, Permission: string(account.ManageUsers), Answers: ok(openapi.JSON[httpx.List[sessionListItem]]())},
		{Method: "DELETE", Path: v1 + "/users/:id/sessions", Tag: "users", Summary: "End a user's sessions", Auth: person, Permission: string(account.ManageUsers), Answers: none},
		{Method: "GET", Path: v1 + "/users/:id/tokens", Tag: "users", Summary: "A user's API tokens", Auth: person, Permission: string(account.ManageUsers), Answers: ok(openapi.JSON[httpx.List[tokenOut]]())},
		{Method: "DELETE", Path: v1 + "/users/:id/tokens/:token", Tag: "users", Summary: "Revoke a user's API token", Auth: person, Permission: string(account.ManageUsers), Answers: none},

		{Method: "GET", Path: v1 + "/columns", Tag: "columns and site", Summary: "List the columns", Auth: staff, Answers: ok(openapi.JSON[httpx.List[columnOut]]())},
		{Method: "POST", Path: v1 + "/columns", Tag: "columns and site", Summary: "Create a column", Auth: staff, Permission: string(account.ManageColumns), Body: body(openapi.JSON[columnIn]()), Answers: created(openapi.JSON[columnOut]()), Problems: writes},
		{Method: "PUT", Path: v1 + "/columns/:key", IfMatch: true, Tag: "columns and site", Summary: "Replace a column", Auth: staff, Permission: string(account.ManageColumns), Body: body(openapi.JSON[columnIn]()), Answers: ok(openapi.JSON[columnOut]()), Problems: writes},
		{Method: "DELETE", Path: v1 + "/columns/:key", Tag: "columns and site", Summary: "Delete a column no story uses", Auth: staff, Permission: string(account.ManageColumns), Answers: none, Problems: []int{409}},
		{Method: "GET", Path: v1 + "/site", Tag: "columns and site", Summary: "The site's menu and phone number", Auth: staff, Answers: ok(openapi.JSON[siteOut]())},
		{Method: "PUT", Path: v1 + "/site", IfMatch: true, Tag: "columns and site", Summary: "Replace the menu and phone number (with the version)", Auth: staff, Permission: string(account.ManageColumns), Body: body(openapi.JSON[siteIn]()), Answers: ok(openapi.JSON[siteOut]()), Problems: writes},
		{Method: "GET", Path: v1 + "/sample", Tag: "sample content", Summary: "Whether the sample content is loaded", Auth: staff, Permission: string(account.ManageColumns), Answers: ok(openapi.JSON[sampleOut]())},
		{Method: "POST", Path: v1 + "/sample", Tag: "sample content", Summary: "Load the sample content", Auth: staff, Permission: string(account.ManageColumns), Answers: created(openapi.JSON[sampleOut]()), Problems: []int{409}},
		{Method: "DELETE", Path: v1 + "/sample", Tag: "sample content", Summary: "Remove the sample content", Auth: staff, Permission: string(account.ManageColumns), Description: "What was deleted and what was kept (and why); 404 when none is loaded.", Answers: ok(openapi.JSON[sample.Removed]()), Problems: []int{409}},
		{Method: "GET", Path: v1 + "/audit", Tag: "audit", Summary: "The audit log, newest first", Auth: staff, Permission: string(account.ReadAudit), Query: append([]openapi.Param{{Name: "actor", Description: "a user's id"}, {Name: "action"}, {Name: "target", Description: "kind/id"}, {Name: "from", Description: "RFC 3339"}, {Name: "to", Description: "RFC 3339"}}, list...), Answers: ok(openapi.JSON[httpx.List[auditOut]]())},
		{Method: "GET", Path: v1 + "/export", Tag: "export", Summary: "Download an export of the whole site (.tar.gz)", Auth: person, Permission: string(account.ExportSite), Answers: []openapi.Answer{{Status: http.StatusOK, Media: "application/gzip"}}},
		{Method: "POST", Path: v1 + "/export/verify", Tag: "export", Summary: "Check an export file without importing it", Auth: person, Permission: string(account.ExportSite), Body: &openapi.Body{Media: "application/gzip"}, Answers: ok(openapi.JSON[verifiedOut]()), Problems: []int{413, 415}},
		{Method: "GET", Path: v1 + "/backups", Tag: "export", Summary: "Scheduled backups: the schedule and the last runs", Auth: staff, Permission: string(account.ExportSite), Answers: ok(openapi.JSON[backupsOut]())},
		{Method: "GET", Path: v1 + "/search", Tag: "search", Summary: "Search every item, drafts too", Auth: staff, Permission: string(account.EditContent), Description: "404 when search is not set up on this server; 503 while the index opens.", Query: searchQuery(), Answers: ok(openapi.JSON[search.PublicResults]())},
		{Method: "GET", Path: v1 + "/jobs", Tag: "syndication", Summary: "The outbox's jobs", Auth: staff, Permission: string(account.EditContent), Query: []openapi.Param{{Name: "state"}, {Name: "kind"}, {Name: "entry", Description: "an item's id"}}, Answers: ok(openapi.JSON[httpx.List[jobOut]]())},
		{Method: "GET", Path: v1 + "/jobs/:id", Tag: "syndication", Summary: "Read a job", Auth: staff, Permission: string(account.EditContent), Answers: ok(openapi.JSON[jobOut]())},
		{Method: "GET", Path: v1 + "/jobs/:id/package", Tag: "syndication", Summary: "A post's publishing package, for posting by hand (.zip)", Auth: staff, Permission: string(account.Syndicate), Answers: []openapi.Answer{{Status: http.StatusOK, Media: "application/zip"}}},
		{Method: "POST", Path: v1 + "/jobs/:id/:action", Tag: "syndication", Summary: "Act on a job: retry, cancel, done (with the post's URL) or confirm", Auth: staff, Permission: string(account.Syndicate), Body: optional(openapi.JSON[jobActionIn]()), Answers: ok(openapi.JSON[jobOut]()), Problems: writes},
		{Method: "GET", Path: v1 + "/channels", Tag: "syndication", Summary: "The channels and their state", Auth: staff, Permission: string(account.ManageChannels), Answers: ok(openapi.JSON[channelsOut]())},
		{Method: "POST", Path: v1 + "/channels/douyin/authorize", Tag: "syndication", Summary: "Finish Douyin's authorisation with the code it handed back", Auth: person, Permission: string(account.ManageChannels), Body: body(openapi.JSON[douyinAuthIn]()), Answers: ok(openapi.JSON[douyinOut]()), Problems: writes},
	}
	ops = append(ops, kindOps("stories", "stories", account.EditContent,
		[]openapi.Param{{Name: "status"}, {Name: "trashed", Type: "boolean"}, {Name: "column"}, {Name: "tag"},
			{Name: "author", Description: "a user's id (with status only)"}, {Name: "person", Description: "stories featuring a person"}, {Name: "credit", Description: "stories naming one in their byline"}, {Name: "limit"}, {Name: "cursor"}}, openapi.JSON[storyIn](), openapi.JSON[adminStory](), openapi.JSON[httpx.List[adminStoryItem]]())...)
	ops = append(ops, kindOps("videos", "videos", account.EditContent,
		[]openapi.Param{{Name: "status"}, {Name: "trashed", Type: "boolean"}, {Name: "tag"}, {Name: "limit"}, {Name: "cursor"}}, openapi.JSON[videoIn](), openapi.JSON[adminVideo](), openapi.JSON[httpx.List[adminVideo]]())...)
	for _, k := range kinds {
		ops = append(ops, k.ops...)
	}
	ops = append(ops, kindOps("lectures", "lectures", account.EditLectures,
		[]openapi.Param{{Name: "status"}, {Name: "trashed", Type: "boolean"}, {Name: "series"}, {Name: "from"}, {Name: "to"}, {Name: "upcoming", Type: "boolean"}, {Name: "limit"}, {Name: "cursor"}}, openapi.JSON[lectureIn](), openapi.JSON[adminLecture](), openapi.JSON[httpx.List[adminLecture]]())...)
	for _, k := range []struct {
		name string
		perm account.Permission
	}{{"stories", account.EditContent}, {"lectures", account.EditLectures}, {"videos", account.EditContent}} {
		for _, format := range []string{"png", "svg"} {
			ct := map[string]string{"png": "image/png", "svg": "image/svg+xml"}[format]
			ops = append(ops, op("GET", "/"+k.name+"/:id/qr."+format, k.name, "The QR code of the item's page ("+format+"), drafts too", staff, k.perm))
			ops[len(ops)-1].Answers = []openapi.Answer{{Status: http.StatusOK, Media: ct}}
		}
	}
	return ops
}

// kindOps are the routes every kind has (kindAPI.bind), with the kind's
// request body in, item out and list page (the types kindAPI
// decodes and encodes; one function for all, not a generic one, keeps
// the binary small).
func kindOps(kind, tag string, edit account.Permission, listQuery []openapi.Param, in, out, page reflect.Type) []openapi.Op {
	p := "/api/admin/v1/" + kind
	publish := string(account.PublishContent)
	item := []openapi.Answer{{Status: http.StatusOK, Type: out, Description: "the item; its version is the ETag"}}
	step := &openapi.Body{Type: openapi.JSON[stepIn](), Optional: true}
	writes := []int{409, 413, 415}
	o := func(method, path, summary, perm string) openapi.Op {
		return openapi.Op{Method: method, Path: p + path, Tag: tag, Summary: summary, Auth: openapi.Staff, Permission: perm,
			Answers: item, Problems: writes}
	}
	list := o("GET", "", "List "+kind+" (any status)", string(edit))
	list.Query, list.Answers, list.Problems = listQuery, []openapi.Answer{{Status: http.StatusOK, Type: page}}, nil
	create := o("POST", "", "Create a draft", string(edit))
	create.Body, create.Answers = &openapi.Body{Type: in}, []openapi.Answer{{Status: http.StatusCreated, Type: out}}
	replace := o("PUT", "/:id", "Replace the editable fields (with the version; makes a revision)", string(edit))
	replace.Description = "The version is the body's `version` or `If-Match: \"N\"`; a stale one is 409 with `current_version`."
	replace.Body, replace.IfMatch = &openapi.Body{Type: in}, true
	get := o("GET", "/:id", "Read one", string(edit))
	get.Problems = nil
	trash := o("DELETE", "/:id", "Move to the trash (published items must be unpublished first)", string(edit))
	trash.Body, trash.IfMatch = step, true
	restore := o("POST", "/:id/restore", "Restore from the trash", string(edit))
	restore.Body, restore.IfMatch = step, true
	bulk := o("POST", "/bulk", "One step for many items", string(edit))
	bulk.Body, bulk.Answers = &openapi.Body{Type: openapi.JSON[bulkIn]()}, []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[bulkOut]()}}
	ops := []openapi.Op{list, create, bulk, get, replace, trash, restore}
	for _, a := range content.Actions() {
		perm := publish
		if a == content.ActSubmit {
			perm = string(edit)
		}
		s := o("POST", "/:id/"+string(a), "Workflow: "+string(a), perm)
		s.Body, s.IfMatch = step, true
		if a == content.ActSchedule {
			s.Description = "Needs `at` (RFC 3339 with an offset); `unpublish: true` schedules the unpublishing."
		}
		ops = append(ops, s)
	}
	history := o("GET", "/:id/history", "The item's workflow events", string(edit))
	history.Answers, history.Problems = []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[httpx.List[auditOut]]()}}, nil
	revs := o("GET", "/:id/revisions", "The item's revisions", string(edit))
	revs.Answers, revs.Problems = []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[httpx.List[revisionOut]]()}}, nil
	cmp := o("GET", "/:id/revisions/compare", "Compare two revisions", string(edit))
	cmp.Query = []openapi.Param{{Name: "from", Type: "integer", Required: true}, {Name: "to", Type: "integer", Required: true}}
	cmp.Answers, cmp.Problems = []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[comparisonOut]()}}, nil
	rev := o("GET", "/:id/revisions/:n", "Read a revision", string(edit))
	rev.Answers, rev.Problems = []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[revisionOut]()}}, nil
	restoreRev := o("POST", "/:id/revisions/:n/restore", "Restore a revision (makes a new one; needs the version)", string(edit))
	restoreRev.Body, restoreRev.IfMatch = step, true
	preview := o("POST", "/:id/preview", "A signed, expiring preview link", string(edit))
	preview.Body, preview.Answers = &openapi.Body{Type: openapi.JSON[previewIn](), Optional: true}, []openapi.Answer{{Status: http.StatusCreated, Type: openapi.JSON[previewOut]()}}
	getLock := o("GET", "/:id/lock", "Who is editing the item (404: nobody)", string(edit))
	getLock.Answers, getLock.Problems = []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[lockOut]()}}, nil
	takeLock := o("POST", "/:id/lock", "Take, renew or take over the edit lock", string(edit))
	takeLock.Body, takeLock.Answers = &openapi.Body{Type: openapi.JSON[lockIn](), Optional: true}, []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[lockOut]()}}
	release := o("DELETE", "/:id/lock", "Release the edit lock", string(edit))
	release.Answers, release.Problems = []openapi.Answer{{Status: http.StatusNoContent}}, []int{409}
	return append(ops, history, revs, cmp, rev, restoreRev, preview, getLock, takeLock, release)
}

// SignedIn is the admin API's session check, for a route beside it that
// staff alone may read (the OpenAPI document when YINLING_OPENAPI=admin).
func (s *Surface) SignedIn() fiber.Handler { return s.h.authenticate }

// searchQuery are the search's parameters (content/search).
func searchQuery() []openapi.Param {
	out := make([]openapi.Param, len(search.QueryParams))
	for i, p := range search.QueryParams {
		out[i] = openapi.Param{Name: p}
	}
	return out
}
