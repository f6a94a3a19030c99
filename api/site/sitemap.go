package site

import (
	"context"
	"encoding/xml"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// sitemapMax is how many addresses one sitemap file holds (the protocol's
// limit); past it, /sitemap.xml is an index of /sitemaps/N.xml.
const sitemapMax = 50_000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemapURLs lists every public page: the home page, the lists of
// stories, lectures and videos, columns, lecture series, and every
// published story, session and video.
func (h *handlers) sitemapURLs(ctx context.Context) ([]sitemapURL, error) {
	urls := []sitemapURL{{Loc: h.d.BaseURL + "/"}, {Loc: h.d.BaseURL + "/stories"}, {Loc: h.d.BaseURL + "/lectures"}, {Loc: h.d.BaseURL + "/videos"}}
	cols, err := h.d.Stories.Columns().List(ctx)
	if err != nil {
		return nil, err
	}
	for _, col := range cols {
		urls = append(urls, sitemapURL{Loc: h.d.BaseURL + "/columns/" + col.Key})
	}
	p := content.ListRequest{Limit: content.MaxLimit}
	for {
		page, err := h.d.Stories.ListLive(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, s := range page.Items {
			urls = append(urls, sitemapURL{Loc: h.d.BaseURL + "/stories/" + s.Slug, LastMod: s.Live.UpdatedAt.UTC().Format(time.RFC3339)})
		}
		if page.NextCursor == "" {
			break
		}
		p.Cursor = page.NextCursor
	}
	series, err := h.d.Lectures.AllSeries(ctx)
	if err != nil {
		return nil, err
	}
	for _, sr := range series {
		// no lastmod: the page changes with its sessions, not only the series
		urls = append(urls, sitemapURL{Loc: h.d.BaseURL + seriesURL(sr.Slug)})
	}
	lp := lectures.LiveParams{Limit: content.MaxLimit}
	for {
		page, err := h.d.Lectures.ListLive(ctx, lp)
		if err != nil {
			return nil, err
		}
		for _, l := range page.Items {
			urls = append(urls, sitemapURL{Loc: h.d.BaseURL + "/lectures/" + l.Slug, LastMod: lectures.LastModified(l).UTC().Format(time.RFC3339)})
		}
		if page.NextCursor == "" {
			break
		}
		lp.Cursor = page.NextCursor
	}
	vp := videos.ListParams{Limit: content.MaxLimit}
	for {
		page, err := h.d.Videos.ListLive(ctx, vp)
		if err != nil {
			return nil, err
		}
		for _, v := range page.Items {
			urls = append(urls, sitemapURL{Loc: h.d.BaseURL + "/videos/" + v.Slug, LastMod: v.Live.UpdatedAt.UTC().Format(time.RFC3339)})
		}
		if page.NextCursor == "" {
			break
		}
		vp.Cursor = page.NextCursor
	}
	return urls, nil
}

const xmlType = "application/xml; charset=utf-8"

// sitemap is /sitemap.xml: the pages, or past sitemapMax an index of the
// parts.
func (h *handlers) sitemap(c *fiber.Ctx) error {
	return h.serveXML(c, func(ctx context.Context) (any, error) {
		urls, err := h.sitemapURLs(ctx)
		if err != nil {
			return nil, err
		}
		if len(urls) <= sitemapMax {
			return urlset(urls), nil
		}
		type part struct {
			Loc string `xml:"loc"`
		}
		type index struct {
			XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
			Parts   []part   `xml:"sitemap"`
		}
		var ix index
		for n := 1; (n-1)*sitemapMax < len(urls); n++ {
			ix.Parts = append(ix.Parts, part{Loc: fmt.Sprintf("%s/sitemaps/%d.xml", h.d.BaseURL, n)})
		}
		return ix, nil
	})
}

// sitemapPart is /sitemaps/N.xml, a part of a large site's sitemap.
func (h *handlers) sitemapPart(c *fiber.Ctx) error {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 {
		return h.NotFoundPage(c)
	}
	return h.serveXML(c, func(ctx context.Context) (any, error) {
		urls, err := h.sitemapURLs(ctx)
		if err != nil {
			return nil, err
		}
		from := (n - 1) * sitemapMax
		if len(urls) <= sitemapMax || from >= len(urls) {
			return nil, fault.New(fault.NotFound, "no such sitemap part")
		}
		return urlset(urls[from:min(from+sitemapMax, len(urls))]), nil
	})
}

func urlset(urls []sitemapURL) any {
	type set struct {
		XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []sitemapURL `xml:"url"`
	}
	return set{URLs: urls}
}

func (h *handlers) serveXML(c *fiber.Ctx, build func(ctx context.Context) (any, error)) error {
	err := h.d.Cache.Serve(c, "site:"+c.Path(), readcache.Answer{ContentType: xmlType}, func(ctx context.Context) ([]byte, error) {
		v, err := build(ctx)
		if err != nil {
			return nil, err
		}
		return marshalXML(v)
	})
	if err != nil {
		return h.failed(c, err)
	}
	return nil
}

// robots is /robots.txt: everything public may be read; the admin API,
// previews and readers' registrations (by code) may not; where the
// sitemap is.
func (h *handlers) robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.SendString("User-agent: *\nAllow: /\nDisallow: /api/admin/\nDisallow: /preview/\nDisallow: /registrations/\n\nSitemap: " + h.d.BaseURL + "/sitemap.xml\n")
}
