package site

import (
	"context"
	"encoding/xml"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// sitemapMax is how many addresses one sitemap file holds (the protocol's
// limit); past it, /sitemap.xml is an index of /sitemaps/N.xml.
const sitemapMax = 50_000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemapURLs lists every public page: the home page, each kind's list,
// and for each kind its groups' pages (columns, lecture series) then
// every item readers see.
func (h *handlers) sitemapURLs(ctx context.Context) ([]sitemapURL, error) {
	urls := []sitemapURL{{Loc: h.d.BaseURL + "/"}}
	for _, k := range h.d.Kinds {
		urls = append(urls, sitemapURL{Loc: h.d.BaseURL + "/" + k.Name})
	}
	for _, k := range h.d.Kinds {
		if groups := h.sitemapGroups(k.Name); groups != nil {
			more, err := groups(ctx)
			if err != nil {
				return nil, err
			}
			urls = append(urls, more...)
		}
		err := k.Live(ctx, func(slug string, changed time.Time) error {
			urls = append(urls, sitemapURL{Loc: h.d.BaseURL + "/" + k.Name + "/" + slug, LastMod: changed.UTC().Format(time.RFC3339)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return urls, nil
}

// sitemapGroups gives the pages that group a kind's items on the website
// (a column's stories, a series' sessions), listed before the items;
// nil for a kind without them.
func (h *handlers) sitemapGroups(kind string) func(ctx context.Context) ([]sitemapURL, error) {
	switch kind {
	case stories.Kind:
		return func(ctx context.Context) ([]sitemapURL, error) {
			cols, err := h.d.Stories.Columns().List(ctx)
			var urls []sitemapURL
			for _, col := range cols {
				urls = append(urls, sitemapURL{Loc: h.d.BaseURL + "/columns/" + col.Key})
			}
			return urls, err
		}
	case lectures.Kind:
		return func(ctx context.Context) ([]sitemapURL, error) {
			series, err := h.d.Lectures.AllSeries(ctx)
			var urls []sitemapURL
			for _, sr := range series {
				// no lastmod: the page changes with its sessions, not only the series
				urls = append(urls, sitemapURL{Loc: h.d.BaseURL + seriesURL(sr.Slug)})
			}
			return urls, err
		}
	}
	return nil
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
