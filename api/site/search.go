package site

import (
	"cmp"
	"context"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/search"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/themes"
)

// Until the search issue gives the site a full-text index, /search looks
// for the words in the titles and summaries of the latest searchStories
// published stories and searchLectures sessions: a bounded walk, cached
// per query like any page, so its cost does not grow with the corpus
// (older items are not found).
const (
	searchStories  = 1000
	searchLectures = 300
	maxQuery       = 100
	searchResults  = 50
)

func (h *handlers) search(c *fiber.Ctx) error {
	q := pageQuery(c, "q", "cursor")
	query := strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(query) > maxQuery {
		return h.errorPage(c, fiber.StatusBadRequest, "搜索词太长", "请少于100个字。")
	}
	if query == "" {
		q.Del("q")
	} else {
		q.Set("q", query)
	}
	if h.d.Search != nil && query != "" {
		return h.searchIndex(c, q, query)
	}
	q.Del("cursor") // the bounded search, and an empty one, have one page
	return h.cachedPage(c, q, func(ctx context.Context, p themes.Page) (string, themes.Page, error) {
		p.Title, p.Heading, p.NoIndex = "搜索", query, true
		p.Query = query
		if query == "" {
			return "search", p, nil
		}
		words := strings.Fields(strings.ToLower(query))
		match := func(texts ...string) bool {
			all := strings.ToLower(strings.Join(texts, " "))
			for _, w := range words {
				if !strings.Contains(all, w) {
					return false
				}
			}
			return true
		}
		params := content.ListRequest{Limit: content.MaxLimit}
		for seen := 0; seen < searchStories && len(p.Stories) < searchResults; {
			page, err := h.d.Stories.ListLive(ctx, params)
			if err != nil {
				return "", p, err
			}
			for _, s := range page.Items {
				if match(s.Live.Title, s.Live.Summary, strings.Join(s.Live.Tags, " ")) && len(p.Stories) < searchResults {
					card, err := h.storyCard(ctx, s)
					if err != nil {
						return "", p, err
					}
					p.Stories = append(p.Stories, card)
				}
			}
			seen += len(page.Items)
			if page.NextCursor == "" {
				break
			}
			params.Cursor = page.NextCursor
		}
		names, err := h.seriesNames(ctx)
		if err != nil {
			return "", p, err
		}
		lp := lectures.LiveParams{Limit: content.MaxLimit}
		for seen := 0; seen < searchLectures && len(p.Lectures) < searchResults; {
			page, err := h.d.Lectures.ListLive(ctx, lp)
			if err != nil {
				return "", p, err
			}
			for _, l := range page.Items {
				var speakers []string
				for _, sp := range l.Live.Speakers {
					speakers = append(speakers, sp.Name)
				}
				if match(l.Live.Title, l.Live.Summary, strings.Join(speakers, " ")) && len(p.Lectures) < searchResults {
					p.Lectures = append(p.Lectures, namedCards([]lectures.Lecture{l}, names)...)
				}
			}
			seen += len(page.Items)
			if page.NextCursor == "" {
				break
			}
			lp.Cursor = page.NextCursor
		}
		return "search", p, nil
	})
}

