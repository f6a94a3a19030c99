package lectures

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CalendarKeep is how long a session stays in the calendar feeds after it
// started: calendars that subscribed keep seeing a cancellation (as
// STATUS:CANCELLED) and can remove the event, rather than find it gone.
const CalendarKeep = 30 * 24 * time.Hour

// Calendar is an iCalendar feed (RFC 5545) of published sessions.
type Calendar struct {
	Name string // X-WR-CALNAME: 银龄讲座, or a series' name
	// BaseURL is the site's public address: events link to their pages and
	// UIDs name its host.
	BaseURL  string
	Lectures []Lecture
}

// ICS writes the calendar: CRLF line ends, lines folded at 75 octets
// without splitting a character, text escaped. Each session is one VEVENT
// whose UID never changes, with SEQUENCE from its event and DTSTAMP equal
// to its LAST-MODIFIED (RFC 5545 3.8.7.2: without a METHOD, DTSTAMP is
// when the information was last revised), so the same sessions give the
// same bytes.
func (c Calendar) ICS() []byte {
	var b icsWriter
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.line("PRODID:-//Yinling//Lectures//ZH")
	b.line("CALSCALE:GREGORIAN")
	b.prop("X-WR-CALNAME", c.Name)
	b.line("X-WR-TIMEZONE:Asia/Shanghai")
	b.line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
	b.line("X-PUBLISHED-TTL:PT1H")
	base := strings.TrimSuffix(c.BaseURL, "/")
	host := "yinling"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	for _, l := range c.Lectures {
		if l.Live == nil || l.Live.StartsAt == nil {
			continue
		}
		lv := l.Live
		modified := LastModified(l)
		b.line("BEGIN:VEVENT")
		b.line("UID:" + l.ID + "@" + host)
		b.line("DTSTAMP:" + icsTime(modified))
		b.line("LAST-MODIFIED:" + icsTime(modified))
		b.line("CREATED:" + icsTime(lv.PublishedAt))
		b.line("DTSTART:" + icsTime(*lv.StartsAt))
		if lv.EndsAt != nil {
			b.line("DTEND:" + icsTime(*lv.EndsAt))
		}
		b.line("SEQUENCE:" + strconv.FormatInt(l.Event.Sequence, 10))
		b.line("STATUS:" + icsStatus(l.Event.Status))
		b.prop("SUMMARY", statusPrefix(l.Event.Status)+lv.Title)
		if loc := Location(l); loc != "" {
			b.prop("LOCATION", loc)
		}
		b.prop("DESCRIPTION", description(l, base))
		b.prop("URL", base+"/lectures/"+l.Slug)
		b.line("END:VEVENT")
	}
	b.line("END:VCALENDAR")
	return b.Bytes()
}

// LastModified is when what readers see of a session last changed: its
// publication or its last event change.
func LastModified(l Lecture) time.Time {
	t := l.Live.UpdatedAt
	if c := l.Event.ChangedAt; c != nil && c.After(t) {
		t = *c
	}
	return t
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func icsStatus(s EventStatus) string {
	switch s {
	case EventCancelled:
		return "CANCELLED"
	case EventPostponed:
		return "TENTATIVE"
	}
	return "CONFIRMED"
}

// statusPrefix marks a changed session in its title, for calendars that
// do not show STATUS (most phone calendars).
func statusPrefix(s EventStatus) string {
	switch s {
	case EventCancelled:
		return "【已取消】"
	case EventPostponed:
		return "【延期】"
	case EventRescheduled:
		return "【改期】"
	case EventMovedOnline:
		return "【改为线上】"
	}
	return ""
}

// Location is where a session takes place, in words: the venue, or the
// online address when it is online only (or moved online).
func Location(l Lecture) string {
	lv := l.Live
	if l.Event.Status == EventMovedOnline || lv.Venue.IsZero() {
		return lv.OnlineURL
	}
	v := lv.Venue
	var parts []string
	for _, p := range []string{v.Campus, v.Building, v.Room} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	loc := strings.Join(parts, " ")
	if v.Address != "" {
		if loc != "" {
			loc += "，"
		}
		loc += v.Address
	}
	return loc
}

func description(l Lecture, base string) string {
	lv := l.Live
	var lines []string
	if l.Event.Status != EventScheduled && l.Event.Reason != "" {
		lines = append(lines, statusWords(l.Event.Status)+"："+l.Event.Reason)
	}
	if lv.Summary != "" {
		lines = append(lines, lv.Summary)
	}
	for _, sp := range lv.Speakers {
		s := "主讲：" + sp.Name
		if sp.Title != "" {
			s += "（" + sp.Title + "）"
		}
		lines = append(lines, s)
	}
	if lv.OnlineURL != "" {
		lines = append(lines, "线上参加："+lv.OnlineURL)
	}
	lines = append(lines, "详情："+base+"/lectures/"+l.Slug)
	return strings.Join(lines, "\n")
}

// statusWords names an event status in Chinese, for readers.
func statusWords(s EventStatus) string {
	switch s {
	case EventPostponed:
		return "延期"
	case EventRescheduled:
		return "改期"
	case EventCancelled:
		return "取消"
	case EventMovedOnline:
		return "改为线上"
	}
	return "如期举行"
}

// icsWriter writes content lines: folded, CRLF-ended.
type icsWriter struct{ bytes.Buffer }

// prop writes a property whose value is TEXT, escaped.
func (w *icsWriter) prop(name, text string) { w.line(name + ":" + escapeText(text)) }

// line writes one content line, folded so no line passes 75 octets and
// no UTF-8 character is split: a continuation starts with a space.
func (w *icsWriter) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma and line breaks.
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}
