package themes

import (
	"html/template"
	"time"
)

// Page is what every page of a theme is rendered from: the site, the
// reader's preferences, the page's metadata, and the page's own content
// (only the fields of its type are set). The website builds it; the
// templates read it.
type Page struct {
	Site  Site
	Prefs Prefs
	// Path is the page's path (the menu marks it; the registration form
	// posts under it).
	Path string
	// Return is the page with the parameters it reads (a search's ?q=, a
	// list's cursor): where the reading settings bring the reader back.
	Return string
	// Reads is how many times readers have read the story, lecture or
	// video the page shows (浏览次数; 0: none counted yet, or not counted).
	// A theme shows it where it chooses ("阅读 {{thousands .Reads}}"); the
	// number lags by up to the read cache's age of a page (10 minutes)
	// plus the counters' flush (10 s).
	Reads       int64
	Title       string
	Description string
	// Canonical is the page's absolute address; Image an absolute image
	// address for link previews (WeChat, OpenGraph).
	Canonical string
	Image     string
	// Type is OpenGraph's og:type (website, article).
	Type    string
	NoIndex bool
	// Menu is the site's menu as staff arranged it (content/menu), after
	// 首页, which every theme shows first.
	Menu []MenuItem
	// JSONLD is embedded as application/ld+json when set.
	JSONLD any
	// Feeds are the page's alternate feeds.
	Feeds []Feed

	Stories  []StoryCard
	Story    *StoryView
	Lectures []LectureCard
	Past     []LectureCard
	Lecture  *LectureView
	// Series is a lecture series' page (its sessions are Lectures, to
	// come, and Past).
	Series *SeriesView
	Videos []VideoCard
	Video  *VideoView
	// Info is a standing page of the office (关于我们, 办事指南).
	Info    *InfoView
	Heading string // a column's or tag's name
	Query   string // what a search asked for
	// Found is a search's answer from the index (nil: the bounded title
	// search's Stories and Lectures).
	Found   *SearchView
	Intro   string
	NextURL string
	Form    *RegistrationForm
	Receipt *Receipt
	// Registration is a reader's registration, on the page its code
	// opens; CodeForm the form to type a code in.
	Registration *RegistrationView
	CodeForm     *CodeForm
	Error        *ErrorView
}

// Site is the site as pages name it, with the office's phone number
// (site settings; "": none) and its tel: address (made of its digits, so
// safe as a link).
type Site struct {
	Name     string
	BaseURL  string
	Phone    string
	PhoneURL template.URL
	// WeChatShare: a 公众号 is configured, and pages of stories,
	// lectures and videos may load the share-card script (wxshare.js),
	// which signs the page with GET /api/content/v1/wechat/jssdk and tells
	// WeChat's JS-SDK the page's og: title, description and image.
	WeChatShare bool
}

// Prefs are the reader's display preferences (from cookies, so pages
// arrive at the chosen size without a flash).
type Prefs struct {
	TextSize int  // 0 (standard) to MaxTextSize
	Contrast bool // high contrast
}

// MaxTextSize is the largest text-size step.
const MaxTextSize = 3

// MenuItem is an entry of the site's menu.
type MenuItem struct {
	Name, URL string
	Current   bool
}

// Feed is an alternate feed of a page.
type Feed struct {
	Title, URL, Type string
}

// Image is a picture with its text alternative.
type Image struct {
	URL, Alt      string
	Width, Height int
}

// StoryCard is a story in a list.
type StoryCard struct {
	URL, Title, Summary string
	Column              MenuItem
	PublishedAt         time.Time
	Cover               *Image
	// Pinned is a story staff pinned to the home page (置顶), on the
	// home page only.
	Pinned bool
}

// StoryView is a story page.
type StoryView struct {
	StoryCard
	// BodyHTML is the story's sanitized body as its page shows it: the
	// stored HTML with each photo's srcset, sizes, width and height, and
	// loading="lazy" below the first picture of the page.
	BodyHTML string
	// Body is BodyHTML cut around the videos it shows: a paragraph
	// holding nothing but a link to a published video of the site is
	// that video's player. Empty when the body embeds none; a theme that
	// ignores it shows BodyHTML, the links as links.
	Body      []BodyPart
	Tags      []MenuItem
	UpdatedAt time.Time
	// Credits are the byline, the roles that name someone in the order
	// 文, 图, 视频, 编辑; People the people the story features (人物).
	Credits []Credit
	People  []Person
}

// Credit is one role of a story's byline: its mark (文, 图, 视频, 编辑)
// and the names it credits.
type Credit struct {
	Label string
	Names []string
}

// Person is someone a story features, with a short description or "".
type Person struct {
	Name, Description string
}

