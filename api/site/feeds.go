package site

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/httpx"
	"github.com/yinling-cms/yinling/api/present"
	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// feedSize is how many stories a feed holds.
const feedSize = 20

// feedItem is a story as every feed format needs it.
type feedItem struct {
	URL, Title, Summary string
	// ContentHTML is the whole body, sanitized, its links and images
	// absolute (present.AbsoluteHTML).
	ContentHTML string
	// Authors are the story's writers (文), or the office when it names
	// none; Contributors the rest of its byline (图, 视频, 编辑).
	Authors, Contributors []string
	Published, Updated    time.Time
	Categories            []string
	Image                 *feedImage // the cover, or nil
}

// feedImage is a story's cover as feeds give it: its absolute URL and
// the facts enclosures and media:content carry.
type feedImage struct {
	URL, Type     string
	Size          int64
	Width, Height int
}

// feed is a feed of stories: the site's, a column's or a tag's.
type feed struct {
	// Description says what the feed holds, with the site's name.
	Title, Description string
	// Author is who the feed is by, and each story without writers in
	// its byline: the office, the site's name (the accounts that write
	// stories are staff logins, not names to publish).
	Author  string
	Home    string            // the page the feed follows
	Self    map[string]string // the feed's own address in each format
	Items   []feedItem
	Updated time.Time
}

// selfs are a feed's addresses: under path (.../feed.xml, .atom, .json),
// or the site's own (/feed.xml, /atom.xml, /feed.json) for "".
func (h *handlers) selfs(path string) map[string]string {
	if path == "" {
		return map[string]string{"xml": h.d.BaseURL + "/feed.xml", "atom": h.d.BaseURL + "/atom.xml", "json": h.d.BaseURL + "/feed.json"}
	}
	return map[string]string{"xml": h.d.BaseURL + path + "/feed.xml", "atom": h.d.BaseURL + path + "/feed.atom",
		"json": h.d.BaseURL + path + "/feed.json"}
}

// feedOf builds the feed of the latest live stories of params, each with
// its whole text and cover.
func (h *handlers) feedOf(ctx context.Context, params content.ListRequest, title, description, home string, self map[string]string) (feed, error) {
	params.Limit = feedSize
	list, err := h.d.Stories.ListLive(ctx, params)
	if err != nil {
		return feed{}, err
	}
	f := feed{Title: title, Description: description, Author: h.d.SiteName, Home: h.d.BaseURL + home, Self: self}
	for _, listed := range list.Items {
		// Lists come without the bodies: each is read whole (a story
		// unpublished meanwhile is left out).
		s, err := h.d.Stories.GetLive(ctx, listed.Slug)
		if fault.Is(err, fault.NotFound) {
			continue
		}
		if err != nil {
			return feed{}, err
		}
		l := s.Live
		link := h.d.BaseURL + "/stories/" + s.Slug
		it := feedItem{URL: link, Title: l.Title, Summary: l.Summary, ContentHTML: present.AbsoluteHTML(h.d.BaseURL, link, l.BodyHTML),
			Authors: l.Credits.Writers, Published: l.PublishedAt, Updated: l.UpdatedAt}
		if len(it.Authors) == 0 {
			it.Authors = []string{f.Author}
		}
		it.Contributors = slices.Concat(l.Credits.Photographers, l.Credits.Videographers, l.Credits.Editors)
		if strings.TrimSpace(it.ContentHTML) == "" && l.Summary != "" {
			// A story of a summary alone: that is its text.
			it.ContentHTML = "<p>" + html.EscapeString(l.Summary) + "</p>"
		}
		col, ok, err := h.d.Stories.Columns().Get(ctx, l.Column)
		if err != nil {
			return feed{}, err
		}
		if ok {
			it.Categories = append(it.Categories, col.Name)
		}
		it.Categories = append(it.Categories, l.Tags...)
		if l.Cover != "" {
			a, err := h.d.Media.Get(ctx, l.Cover)
			switch {
			case err == nil:
				it.Image = &feedImage{URL: httpx.MediaURL(h.d.BaseURL, a.ID), Type: a.ContentType, Size: a.Size, Width: a.Width, Height: a.Height}
			case !fault.Is(err, fault.NotFound):
				return feed{}, err
			}
		}
		if it.Updated.After(f.Updated) {
			f.Updated = it.Updated
		}
		f.Items = append(f.Items, it)
	}
	if f.Updated.IsZero() {
		f.Updated = time.Unix(0, 0).UTC()
	}
	return f, nil
}

