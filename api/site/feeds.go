package site

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/api/readcache"
	"github.com/yinling-cms/yinling/content"
)

// feedSize is how many stories a feed holds.
const feedSize = 20

// feedItem is a story as every feed format needs it.
type feedItem struct {
	URL, Title, Summary string
	Published, Updated  time.Time
	Categories          []string
	Image               string
	ImageType           string
	ImageSize           int64
}

// feed is a feed of stories: the site's, a column's or a tag's.
type feed struct {
	Title, Description string
	Home               string            // the page the feed follows
	Self               map[string]string // the feed's own address in each format
	Items              []feedItem
	Updated            time.Time
}

// feedOf builds the feed of a list of live stories.
// selfs are a feed's addresses: under path (.../feed.xml, .atom, .json),
// or the site's own (/feed.xml, /atom.xml, /feed.json) for "".
func (h *handlers) selfs(path string) map[string]string {
	if path == "" {
		return map[string]string{"xml": h.d.BaseURL + "/feed.xml", "atom": h.d.BaseURL + "/atom.xml", "json": h.d.BaseURL + "/feed.json"}
	}
	return map[string]string{"xml": h.d.BaseURL + path + "/feed.xml", "atom": h.d.BaseURL + path + "/feed.atom",
		"json": h.d.BaseURL + path + "/feed.json"}
}

func (h *handlers) feedOf(ctx context.Context, params content.ListParams, title, home string, self map[string]string) (feed, error) {
	params.Limit = feedSize
	list, err := h.d.Stories.ListLive(ctx, params)
	if err != nil {
		return feed{}, err
	}
	f := feed{Title: title, Description: h.d.SiteName + "：" + title, Home: h.d.BaseURL + home, Self: self}
	for _, s := range list.Items {
		l := s.Live
		it := feedItem{URL: h.d.BaseURL + "/stories/" + s.Slug, Title: l.Title, Summary: l.Summary, Published: l.PublishedAt, Updated: l.UpdatedAt}
		col, ok, err := h.d.Stories.Columns().Get(ctx, l.Column)
		if err != nil {
			return feed{}, err
		}
		if ok {
			it.Categories = append(it.Categories, col.Name)
		}
		it.Categories = append(it.Categories, l.Tags...)
		if l.Cover != "" {
			if a, err := h.d.Media.Get(ctx, l.Cover); err == nil {
				it.Image, it.ImageType, it.ImageSize = h.d.BaseURL+"/media/"+a.ID, a.ContentType, a.Size
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
			return h.feedOf(ctx, content.ListParams{}, h.d.SiteName+" 最新报道", "/", h.selfs(""))
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
		return h.feedOf(ctx, content.ListParams{Column: col.Key}, h.d.SiteName+" · "+col.Name, "/columns/"+col.Key, h.selfs("/columns/"+col.Key))
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
		return h.feedOf(ctx, content.ListParams{Tag: tag}, h.d.SiteName+" · #"+tag, path, h.selfs(path))
	})
}

// rss writes RSS 2.0 (with atom:link to itself, as validators ask).
func rss(f feed) ([]byte, error) {
	type enclosure struct {
		URL    string `xml:"url,attr"`
		Length int64  `xml:"length,attr"`
		Type   string `xml:"type,attr"`
	}
	type guid struct {
		Permalink bool   `xml:"isPermaLink,attr"`
		Value     string `xml:",chardata"`
	}
	type item struct {
		Title       string     `xml:"title"`
		Link        string     `xml:"link"`
		GUID        guid       `xml:"guid"`
		PubDate     string     `xml:"pubDate"`
		Description string     `xml:"description"`
		Categories  []string   `xml:"category"`
		Enclosure   *enclosure `xml:"enclosure,omitempty"`
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
		Channel channel  `xml:"channel"`
	}
	d := doc{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: channel{Title: f.Title, Link: f.Home,
		Description: f.Description, Language: "zh-CN", LastBuildDate: f.Updated.Format(time.RFC1123Z),
		Self: selfLink{Href: f.Self["xml"], Rel: "self", Type: "application/rss+xml"}, Items: []item{}}}
	for _, it := range f.Items {
		i := item{Title: it.Title, Link: it.URL, GUID: guid{Permalink: true, Value: it.URL}, PubDate: it.Published.Format(time.RFC1123Z),
			Description: it.Summary, Categories: it.Categories}
		if it.Image != "" {
			i.Enclosure = &enclosure{URL: it.Image, Length: it.ImageSize, Type: it.ImageType}
		}
		d.Channel.Items = append(d.Channel.Items, i)
	}
	return marshalXML(d)
}

// atom writes Atom (RFC 4287).
func atom(f feed) ([]byte, error) {
	type link struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
	}
	type category struct {
		Term string `xml:"term,attr"`
	}
	type entry struct {
		ID         string     `xml:"id"`
		Title      string     `xml:"title"`
		Link       link       `xml:"link"`
		Published  string     `xml:"published"`
		Updated    string     `xml:"updated"`
		Summary    string     `xml:"summary"`
		Categories []category `xml:"category"`
	}
	type author struct {
		Name string `xml:"name"`
	}
	type doc struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Lang    string   `xml:"xml:lang,attr"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Author  author   `xml:"author"`
		Links   []link   `xml:"link"`
		Entries []entry  `xml:"entry"`
	}
	d := doc{Lang: "zh-CN", ID: f.Self["atom"], Title: f.Title, Updated: f.Updated.UTC().Format(time.RFC3339),
		Author: author{Name: strings.SplitN(f.Title, " ", 2)[0]},
		Links:  []link{{Href: f.Self["atom"], Rel: "self", Type: "application/atom+xml"}, {Href: f.Home, Rel: "alternate", Type: "text/html"}}}
	for _, it := range f.Items {
		e := entry{ID: it.URL, Title: it.Title, Link: link{Href: it.URL, Rel: "alternate", Type: "text/html"},
			Published: it.Published.UTC().Format(time.RFC3339), Updated: it.Updated.UTC().Format(time.RFC3339), Summary: it.Summary}
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, category{Term: c})
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

// jsonFeed writes JSON Feed 1.1.
func jsonFeed(f feed) ([]byte, error) {
	type item struct {
		ID            string   `json:"id"`
		URL           string   `json:"url"`
		Title         string   `json:"title"`
		Summary       string   `json:"summary,omitempty"`
		ContentText   string   `json:"content_text"`
		Image         string   `json:"image,omitempty"`
		DatePublished string   `json:"date_published"`
		DateModified  string   `json:"date_modified"`
		Tags          []string `json:"tags,omitempty"`
	}
	type doc struct {
		Version     string `json:"version"`
		Title       string `json:"title"`
		HomePageURL string `json:"home_page_url"`
		FeedURL     string `json:"feed_url"`
		Description string `json:"description"`
		Language    string `json:"language"`
		Items       []item `json:"items"`
	}
	d := doc{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.Home, FeedURL: f.Self["json"],
		Description: f.Description, Language: "zh-CN", Items: []item{}}
	for _, it := range f.Items {
		d.Items = append(d.Items, item{ID: it.URL, URL: it.URL, Title: it.Title, Summary: it.Summary, ContentText: it.Summary,
			Image: it.Image, DatePublished: it.Published.UTC().Format(time.RFC3339), DateModified: it.Updated.UTC().Format(time.RFC3339),
			Tags: it.Categories})
	}
	return json.MarshalIndent(d, "", " ")
}