// searchIndex answers /search from the index: ranked, with the matches
// marked, ten to a page. q holds the page's parameters, query the words.
// A session says where it stands (read from the store, as the index
// keeps no event status) and the sessions of a page are put in the order
// orderSessions gives.
func (h *handlers) searchIndex(c *fiber.Ctx, q url.Values, query string) error {
	text, err := search.Check(query)
	if err != nil {
		// Check's words are English: the reader gets the rule in Chinese.
		return h.errorPage(c, fiber.StatusBadRequest, "搜索词有误", "请用文字搜索，少于100个字，不要只输入符号。")
	}
	cursor := q.Get("cursor")
	return h.cachedPage(c, q, func(ctx context.Context, p themes.Page) (string, themes.Page, error) {
		p.Title, p.Heading, p.NoIndex, p.Query = "搜索", query, true, query
		r, err := h.d.Search.Search(ctx, search.Query{Text: text, Cursor: cursor, Limit: 10})
		if err != nil {
			return "", p, err
		}
		now := time.Now()
		found := &themes.SearchView{Total: r.Total, Relaxed: r.Relaxed, Hits: []themes.SearchHit{}}
		var sessions []session
		for _, hit := range r.Hits {
			k, _ := h.d.Kinds.Lookup(hit.Kind)
			sh := themes.SearchHit{Kind: k.Label, URL: "/" + hit.Kind + "/" + hit.Slug,
				// Mark escapes everything but its <mark> tags.
				TitleHTML: template.HTML(hit.TitleHTML), SnippetHTML: template.HTML(hit.SnippetHTML), At: hit.At}
			if hit.Kind == lectures.Kind {
				l, err := h.d.Lectures.GetLive(ctx, hit.Slug)
				switch {
				case err == nil:
					s := sessionOf(l, now)
					sh.Session, sh.At, sh.Status, sh.StatusClass = true, s.start, s.words, s.class
					s.slot = len(found.Hits)
					sessions = append(sessions, s)
				case !fault.Is(err, fault.NotFound):
					return "", p, err
				}
				// Unpublished since the index looked: as the index has it.
			}
			found.Hits = append(found.Hits, sh)
		}
		orderSessions(found.Hits, sessions)
		if r.NextCursor != "" {
			found.NextURL = "/search?q=" + url.QueryEscape(query) + "&cursor=" + url.QueryEscape(r.NextCursor)
		}
		p.Found = found
		return "search", p, nil
	})
}

// session is a session found: where it stands, and its place on the page.
type session struct {
	start        time.Time
	words, class string
	// group orders the sessions of a page: 0 to come (or under way), 1
	// postponed, 2 cancelled and still to come, 3 over (ended, or
	// cancelled and past).
	group int
	slot  int // its index among the page's hits
}

// sessionOf is where l stands at now.
func sessionOf(l lectures.Lecture, now time.Time) session {
	var s session
	if l.Live.StartsAt != nil {
		s.start = *l.Live.StartsAt
	}
	end := s.start
	if l.Live.EndsAt != nil {
		end = *l.Live.EndsAt
	}
	switch st := l.Event.Status; {
	case st == lectures.EventCancelled:
		s.words, s.class, s.group = "已取消", "cancelled", 2
		if !now.Before(s.start) {
			s.group = 3
		}
	case st == lectures.EventPostponed:
		s.words, s.class, s.group = "已延期", "postponed", 1
	case !now.Before(end):
		s.words, s.class, s.group = "已结束", "ended", 3
	case !now.Before(s.start):
		s.words, s.class = "正在进行", "ongoing"
	case st == lectures.EventRescheduled:
		s.words, s.class = "已改期", "rescheduled"
	case st == lectures.EventMovedOnline:
		s.words, s.class = "改为线上", "moved_online"
	default:
		s.words, s.class = "即将举行", "scheduled"
	}
	return s
}

// orderSessions puts the sessions of a page of hits in the order a reader
// looks for them, in the places the ranking gave sessions on the page (so
// stories and videos keep theirs, and the page still holds what
// relevance chose): the ones to come first, the soonest first, then the
// postponed, then the cancelled ones to come, then those over, the latest
// first. Across pages the ranking decides (a session on page two may
// come sooner than one on page one).
func orderSessions(hits []themes.SearchHit, sessions []session) {
	slots := make([]int, len(sessions))
	placed := make([]themes.SearchHit, len(sessions))
	for i, s := range sessions {
		slots[i], placed[i] = s.slot, hits[s.slot]
	}
	order := make([]int, len(sessions))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		sa, sb := sessions[a], sessions[b]
		if sa.group != sb.group {
			return cmp.Compare(sa.group, sb.group)
		}
		if sa.group == 3 {
			return sb.start.Compare(sa.start)
		}
		return sa.start.Compare(sb.start)
	})
	for i, k := range order {
		hits[slots[i]] = placed[k]
	}
}
