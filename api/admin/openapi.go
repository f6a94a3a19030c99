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
// API and the parts of big uploads. Each entry names the types its
// handler decodes and encodes.
func OpenAPI() []openapi.Op {
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
	with := func(o openapi.Op, f func(*openapi.Op)) openapi.Op { f(&o); return o }
	staff, person := openapi.Staff, openapi.Person

	ops := []openapi.Op{
		with(op("POST", "/session", "sessions", "Sign in", openapi.Anyone, ""), func(o *openapi.Op) {
			o.Description = "Answers the bearer token and sets the admin UI's HttpOnly cookie (with `X-Session: cookie`, the cookie alone). Wrong credentials are 401; too many tries 429."
			o.Body, o.Answers, o.Problems = body(openapi.JSON[loginIn]()), created(openapi.JSON[sessionOut]()), append([]int{401, 429}, writes...)
		}),
		with(op("GET", "/session", "sessions", "The current session and its user", staff, ""), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[sessionOut]()) }),
		with(op("DELETE", "/session", "sessions", "Sign out", person, ""), func(o *openapi.Op) { o.Answers = none }),
		with(op("GET", "/sessions", "sessions", "One's own sessions", person, ""), func(o *openapi.Op) {
			o.Answers = ok(openapi.JSON[httpx.List[sessionListItem]]())
		}),
		with(op("DELETE", "/sessions", "sessions", "End one's other sessions", person, ""), func(o *openapi.Op) { o.Answers = none }),
		with(op("DELETE", "/sessions/:id", "sessions", "End one of one's sessions", person, ""), func(o *openapi.Op) { o.Answers = none }),
		with(op("POST", "/password", "sessions", "Change one's own password", person, ""), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[ownPasswordIn]()), none, writes
		}),
		with(op("PATCH", "/profile", "sessions", "Change one's own profile (the UI's language)", person, ""), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[profileIn]()), ok(openapi.JSON[userOut]()), writes
		}),
		with(op("GET", "/tokens", "tokens", "One's API tokens", person, ""), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[httpx.List[tokenOut]]()) }),
		with(op("POST", "/tokens", "tokens", "Create an API token (its secret is shown once)", person, ""), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[tokenIn]()), created(openapi.JSON[tokenOut]()), writes
		}),
		with(op("DELETE", "/tokens/:id", "tokens", "Revoke one's API token", person, ""), func(o *openapi.Op) { o.Answers = none }),

		with(op("POST", "/markdown", "editing", "Render Markdown as a save would store it (previews)", staff, ""), func(o *openapi.Op) {
			o.Description = "Needs `content:edit` or `lectures:edit`."
			o.Body, o.Answers, o.Problems = body(openapi.JSON[renderIn]()), ok(openapi.JSON[renderOut]()), writes
		}),
		with(op("GET", "/featured", "stories", "The pinned stories (置顶), in order", staff, account.EditContent), func(o *openapi.Op) {
			o.Answers = ok(openapi.JSON[featuredOut]())
		}),
		with(op("PUT", "/featured", "stories", "Replace the pinned stories", staff, account.PublishContent), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[featuredIn]()), ok(openapi.JSON[featuredOut]()), writes
		}),
		with(op("GET", "/videos/:id/checks", "videos", "What publishing the video to each channel would refuse", staff, account.EditContent), func(o *openapi.Op) {
			o.Answers = ok(openapi.JSON[checksOut]())
		}),
		with(op("POST", "/lectures/generate", "lectures", "Make the sessions of a recurring rule", staff, account.EditLectures), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[generateIn]()), created(openapi.JSON[httpx.List[adminLecture]]()), writes
		}),
		with(op("POST", "/lectures/generate/preview", "lectures", "The sessions a recurring rule would make (nothing saved)", staff, account.EditLectures), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[generateIn]()), ok(openapi.JSON[httpx.List[plannedOut]]()), writes
		}),
		with(op("GET", "/lectures/:id/notice.png", "lectures", "A session's A4 notice (PNG)", staff, account.EditLectures), func(o *openapi.Op) {
			o.Description = "503 when the server has no Chinese font for it."
			o.Answers = []openapi.Answer{{Status: http.StatusOK, Media: "image/png"}}
		}),
		with(op("POST", "/lectures/:id/event", "lectures", "Change a session's event (postponed, rescheduled, cancelled, moved online, scheduled)", staff, account.EditLectures), func(o *openapi.Op) {
			o.Description = "Applies at once to what readers and calendars see, raises `sequence`, and marks every registrant as to be told. Needs the version (body or If-Match)."
			o.Body, o.Answers, o.Problems = body(openapi.JSON[eventIn]()), ok(openapi.JSON[adminLecture]()), writes
		}),
		with(op("POST", "/lectures/:id/event/preview", "lectures", "What an event change would do (nothing saved)", staff, account.EditLectures), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[eventIn]()), ok(openapi.JSON[eventPreviewOut]()), writes
		}),
		with(op("GET", "/lectures/:id/registrations", "registrations", "A session's registrations in order of arrival (phones masked)", staff, account.EditLectures), func(o *openapi.Op) {
			o.Description = "Pages by `after`, the `seq` of the last registration seen (not a cursor)."
			o.Query = []openapi.Param{{Name: "status", Enum: []string{"confirmed", "waitlisted", "cancelled"}}, {Name: "after", Type: "integer"}, {Name: "limit"}}
			o.Answers = ok(openapi.JSON[httpx.List[registrationItem]]())
		}),
		with(op("GET", "/lectures/:id/registrations.csv", "registrations", "A session's registrations as CSV, phones whole", staff, account.ExportRegistrations), func(o *openapi.Op) {
			o.Description = "For the session's organizers and administrators."
			o.Answers = []openapi.Answer{{Status: http.StatusOK, Media: "text/csv; charset=utf-8"}}
		}),
		with(op("DELETE", "/lectures/:id/registrations/:registration", "registrations", "Cancel a registration (promotes the next waiting)", staff, account.EditLectures), func(o *openapi.Op) {
			o.Answers, o.Problems = ok(openapi.JSON[registrationItem]()), []int{409}
		}),
		with(op("GET", "/series", "series", "List the lecture series", staff, account.EditLectures), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[httpx.List[seriesOut]]()) }),
		with(op("POST", "/series", "series", "Create a series", staff, account.EditLectures), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[seriesIn]()), created(openapi.JSON[seriesOut]()), writes
		}),
		with(op("GET", "/series/:id", "series", "Read a series", staff, account.EditLectures), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[seriesOut]()) }),
		with(op("PUT", "/series/:id", "series", "Replace a series (with its version)", staff, account.EditLectures), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[seriesIn]()), ok(openapi.JSON[seriesOut]()), writes
		}),
		with(op("DELETE", "/series/:id", "series", "Delete a series no session uses", staff, account.PublishContent), func(o *openapi.Op) {
			o.Answers, o.Problems = none, []int{409}
		}),
		with(op("GET", "/notifications", "registrations", "Registrants still to be told of a change", staff, account.EditLectures), func(o *openapi.Op) {
			o.Query = []openapi.Param{{Name: "after", Description: "the next_cursor of the page before"}, {Name: "limit"},
				{Name: "lecture", Description: "one session's id"}, {Name: "phones", Enum: []string{"masked", "whole"}, Description: "whole: phones whole (organizers of the session and administrators); masked by default"}}
			o.Answers = ok(openapi.JSON[notificationsOut]())
		}),
		with(op("POST", "/notifications/:registration/told", "registrations", "Mark a registrant as told", staff, account.EditLectures), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[toldIn]()), ok(openapi.JSON[registrationItem]()), writes
		}),
		with(op("POST", "/notifications/:registration/sms/retry", "registrations", "Send a failed SMS notice again", staff, account.EditLectures), func(o *openapi.Op) {
			o.Answers, o.Problems = ok(openapi.JSON[smsOut]()), []int{409}
		}),
		with(op("GET", "/reads/week", "read counts", "This week's ten items read most", staff, ""), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[mostReadOut]()) }),
		with(op("GET", "/reads", "read counts", "Read counts of any days", staff, ""), func(o *openapi.Op) {
			o.Query = []openapi.Param{{Name: "from", Description: "the first day (YYYY-MM-DD)"}, {Name: "to", Description: "the last day (YYYY-MM-DD)"}}
			o.Answers = ok(openapi.JSON[reportOut]())
		}),
		with(op("GET", "/reads.csv", "read counts", "Read counts of any days as CSV", staff, ""), func(o *openapi.Op) {
			o.Query = []openapi.Param{{Name: "from"}, {Name: "to"}}
			o.Answers = []openapi.Answer{{Status: http.StatusOK, Media: "text/csv; charset=utf-8"}}
		}),

		with(op("POST", "/media", "media", "Upload a file (multipart: alt, then file)", staff, account.UseMedia), func(o *openapi.Op) {
			o.Description = "Streamed to the object store; the type is sniffed and checked. Over the upload limit is 413; a type not allowed 415."
			o.Body = &openapi.Body{Media: "multipart/form-data", Schema: map[string]any{"type": "object", "required": []any{"file"},
				"properties": map[string]any{"alt": map[string]any{"type": "string"}, "file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}}
			o.Answers, o.Problems = created(openapi.JSON[assetOut]()), append([]int{429}, writes...)
		}),
		with(op("GET", "/media/:id", "media", "Read an asset", staff, account.UseMedia), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[assetOut]()) }),
		with(op("POST", "/media/uploads", "media", "Start a big upload: presigned part URLs", staff, account.UseMedia), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[uploadIn]()), created(openapi.JSON[media.State]()), append([]int{429}, writes...)
		}),
		with(op("GET", "/media/uploads/:id", "media", "A big upload's parts received, and fresh URLs for the rest", staff, account.UseMedia), func(o *openapi.Op) {
			o.Answers = ok(openapi.JSON[media.State]())
		}),
		with(op("POST", "/media/uploads/:id/complete", "media", "Complete a big upload: the object is checked and becomes an asset", staff, account.UseMedia), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = optional(openapi.JSON[completeIn]()), created(openapi.JSON[assetOut]()), writes
		}),
		with(op("DELETE", "/media/uploads/:id", "media", "Abort a big upload", staff, account.UseMedia), func(o *openapi.Op) { o.Answers = none }),
		with(op("GET", "/media", "media", "The media library", staff, account.UseMedia), func(o *openapi.Op) {
			o.Query = append([]openapi.Param{{Name: "type", Enum: media.Kinds()}, {Name: "q", Description: "words of the file name or alt text"}}, list...)
			o.Answers = ok(openapi.JSON[httpx.List[assetOut]]())
		}),
		with(op("PATCH", "/media/:id", "media", "Change an asset's alt text (with its version)", staff, account.UseMedia), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[mediaIn]()), ok(openapi.JSON[assetOut]()), writes
		}),
		with(op("GET", "/media/:id/usage", "media", "The items that use an asset", staff, account.UseMedia), func(o *openapi.Op) {
			o.Answers = ok(openapi.JSON[httpx.List[useOut]]())
		}),
		with(op("DELETE", "/media/:id", "media", "Delete an unused asset (its uploader or a publisher)", staff, account.UseMedia), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = optional(openapi.JSON[deleteMediaIn]()), none, writes
		}),
		{Method: "PUT", Path: "/uploads/:id/parts/:n", Tag: "media", Auth: openapi.Signed, Summary: "Send a part of a big upload (disk store)",
			Description: "The URL POST /media/uploads handed out; the signature is the permission.",
			Query:       []openapi.Param{{Name: "expires", Type: "integer", Required: true}, {Name: "signature", Required: true}},
			Body:        &openapi.Body{Media: "application/octet-stream"}, Answers: []openapi.Answer{{Status: http.StatusOK}}, Problems: []int{409, 413}},

		with(op("GET", "/users", "users", "List the users", person, account.ManageUsers), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[httpx.List[userOut]]()) }),
		with(op("POST", "/users", "users", "Create a user", person, account.ManageUsers), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[newUserIn]()), created(openapi.JSON[userOut]()), writes
		}),
		with(op("GET", "/users/:id", "users", "Read a user", person, account.ManageUsers), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[userOut]()) }),
		with(op("PATCH", "/users/:id", "users", "Change a user's name, roles or disabled", person, account.ManageUsers), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[userChangeIn]()), ok(openapi.JSON[userOut]()), writes
		}),
		with(op("POST", "/users/:id/password", "users", "Set a user's password", person, account.ManageUsers), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[passwordIn]()), none, writes
		}),
		with(op("GET", "/users/:id/sessions", "users", "A user's sessions", person, account.ManageUsers), func(o *openapi.Op) {
			o.Answers = ok(openapi.JSON[httpx.List[sessionListItem]]())
		}),
		with(op("DELETE", "/users/:id/sessions", "users", "End a user's sessions", person, account.ManageUsers), func(o *openapi.Op) { o.Answers = none }),
		with(op("GET", "/users/:id/tokens", "users", "A user's API tokens", person, account.ManageUsers), func(o *openapi.Op) {
			o.Answers = ok(openapi.JSON[httpx.List[tokenOut]]())
		}),
		with(op("DELETE", "/users/:id/tokens/:token", "users", "Revoke a user's API token", person, account.ManageUsers), func(o *openapi.Op) { o.Answers = none }),

		with(op("GET", "/columns", "columns and site", "List the columns", staff, ""), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[httpx.List[columnOut]]()) }),
		with(op("POST", "/columns", "columns and site", "Create a column", staff, account.ManageColumns), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[columnIn]()), created(openapi.JSON[columnOut]()), writes
		}),
		with(op("PUT", "/columns/:key", "columns and site", "Replace a column", staff, account.ManageColumns), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[columnIn]()), ok(openapi.JSON[columnOut]()), writes
		}),
		with(op("DELETE", "/columns/:key", "columns and site", "Delete a column no story uses", staff, account.ManageColumns), func(o *openapi.Op) {
			o.Answers, o.Problems = none, []int{409}
		}),
		with(op("GET", "/site", "columns and site", "The site's menu and phone number", staff, ""), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[siteOut]()) }),
		with(op("PUT", "/site", "columns and site", "Replace the menu and phone number (with the version)", staff, account.ManageColumns), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[siteIn]()), ok(openapi.JSON[siteOut]()), writes
		}),
		with(op("GET", "/sample", "sample content", "Whether the sample content is loaded", staff, account.ManageColumns), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[sampleOut]()) }),
		with(op("POST", "/sample", "sample content", "Load the sample content", staff, account.ManageColumns), func(o *openapi.Op) {
			o.Answers, o.Problems = created(openapi.JSON[sampleOut]()), []int{409}
		}),
		with(op("DELETE", "/sample", "sample content", "Remove the sample content", staff, account.ManageColumns), func(o *openapi.Op) {
			o.Description = "What was deleted and what was kept (and why); 404 when none is loaded."
			o.Answers, o.Problems = ok(openapi.JSON[sample.Removed]()), []int{409}
		}),
		with(op("GET", "/audit", "audit", "The audit log, newest first", staff, account.ReadAudit), func(o *openapi.Op) {
			o.Query = append([]openapi.Param{{Name: "actor", Description: "a user's id"}, {Name: "action"}, {Name: "target", Description: "kind/id"},
				{Name: "from", Description: "RFC 3339"}, {Name: "to", Description: "RFC 3339"}}, list...)
			o.Answers = ok(openapi.JSON[httpx.List[auditOut]]())
		}),
		with(op("GET", "/export", "export", "Download an export of the whole site (.tar.gz)", person, account.ExportSite), func(o *openapi.Op) {
			o.Answers = []openapi.Answer{{Status: http.StatusOK, Media: "application/gzip"}}
		}),
		with(op("POST", "/export/verify", "export", "Check an export file without importing it", person, account.ExportSite), func(o *openapi.Op) {
			o.Body = &openapi.Body{Media: "application/gzip"}
			o.Answers, o.Problems = ok(openapi.JSON[verifiedOut]()), []int{413, 415}
		}),
		with(op("GET", "/backups", "export", "Scheduled backups: the schedule and the last runs", staff, account.ExportSite), func(o *openapi.Op) {
			o.Answers = ok(openapi.JSON[backupsOut]())
		}),
		with(op("GET", "/search", "search", "Search every item, drafts too", staff, account.EditContent), func(o *openapi.Op) {
			o.Description = "404 when search is not set up on this server; 503 while the index opens."
			for _, p := range search.QueryParams {
				o.Query = append(o.Query, openapi.Param{Name: p})
			}
			o.Answers = ok(openapi.JSON[search.PublicResults]())
		}),
		with(op("GET", "/jobs", "syndication", "The outbox's jobs", staff, account.EditContent), func(o *openapi.Op) {
			o.Query = []openapi.Param{{Name: "state"}, {Name: "kind"}, {Name: "entry", Description: "an item's id"}}
			o.Answers = ok(openapi.JSON[httpx.List[jobOut]]())
		}),
		with(op("GET", "/jobs/:id", "syndication", "Read a job", staff, account.EditContent), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[jobOut]()) }),
		with(op("GET", "/jobs/:id/package", "syndication", "A post's publishing package, for posting by hand (.zip)", staff, account.Syndicate), func(o *openapi.Op) {
			o.Answers = []openapi.Answer{{Status: http.StatusOK, Media: "application/zip"}}
		}),
		with(op("POST", "/jobs/:id/:action", "syndication", "Act on a job: retry, cancel, done (with the post's URL) or confirm", staff, account.Syndicate), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = optional(openapi.JSON[jobActionIn]()), ok(openapi.JSON[jobOut]()), writes
		}),
		with(op("GET", "/channels", "syndication", "The channels and their state", staff, account.ManageChannels), func(o *openapi.Op) { o.Answers = ok(openapi.JSON[channelsOut]()) }),
		with(op("POST", "/channels/douyin/authorize", "syndication", "Finish Douyin's authorisation with the code it handed back", person, account.ManageChannels), func(o *openapi.Op) {
			o.Body, o.Answers, o.Problems = body(openapi.JSON[douyinAuthIn]()), ok(openapi.JSON[douyinOut]()), writes
		}),
	}
	ops = append(ops, kindOps[storyIn, adminStory, adminStoryItem]("stories", "stories", account.EditContent,
		[]openapi.Param{{Name: "status"}, {Name: "trashed", Type: "boolean"}, {Name: "column"}, {Name: "tag"},
			{Name: "author", Description: "a user's id (with status only)"}, {Name: "person", Description: "stories featuring a person"}, {Name: "credit", Description: "stories naming one in their byline"}, {Name: "limit"}, {Name: "cursor"}})...)
	ops = append(ops, kindOps[videoIn, adminVideo, adminVideo]("videos", "videos", account.EditContent,
		[]openapi.Param{{Name: "status"}, {Name: "trashed", Type: "boolean"}, {Name: "tag"}, {Name: "limit"}, {Name: "cursor"}})...)
	ops = append(ops, kindOps[pageIn, adminPage, adminPage]("pages", "pages", account.EditContent,
		[]openapi.Param{{Name: "status"}, {Name: "trashed", Type: "boolean"}, {Name: "limit"}, {Name: "cursor"}})...)
	ops = append(ops, kindOps[lectureIn, adminLecture, adminLecture]("lectures", "lectures", account.EditLectures,
		[]openapi.Param{{Name: "status"}, {Name: "trashed", Type: "boolean"}, {Name: "series"}, {Name: "from"}, {Name: "to"}, {Name: "upcoming", Type: "boolean"}, {Name: "limit"}, {Name: "cursor"}})...)
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
// request body B, item Out and list item Item.
func kindOps[B, Out, Item any](kind, tag string, edit account.Permission, listQuery []openapi.Param) []openapi.Op {
	p := "/api/admin/v1/" + kind
	publish := string(account.PublishContent)
	item := []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[Out](), Description: "the item; its version is the ETag"}}
	step := &openapi.Body{Type: openapi.JSON[stepIn](), Optional: true}
	writes := []int{409, 413, 415}
	o := func(method, path, summary, perm string) openapi.Op {
		return openapi.Op{Method: method, Path: p + path, Tag: tag, Summary: summary, Auth: openapi.Staff, Permission: perm,
			Answers: item, Problems: writes}
	}
	list := o("GET", "", "List "+kind+" (any status)", string(edit))
	list.Query, list.Answers, list.Problems = listQuery, []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[httpx.List[Item]]()}}, nil
	create := o("POST", "", "Create a draft", string(edit))
	create.Body, create.Answers = &openapi.Body{Type: openapi.JSON[B]()}, []openapi.Answer{{Status: http.StatusCreated, Type: openapi.JSON[Out]()}}
	replace := o("PUT", "/:id", "Replace the editable fields (with the version; makes a revision)", string(edit))
	replace.Description = "The version is the body's `version` or `If-Match: \"N\"`; a stale one is 409 with `current_version`."
	replace.Body = &openapi.Body{Type: openapi.JSON[B]()}
	get := o("GET", "/:id", "Read one", string(edit))
	get.Problems = nil
	trash := o("DELETE", "/:id", "Move to the trash (published items must be unpublished first)", string(edit))
	trash.Body = step
	restore := o("POST", "/:id/restore", "Restore from the trash", string(edit))
	restore.Body = step
	bulk := o("POST", "/bulk", "One step for many items", string(edit))
	bulk.Body, bulk.Answers = &openapi.Body{Type: openapi.JSON[bulkIn]()}, []openapi.Answer{{Status: http.StatusOK, Type: openapi.JSON[bulkOut]()}}
	ops := []openapi.Op{list, create, bulk, get, replace, trash, restore}
	for _, a := range content.Actions() {
		perm := publish
		if a == content.ActSubmit {
			perm = string(edit)
		}
		s := o("POST", "/:id/"+string(a), "Workflow: "+string(a), perm)
		s.Body = step
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
	restoreRev.Body = step
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
