package readcache

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
)

// Answer is how Serve answers: the content type, and the Cache-Control
// of a shared, public answer.
type Answer struct {
	ContentType  string
	CacheControl string // default "public, max-age=60, stale-while-revalidate=300"
	// Vary names request headers the answer depends on beside
	// Accept-Encoding (the website's Cookie: text size and contrast).
	Vary []string
}

// Serve answers a public read from the cache under key, or builds its
// bytes and caches them. The answer has a strong ETag of its bytes and a
// Last-Modified from when it was built (304 when the client has them).
//
// Last-Modified has whole seconds: the second after the build, and only
// once that second has passed, so no later build can carry the same date
// (an answer rebuilt within a second would otherwise be 304 to a client
// holding the one before).
func (rc *Cache) Serve(c *fiber.Ctx, key string, a Answer, build func(ctx context.Context) ([]byte, error)) error {
	_, err := rc.ServeNoted(c, key, a, func(ctx context.Context) ([]byte, string, error) {
		b, err := build(ctx)
		return b, "", err
	})
	return err
}

// ServeNoted is Serve with a build that tells a note of the answer
// (Entry.Note), answered with every answer, cached or not, 304 included.
func (rc *Cache) ServeNoted(c *fiber.Ctx, key string, a Answer, build func(ctx context.Context) ([]byte, string, error)) (string, error) {
	e, err := rc.AnswerNoted(c.UserContext(), key, build)
	if err != nil {
		return "", err
	}
	if a.CacheControl == "" {
		a.CacheControl = "public, max-age=60, stale-while-revalidate=300"
	}
	// A client that takes gzip (every browser, WeChat) gets the bytes as
	// they are kept; another gets them inflated.
	packed := e.Gzip != nil && acceptsGzip(c.Get(fiber.HeaderAcceptEncoding))
	etag := e.ETag
	if packed {
		etag = e.GzipETag()
	}
	c.Set(fiber.HeaderETag, etag)
	modified := e.Built.UTC().Truncate(time.Second).Add(time.Second)
	dated := !time.Now().Before(modified)
	if dated {
		c.Set(fiber.HeaderLastModified, modified.Format(http.TimeFormat))
	}
	c.Set(fiber.HeaderCacheControl, a.CacheControl)
	c.Vary(append([]string{fiber.HeaderAcceptEncoding}, a.Vary...)...) // added to CORS's Vary: Origin, never in its place
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" {
		if httpx.ETagMatches(inm, etag) {
			return e.Note, c.SendStatus(fiber.StatusNotModified)
		}
	} else if ims, err := http.ParseTime(c.Get(fiber.HeaderIfModifiedSince)); err == nil && dated && !modified.After(ims) {
		return e.Note, c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	if packed {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return e.Note, c.Send(e.Gzip)
	}
	b, err := e.Bytes()
	if err != nil {
		return e.Note, err
	}
	return e.Note, c.Send(b)
}
