package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/content/account"
)

// MinUploadRate is the slowest an upload's body may come, in bytes a
// second, averaged over each request timeout (30 s: 240 KB): 64 kbit/s,
// under any link an editor uploads video over, above a client that has
// stalled or trickles to hold the connection.
const MinUploadRate = 8 << 10

// Routes binds every route of the admin API. Access is decided per route
// on the matched route, so path variants (/x/, //x, %2F) cannot skip it.
func (s *Surface) Routes(app fiber.Router) {
	h, d := s.h, s.h.d
	std := httpx.Deadline(d.RequestTimeout)

	// Admin API: every route but sign-in needs a session, and most a
	// permission (account.Permission; the role table is in content/account).
	// Chains are spelled out per route: a Fiber group's handlers become
	// middleware for every path under its prefix.
	admin := app.Group("/api/admin/v1", httpx.NoStore(), h.lists.forgetOnWrite)
	admin.Post("/session", std, httpx.NoQuery, h.login)
	// Writes take no query parameter (api.md: unknown ones are refused,
	// never ignored); the handler comes last, after the permission.
	signedIn := func(hs ...fiber.Handler) []fiber.Handler {
		chain := append([]fiber.Handler{std, h.authenticate}, hs[:len(hs)-1]...)
		return append(chain, writesTakeNoQuery, hs[len(hs)-1])
	}
	admin.Get("/session", signedIn(httpx.NoQuery, h.currentSession)...)
	admin.Delete("/session", signedIn(sessionOnly, h.logout)...)
	admin.Get("/sessions", signedIn(sessionOnly, httpx.NoQuery, h.listMySessions)...)
	admin.Delete("/sessions", signedIn(sessionOnly, h.endMyOtherSessions)...)
	admin.Delete("/sessions/:id", signedIn(sessionOnly, h.endMySession)...)
	admin.Post("/password", signedIn(sessionOnly, h.changeOwnPassword)...)
	admin.Patch("/profile", signedIn(sessionOnly, h.updateProfile)...)
	admin.Get("/tokens", signedIn(sessionOnly, httpx.NoQuery, h.listTokens)...)
	admin.Post("/tokens", signedIn(sessionOnly, h.createToken)...)
	admin.Delete("/tokens/:id", signedIn(sessionOnly, h.revokeToken)...)

	edit := require(account.EditContent)
	publish := require(account.PublishContent)
	admin.Post("/markdown", signedIn(writesMarkdown, h.renderMarkdown)...)
	h.storiesAPI().bind(admin, signedIn, edit, publish)
	admin.Get("/featured", signedIn(edit, httpx.NoQuery, h.getFeatured)...)
	admin.Put("/featured", signedIn(publish, h.setFeatured)...)
	h.videosAPI().bind(admin, signedIn, edit, publish)
	for _, k := range d.KindRoutes {
		if k.bind != nil {
			k.bind(h, admin, signedIn, edit, publish)
		}
	}
	admin.Get("/videos/:id/checks", signedIn(edit, httpx.NoQuery, h.videoChecks)...)
	organize := require(account.EditLectures)
	admin.Post("/lectures/generate", signedIn(organize, h.generateLectures)...)
	admin.Post("/lectures/generate/preview", signedIn(organize, h.planLectures)...)
	h.lecturesAPI().bind(admin, signedIn, organize, publish)
	// The QR codes of items' pages, and a lecture's A4 notice (print.go).
	h.storiesAPI().bindQR(admin, signedIn, edit)
	h.lecturesAPI().bindQR(admin, signedIn, organize)
	h.videosAPI().bindQR(admin, signedIn, edit)
	admin.Get("/lectures/:id/notice.png", signedIn(organize, httpx.NoQuery, h.lectureNotice)...)
	admin.Post("/lectures/:id/event", signedIn(organize, h.changeEvent)...)
	admin.Post("/lectures/:id/event/preview", signedIn(organize, h.previewEvent)...)
	admin.Get("/lectures/:id/registrations", signedIn(organize, h.listRegistrations)...)
	admin.Get("/lectures/:id/registrations.csv", signedIn(require(account.ExportRegistrations), httpx.NoQuery, h.exportRegistrations)...)
	admin.Delete("/lectures/:id/registrations/:registration", signedIn(organize, h.cancelRegistration)...)
	admin.Get("/series", signedIn(organize, httpx.NoQuery, h.listSeries)...)
	admin.Post("/series", signedIn(organize, h.createSeries)...)
	admin.Get("/series/:id", signedIn(organize, httpx.NoQuery, h.getSeries)...)
	admin.Put("/series/:id", signedIn(organize, h.updateSeries)...)
	admin.Delete("/series/:id", signedIn(publish, h.deleteSeries)...)
	admin.Get("/notifications", signedIn(organize, h.listNotifications)...)
	admin.Get("/reads/week", signedIn(httpx.NoQuery, h.mostRead)...)
	admin.Get("/reads", signedIn(h.readReport)...)
	admin.Get("/reads.csv", signedIn(h.exportReadReport)...)
	admin.Post("/notifications/:registration/told", signedIn(organize, h.markTold)...)
	admin.Post("/notifications/:registration/sms/retry", signedIn(organize, h.retrySMS)...)

	// Uploads may take the upload budget while every request timeout
	// brings MinUploadRate's worth of their bytes.
	slowBody := httpx.MinBodyRate(MinUploadRate, d.RequestTimeout, d.UploadTimeout)
	media := require(account.UseMedia)
	admin.Post("/media", httpx.Deadline(d.UploadTimeout), slowBody, h.authenticate, media, httpx.NoQuery, h.uploadMedia)
	admin.Get("/media/:id", signedIn(media, httpx.NoQuery, h.getMedia)...)
	admin.Post("/media/uploads", signedIn(media, h.startUpload)...)
	admin.Get("/media/uploads/:id", signedIn(media, httpx.NoQuery, h.getUpload)...)
	admin.Post("/media/uploads/:id/complete", signedIn(media, h.completeUpload)...)
	admin.Delete("/media/uploads/:id", signedIn(media, h.abortUpload)...)
	admin.Get("/media", signedIn(media, h.listMedia)...)
	admin.Patch("/media/:id", signedIn(media, h.updateMedia)...)
	admin.Get("/media/:id/usage", signedIn(media, httpx.NoQuery, h.mediaUsage)...)
	// Deleting is open to every media user at the route; the library lets
	// only the uploader and publishers delete (library.Service.Delete).
	admin.Delete("/media/:id", signedIn(media, h.deleteMedia)...)
	// Parts of big uploads on the disk store: the signed URL is the
	// permission, so no session.
	app.Put("/uploads/:id/parts/:n", httpx.Deadline(d.UploadTimeout), slowBody, httpx.NoStore(), h.putPart)

	manage := require(account.ManageUsers)
	admin.Get("/users", signedIn(manage, sessionOnly, httpx.NoQuery, h.listUsers)...)
	admin.Post("/users", signedIn(manage, sessionOnly, h.createUser)...)
	admin.Get("/users/:id", signedIn(manage, sessionOnly, httpx.NoQuery, h.getUser)...)
	admin.Patch("/users/:id", signedIn(manage, sessionOnly, h.updateUser)...)
	admin.Post("/users/:id/password", signedIn(manage, sessionOnly, h.resetPassword)...)
	admin.Get("/users/:id/sessions", signedIn(manage, sessionOnly, httpx.NoQuery, h.listUserSessions)...)
	admin.Delete("/users/:id/sessions", signedIn(manage, sessionOnly, h.endUserSessions)...)
	admin.Get("/users/:id/tokens", signedIn(manage, sessionOnly, httpx.NoQuery, h.listUserTokens)...)
	admin.Delete("/users/:id/tokens/:token", signedIn(manage, sessionOnly, h.revokeUserToken)...)

	admin.Get("/columns", signedIn(httpx.NoQuery, h.listAdminColumns)...)
	columns := require(account.ManageColumns)
	admin.Post("/columns", signedIn(columns, h.createColumn)...)
	admin.Put("/columns/:key", signedIn(columns, h.updateColumn)...)
	admin.Delete("/columns/:key", signedIn(columns, h.deleteColumn)...)
	// The menu is the columns' arrangement, so whoever manages the
	// columns arranges it (administrators); every signed-in user reads it.
	admin.Get("/site", signedIn(httpx.NoQuery, h.getSite)...)
	admin.Put("/site", signedIn(columns, h.putSite)...)
	// Sample content is the whole site's, so administrators load and
	// remove it.
	admin.Get("/sample", signedIn(columns, httpx.NoQuery, h.getSample)...)
	admin.Post("/sample", signedIn(columns, h.loadSample)...)
	admin.Delete("/sample", signedIn(columns, h.removeSample)...)

	admin.Get("/audit", signedIn(require(account.ReadAudit), h.listAudit)...)
	// An export reads everything before its first byte: its own deadline.
	admin.Get("/export", httpx.Deadline(d.UploadTimeout), h.authenticate, require(account.ExportSite), sessionOnly, httpx.NoQuery, h.exportSite)
	admin.Post("/export/verify", httpx.Deadline(d.UploadTimeout), slowBody, h.authenticate, require(account.ExportSite), sessionOnly, httpx.NoQuery, h.verifyExport)
	admin.Get("/backups", signedIn(require(account.ExportSite), httpx.NoQuery, h.backups)...)

	admin.Get("/search", signedIn(require(account.EditContent), h.searchAll)...)

	syndicate := require(account.Syndicate)
	admin.Get("/jobs", signedIn(edit, h.listJobs)...)
	admin.Get("/jobs/:id", signedIn(edit, httpx.NoQuery, h.getJob)...)
	admin.Get("/jobs/:id/package", signedIn(syndicate, httpx.NoQuery, h.jobPackage)...)
	admin.Post("/jobs/:id/:action", signedIn(syndicate, h.jobAction)...)
	channels := require(account.ManageChannels)
	admin.Get("/channels", signedIn(channels, httpx.NoQuery, h.listChannels)...)
	admin.Post("/channels/douyin/authorize", signedIn(channels, sessionOnly, h.authorizeDouyin)...)

}

// writesTakeNoQuery refuses a query parameter on a write (no write of the
// admin API takes one); reads check theirs themselves (QueryParams,
// NoQuery).
func writesTakeNoQuery(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return c.Next()
	}
	return httpx.NoQuery(c)
}