// The feed formats, by extension.
var feedFormats = map[string]struct {
	contentType string
	write       func(f feed) ([]byte, error)
}{
	"xml":  {"application/rss+xml; charset=utf-8", rss},
	"atom": {"application/atom+xml; charset=utf-8", atom},
	"json": {"application/feed+json; charset=utf-8", jsonFeed},
}

// serveFeed answers a feed in the format of its extension, from the read
// cache.
func (h *handlers) serveFeed(c *fiber.Ctx, format string, build func(ctx context.Context) (feed, error)) error {
	ff, ok := feedFormats[format]
	if !ok {
		return h.NotFoundPage(c)
	}
	err := h.d.Cache.Serve(c, "site:"+c.Path(), readcache.Answer{ContentType: ff.contentType}, func(ctx context.Context) ([]byte, error) {
		f, err := build(ctx)
		if err != nil {
			return nil, err
		}
		return ff.write(f)
	})
	if err != nil {
		return h.failed(c, err)
	}
	return nil
}

func (h *handlers) siteFeed(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return h.serveFeed(c, format, func(ctx context.Context) (feed, error) {
			return h.feedOf(ctx, content.ListRequest{}, h.d.SiteName+" 最新报道", h.d.SiteName+"发布的最新报道，每篇附全文和配图", "/", h.selfs(""))
		})
	}
}

// columnFeed is /columns/{key}/feed.{xml,atom,json}.
func (h *handlers) columnFeed(c *fiber.Ctx) error {
	col, ok, err := h.d.Stories.Columns().Get(c.UserContext(), c.Params("column"))
	if err != nil {
		return h.failed(c, err)
	}
	if !ok {
		return h.NotFoundPage(c)
	}
	return h.serveFeed(c, c.Params("format"), func(ctx context.Context) (feed, error) {
		desc := h.d.SiteName + "「" + col.Name + "」栏目的报道"
		if d := strings.TrimSpace(col.Description); d != "" {
			desc += "：" + d
		}
		return h.feedOf(ctx, content.ListRequest{Column: col.Key}, h.d.SiteName+" · "+col.Name, desc, "/columns/"+col.Key, h.selfs("/columns/"+col.Key))
	})
}

// tagFeed is /tags/{tag}/feed.{xml,atom,json}.
func (h *handlers) tagFeed(c *fiber.Ctx) error {
	tag, err := url.PathUnescape(c.Params("tag"))
	if err != nil || tag == "" {
		return h.NotFoundPage(c)
	}
	tag = strings.Clone(tag)
	path := "/tags/" + url.PathEscape(tag)
	return h.serveFeed(c, c.Params("format"), func(ctx context.Context) (feed, error) {
		return h.feedOf(ctx, content.ListRequest{Tag: tag}, h.d.SiteName+" · #"+tag, h.d.SiteName+"标有「#"+tag+"」的报道", path, h.selfs(path))
	})
}

// Namespaces the feeds use beside their own.
const (
	nsAtom    = "http://www.w3.org/2005/Atom"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsMedia   = "http://search.yahoo.com/mrss/"
)

// Every text goes into the XML feeds escaped, never as CDATA: a body
// holding "]]>" cannot end anything early, and encoding/xml writes a
// character XML does not allow as U+FFFD, so no title or body makes a
// feed that does not parse.

