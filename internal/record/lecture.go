package record

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
)

// Lecture is a lecture session at rest. Its editable fields are the
// domain's lectures.Input, inline, whose times are already UTC at
// millisecond precision (lectures normalizes them).
type Lecture struct {
	ID             string `bson:"_id" json:"id"`
	Slug           string `bson:"slug" json:"slug"`
	lectures.Input `bson:",inline"`
	BodyHTML       string `bson:"body_html" json:"body_html"`
	Lifecycle      `bson:",inline"`
	Event          LectureEvent `bson:"event" json:"event"`
	Live           *LiveLecture `bson:"live" json:"live"`
}

// LectureEvent is a session's state as an event, at rest.
type LectureEvent struct {
	Status         string      `bson:"status" json:"status"`
	Reason         string      `bson:"reason" json:"reason"`
	Sequence       int64       `bson:"sequence" json:"sequence"`
	PreviousStarts []time.Time `bson:"previous_starts" json:"previous_starts"`
	ChangedAt      *time.Time  `bson:"changed_at" json:"changed_at"`
}

// LiveLecture is a session's published snapshot at rest.
type LiveLecture struct {
	lectures.Input `bson:",inline"`
	BodyHTML       string    `bson:"body_html" json:"body_html"`
	PublishedAt    time.Time `bson:"published_at" json:"published_at"`
	UpdatedAt      time.Time `bson:"updated_at" json:"updated_at"`
	Revision       int64     `bson:"revision" json:"revision"`
}

// LectureKind is how the stores keep lectures: readers' lists run by the
// live copy's start, grouped by series.
var LectureKind = Kind[lectures.Lecture, Lecture]{
	Name:   lectures.Kind,
	Record: FromLecture,
	Item:   Lecture.Lecture,
	Index: func(l lectures.Lecture) Index {
		ix := Index{ID: l.ID, Slug: l.Slug, Version: l.Version, Status: string(l.Status), Author: l.Author, Group: l.Series, TrashedAt: l.TrashedAt}
		if l.Schedule != nil {
			ix.DueAt = &l.Schedule.At
		}
		if lv := l.Live; lv != nil && lv.StartsAt != nil {
			ix.Live = &LiveIndex{At: *lv.StartsAt, Group: lv.Series}
		}
		ix.Media = content.UsedIDs(l.MediaUses())
		return ix
	},
	Texts: func(r *Lecture) []*string {
		texts := []*string{&r.Body, &r.BodyHTML}
		if r.Live != nil {
			texts = append(texts, &r.Live.Body, &r.Live.BodyHTML)
		}
		return texts
	},
	TextPaths:  []string{"body", "body_html", "live.body", "live.body_html"},
	MediaPaths: func(ctx context.Context, m *MediaPaths, r *Lecture) (bool, error) { return m.lecture(ctx, r) },
	Paths:      Paths{Group: "series", Tags: "tags", LiveAt: "live.starts_at", LiveGroup: "live.series", LiveTags: "live.tags"},
}

// FromLecture gives the record of a lecture.
func FromLecture(l lectures.Lecture) Lecture {
	r := Lecture{ID: l.ID, Slug: l.Slug, Input: l.Input, BodyHTML: l.BodyHTML, Lifecycle: FromLifecycle(l.Lifecycle, l.Revision),
		Event: LectureEvent{Status: string(l.Event.Status), Reason: l.Event.Reason, Sequence: l.Event.Sequence,
			PreviousStarts: nonNilTimes(l.Event.PreviousStarts), ChangedAt: msPtr(l.Event.ChangedAt)}}
	if lv := l.Live; lv != nil {
		r.Live = &LiveLecture{Input: lv.Input, BodyHTML: lv.BodyHTML, PublishedAt: ms(lv.PublishedAt), UpdatedAt: ms(lv.UpdatedAt),
			Revision: lv.Revision}
	}
	return r
}

// Lecture gives the domain's lecture.
func (r Lecture) Lecture() lectures.Lecture {
	l := lectures.Lecture{ID: r.ID, Slug: r.Slug, Input: utcInput(r.Input), BodyHTML: r.BodyHTML, Revision: r.Revision,
		Lifecycle: r.Lifecycle.Lifecycle(),
		Event: lectures.Event{Status: lectures.EventStatus(r.Event.Status), Reason: r.Event.Reason, Sequence: r.Event.Sequence,
			PreviousStarts: utcTimes(r.Event.PreviousStarts), ChangedAt: utcPtr(r.Event.ChangedAt)}}
	if lv := r.Live; lv != nil {
		l.Live = &lectures.Live{Input: utcInput(lv.Input), BodyHTML: lv.BodyHTML, PublishedAt: lv.PublishedAt.UTC(),
			UpdatedAt: lv.UpdatedAt.UTC(), Revision: lv.Revision}
	}
	return l
}

// utcInput gives the times of an input read back in UTC (the Mongo
// driver decodes them in local time).
func utcInput(in lectures.Input) lectures.Input {
	in.StartsAt, in.EndsAt = utcPtr(in.StartsAt), utcPtr(in.EndsAt)
	in.Registration.OpensAt, in.Registration.ClosesAt = utcPtr(in.Registration.OpensAt), utcPtr(in.Registration.ClosesAt)
	if in.Speakers == nil {
		in.Speakers = []lectures.Speaker{}
	}
	return in
}

func nonNilTimes(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = ms(t)
	}
	return out
}

func utcTimes(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.UTC()
	}
	return out
}