// BodyPart is a piece of a story's body: safe HTML, or a video to play
// in its place.
type BodyPart struct {
	HTML  string
	Video *VideoView
}

// LectureCard is a session in a list.
type LectureCard struct {
	URL, Title, Summary string
	// Series is the session's series' name and SeriesURL its page, on
	// pages that link to it (not on the series' own page, nor a receipt).
	Series, SeriesURL string
	StartsAt          time.Time
	EndsAt            *time.Time
	// EventStatus is scheduled, postponed, rescheduled, cancelled or
	// moved_online (the page shows it in words and colour).
	EventStatus, StatusReason string
	Place                     string
	// CalendarURL is the session's iCalendar file; "" for a session that
	// is cancelled or has begun (nothing to add to a calendar).
	CalendarURL string
	// Over says the session has begun (or is past).
	Over bool
	// Registration: "none", "internal", "external" (RegisterURL); "" where
	// a card does not offer it (a receipt).
	Registration string
	RegisterURL  string
	// Open says whether readers can register here now; Closed why not,
	// in words (名额已满, 讲座已取消, 报名已经结束 ...).
	Open         bool
	Closed       string
	PlacesLeft   int64
	WaitlistLeft int64
}

// LectureView is a session page.
type LectureView struct {
	LectureCard
	// BodyHTML is sanitized, its photos sized as a story's.
	BodyHTML       string
	Speakers       []Speaker
	OnlineURL      string
	PreviousStarts []time.Time
	Cover          *Image
}

// SeriesView is a lecture series' page.
type SeriesView struct {
	Name, URL string
	// DescriptionHTML is the series' description, sanitized HTML.
	DescriptionHTML string
	Cover           *Image
	// CalendarURL is the series' iCalendar feed.
	CalendarURL string
}

// Speaker is one speaker of a session.
type Speaker struct {
	Name, Title, Bio string
	Photo            *Image
}

// RegistrationForm is the registration form as sent back with its errors.
type RegistrationForm struct {
	Name, Phone, Note string
	Errors            map[string]string
	Message           string
}

// Receipt is a registration as its reader sees it once it is taken.
type Receipt struct {
	Code, Status string
	Position     int
	Lecture      LectureCard
}

// RegistrationView is a reader's registration as the holder of its code
// sees it: never the phone number.
type RegistrationView struct {
	Code, Name string
	// Status is confirmed, waitlisted or cancelled; Position the place on
	// the waiting list (1: next to get a place).
	Status   string
	Position int
	// Promoted says a place came free for this registration from the
	// waiting list (until the office has told the reader).
	Promoted bool
	// Lecture is the session (URL "" when its page is gone).
	Lecture LectureCard
	// CanCancel says the reader may cancel here (the registration holds a
	// place or waits for one, and the session is still to come); Confirming
	// that the page asks whether to.
	CanCancel, Confirming bool
}

// CodeForm is the form that opens a registration by its code, as sent
// back with what was typed and why it opened nothing.
type CodeForm struct {
	Code, Message string
}

// VideoCard is a video in a list.
type VideoCard struct {
	URL, Title  string
	Poster      *Image
	DurationS   float64
	PublishedAt time.Time
}

// VideoView is a video's page: the player's source and poster.
type VideoView struct {
	VideoCard
	Caption       string
	Hashtags      []MenuItem
	Source, Type  string
	Width, Height int
	// Subtitles is the URL of WebVTT captions, or "".
	Subtitles string
}

// SearchView is a page of search results.
type SearchView struct {
	Hits  []SearchHit
	Total int
	// Relaxed says nothing held every word, so these hold some.
	Relaxed bool
	NextURL string
}

// SearchHit is one result: its title and snippet are safe HTML with the
// matches in <mark>.
type SearchHit struct {
	Kind                   string // 报道, 讲座, 短视频
	URL                    string
	TitleHTML, SnippetHTML template.HTML
	// At is a story's or video's publication, a session's start.
	At time.Time
	// Session says the hit is a lecture session: At is shown with its
	// time of day, and Status says where the session stands in words
	// (即将举行, 正在进行, 已结束, 已延期, 已改期, 改为线上, 已取消), StatusClass
	// as a class (scheduled, ongoing, ended, postponed, rescheduled,
	// moved_online, cancelled).
	Session             bool
	Status, StatusClass string
}

// InfoView is a standing page (关于我们, 联系我们, 办事指南): its title and
// its body, sized and cut around its videos as a story's (StoryView).
type InfoView struct {
	URL, Title, Summary string
	BodyHTML            string
	Body                []BodyPart
	UpdatedAt           time.Time
}

// ErrorView is an error page.
type ErrorView struct {
	Status         int
	Title, Message string
}