// rssEnclosure is RSS's enclosure: a file, its size in bytes and type.
type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length int64  `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type rssGUID struct {
	Permalink bool   `xml:"isPermaLink,attr"`
	Value     string `xml:",chardata"`
}

// rss writes RSS 2.0 (with atom:link to itself, as validators ask), the
// whole body in content:encoded, each writer in a dc:creator and the rest
// of the byline in dc:contributor, and the cover
// as an enclosure and a Media RSS media:content.
func rss(f feed) ([]byte, error) {
	type image struct {
		URL      string `xml:"url,attr"`
		Type     string `xml:"type,attr"`
		Medium   string `xml:"medium,attr"`
		FileSize int64  `xml:"fileSize,attr,omitempty"`
		Width    int    `xml:"width,attr,omitempty"`
		Height   int    `xml:"height,attr,omitempty"`
	}
	type item struct {
		Title        string        `xml:"title"`
		Link         string        `xml:"link"`
		GUID         rssGUID       `xml:"guid"`
		PubDate      string        `xml:"pubDate"`
		Creators     []string      `xml:"dc:creator"`
		Contributors []string      `xml:"dc:contributor"`
		Description  string        `xml:"description"`
		Content      string        `xml:"content:encoded,omitempty"`
		Categories   []string      `xml:"category"`
		Enclosure    *rssEnclosure `xml:"enclosure,omitempty"`
		Image        *image        `xml:"media:content,omitempty"`
	}
	type selfLink struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
		Type string `xml:"type,attr"`
	}
	type channel struct {
		Title         string   `xml:"title"`
		Link          string   `xml:"link"`
		Description   string   `xml:"description"`
		Language      string   `xml:"language"`
		LastBuildDate string   `xml:"lastBuildDate"`
		Self          selfLink `xml:"atom:link"`
		Items         []item   `xml:"item"`
	}
	type doc struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Atom    string   `xml:"xmlns:atom,attr"`
		Content string   `xml:"xmlns:content,attr"`
		DC      string   `xml:"xmlns:dc,attr"`
		Media   string   `xml:"xmlns:media,attr"`
		Channel channel  `xml:"channel"`
	}
	d := doc{Version: "2.0", Atom: nsAtom, Content: nsContent, DC: nsDC, Media: nsMedia, Channel: channel{Title: f.Title, Link: f.Home,
		Description: f.Description, Language: "zh-CN", LastBuildDate: f.Updated.Format(time.RFC1123Z),
		Self: selfLink{Href: f.Self["xml"], Rel: "self", Type: "application/rss+xml"}, Items: []item{}}}
	for _, it := range f.Items {
		i := item{Title: it.Title, Link: it.URL, GUID: rssGUID{Permalink: true, Value: it.URL}, PubDate: it.Published.Format(time.RFC1123Z),
			Creators: it.Authors, Contributors: it.Contributors, Description: it.Summary, Content: it.ContentHTML, Categories: it.Categories}
		if im := it.Image; im != nil {
			i.Enclosure = &rssEnclosure{URL: im.URL, Length: im.Size, Type: im.Type}
			i.Image = &image{URL: im.URL, Type: im.Type, Medium: "image", FileSize: im.Size, Width: im.Width, Height: im.Height}
		}
		d.Channel.Items = append(d.Channel.Items, i)
	}
	return marshalXML(d)
}

// atom writes Atom (RFC 4287): the summary, the whole body as content of
// type html, the writers as authors and the rest of the byline as
// contributors, and the cover as an enclosure link and a Media
// RSS thumbnail.
func atom(f feed) ([]byte, error) {
	type link struct {
		Href   string `xml:"href,attr"`
		Rel    string `xml:"rel,attr,omitempty"`
		Type   string `xml:"type,attr,omitempty"`
		Length int64  `xml:"length,attr,omitempty"`
	}
	type category struct {
		Term string `xml:"term,attr"`
	}
	type text struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	}
	type author struct {
		Name string `xml:"name"`
		URI  string `xml:"uri,omitempty"`
	}
	type thumbnail struct {
		URL    string `xml:"url,attr"`
		Width  int    `xml:"width,attr,omitempty"`
		Height int    `xml:"height,attr,omitempty"`
	}
	type entry struct {
		ID           string     `xml:"id"`
		Title        string     `xml:"title"`
		Links        []link     `xml:"link"`
		Published    string     `xml:"published"`
		Updated      string     `xml:"updated"`
		Authors      []author   `xml:"author"`
		Contributors []author   `xml:"contributor"`
		Summary      string     `xml:"summary"`
		Content      *text      `xml:"content,omitempty"`
		Categories   []category `xml:"category"`
		Thumbnail    *thumbnail `xml:"media:thumbnail,omitempty"`
	}
	type doc struct {
		XMLName  xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Media    string   `xml:"xmlns:media,attr"`
		Lang     string   `xml:"xml:lang,attr"`
		ID       string   `xml:"id"`
		Title    string   `xml:"title"`
		Subtitle string   `xml:"subtitle"`
		Updated  string   `xml:"updated"`
		Author   author   `xml:"author"`
		Links    []link   `xml:"link"`
		Entries  []entry  `xml:"entry"`
	}
	d := doc{Media: nsMedia, Lang: "zh-CN", ID: f.Self["atom"], Title: f.Title, Subtitle: f.Description, Updated: f.Updated.UTC().Format(time.RFC3339),
		Author: author{Name: f.Author, URI: f.Home},
		Links:  []link{{Href: f.Self["atom"], Rel: "self", Type: "application/atom+xml"}, {Href: f.Home, Rel: "alternate", Type: "text/html"}}}
	for _, it := range f.Items {
		e := entry{ID: it.URL, Title: it.Title, Links: []link{{Href: it.URL, Rel: "alternate", Type: "text/html"}},
			Published: it.Published.UTC().Format(time.RFC3339), Updated: it.Updated.UTC().Format(time.RFC3339), Summary: it.Summary}
		for _, name := range it.Authors {
			e.Authors = append(e.Authors, author{Name: name})
		}
		for _, name := range it.Contributors {
			e.Contributors = append(e.Contributors, author{Name: name})
		}
		if it.ContentHTML != "" {
			e.Content = &text{Type: "html", Value: it.ContentHTML}
		}
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, category{Term: c})
		}
		if im := it.Image; im != nil {
			e.Links = append(e.Links, link{Href: im.URL, Rel: "enclosure", Type: im.Type, Length: im.Size})
			e.Thumbnail = &thumbnail{URL: im.URL, Width: im.Width, Height: im.Height}
		}
		d.Entries = append(d.Entries, e)
	}
	return marshalXML(d)
}

func marshalXML(v any) ([]byte, error) {
	b, err := xml.MarshalIndent(v, "", " ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}

// jsonFeed writes JSON Feed 1.1: the summary, the whole body as
// content_html, the writers as authors (JSON Feed has no contributors)
// and the cover as image.
func jsonFeed(f feed) ([]byte, error) {
	type author struct {
		Name string `json:"name"`
		URL  string `json:"url,omitempty"`
	}
	type item struct {
		ID            string   `json:"id"`
		URL           string   `json:"url"`
		Title         string   `json:"title"`
		Summary       string   `json:"summary,omitempty"`
		ContentHTML   string   `json:"content_html"`
		Image         string   `json:"image,omitempty"`
		DatePublished string   `json:"date_published"`
		DateModified  string   `json:"date_modified"`
		Authors       []author `json:"authors,omitempty"`
		Tags          []string `json:"tags,omitempty"`
	}
	type doc struct {
		Version     string   `json:"version"`
		Title       string   `json:"title"`
		HomePageURL string   `json:"home_page_url"`
		FeedURL     string   `json:"feed_url"`
		Description string   `json:"description"`
		Language    string   `json:"language"`
		Authors     []author `json:"authors"`
		Items       []item   `json:"items"`
	}
	d := doc{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.Home, FeedURL: f.Self["json"],
		Description: f.Description, Language: "zh-CN", Authors: []author{{Name: f.Author, URL: f.Home}}, Items: []item{}}
	for _, it := range f.Items {
		i := item{ID: it.URL, URL: it.URL, Title: it.Title, Summary: it.Summary, ContentHTML: it.ContentHTML,
			DatePublished: it.Published.UTC().Format(time.RFC3339), DateModified: it.Updated.UTC().Format(time.RFC3339),
			Tags: it.Categories}
		for _, name := range it.Authors {
			i.Authors = append(i.Authors, author{Name: name})
		}
		if it.Image != nil {
			i.Image = it.Image.URL
		}
		d.Items = append(d.Items, i)
	}
	return json.MarshalIndent(d, "", " ")
}
