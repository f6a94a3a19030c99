package lectures_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content/lectures"
)

func jsonld(t *testing.T, l lectures.Lecture, in lectures.JSONLDInput) map[string]any {
	t.Helper()
	b, err := json.Marshal(lectures.EventJSONLD(l, in))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEventJSONLDForEachStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	start := time.Date(2026, 12, 9, 7, 0, 0, 0, time.UTC)
	in := session("梧桐语讲坛 西迁往事", start)
	in.OnlineURL = "https://meeting.example.cn/9"
	l := f.published(t, in)
	sr, err := f.SeriesBySlug(ctx, "wu-tong-yu")
	if err != nil {
		t.Fatal(err)
	}
	opts := lectures.JSONLDInput{BaseURL: baseURL, Organizer: "离退休工作处", Series: &sr, MediaURL: func(id string) string { return baseURL + "/media/" + id }}

	m := jsonld(t, l, opts)
	want := map[string]any{
		"@context": "https://schema.org", "@type": "EducationEvent", "name": "梧桐语讲坛 西迁往事", "description": "西迁精神",
		"url": baseURL + "/lectures/" + l.Slug, "startDate": "2026-12-09T15:00:00+08:00", "endDate": "2026-12-09T16:30:00+08:00",
		"eventStatus": "https://schema.org/EventScheduled", "eventAttendanceMode": "https://schema.org/MixedEventAttendanceMode",
		"isAccessibleForFree": true, "inLanguage": "zh-CN",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("scheduled: %s = %v, want %v", k, m[k], v)
		}
	}
	loc := m["location"].([]any)
	if len(loc) != 2 || loc[0].(map[string]any)["@type"] != "Place" || loc[0].(map[string]any)["name"] != "兴庆校区 图书馆 报告厅" ||
		loc[0].(map[string]any)["address"].(map[string]any)["streetAddress"] != "咸宁西路28号" ||
		loc[1].(map[string]any)["@type"] != "VirtualLocation" || loc[1].(map[string]any)["url"] != in.OnlineURL {
		t.Errorf("location: %v", loc)
	}
	if p := m["performer"].([]any)[0].(map[string]any); p["@type"] != "Person" || p["name"] != "李教授" || p["jobTitle"] != "教授" {
		t.Errorf("performer: %v", p)
	}
	if o := m["offers"].(map[string]any); o["price"] != "0" || o["priceCurrency"] != "CNY" || o["availability"] != "https://schema.org/InStock" {
		t.Errorf("offers: %v", o)
	}
	if se := m["superEvent"].(map[string]any); se["@type"] != "EventSeries" || se["name"] != "梧桐语讲坛" {
		t.Errorf("superEvent: %v", se)
	}
	if _, ok := m["previousStartDate"]; ok {
		t.Error("a scheduled event has a previous start")
	}

	later := start.Add(7 * 24 * time.Hour)
	end := later.Add(time.Hour)
	steps := []struct {
		change lectures.EventChange
		check  func(m map[string]any)
	}{
		{lectures.EventChange{Status: lectures.EventRescheduled, Reason: "场地", StartsAt: &later, EndsAt: &end}, func(m map[string]any) {
			if m["eventStatus"] != "https://schema.org/EventRescheduled" || m["startDate"] != "2026-12-16T15:00:00+08:00" ||
				!reflect.DeepEqual(m["previousStartDate"], []any{"2026-12-09T15:00:00+08:00"}) {
				t.Errorf("rescheduled: %v %v %v", m["eventStatus"], m["startDate"], m["previousStartDate"])
			}
		}},
		{lectures.EventChange{Status: lectures.EventPostponed, Reason: "生病"}, func(m map[string]any) {
			if m["eventStatus"] != "https://schema.org/EventPostponed" || m["previousStartDate"] != nil {
				t.Errorf("postponed: %v %v", m["eventStatus"], m["previousStartDate"])
			}
		}},
		{lectures.EventChange{Status: lectures.EventMovedOnline, Reason: "线上"}, func(m map[string]any) {
			loc := m["location"].([]any)
			if m["eventStatus"] != "https://schema.org/EventMovedOnline" || m["eventAttendanceMode"] != "https://schema.org/OnlineEventAttendanceMode" ||
				len(loc) != 1 || loc[0].(map[string]any)["@type"] != "VirtualLocation" {
				t.Errorf("moved online: %v %v %v", m["eventStatus"], m["eventAttendanceMode"], loc)
			}
		}},
		{lectures.EventChange{Status: lectures.EventCancelled, Reason: "取消"}, func(m map[string]any) {
			if m["eventStatus"] != "https://schema.org/EventCancelled" || m["offers"].(map[string]any)["availability"] != "https://schema.org/SoldOut" {
				t.Errorf("cancelled: %v %v", m["eventStatus"], m["offers"])
			}
		}},
	}
	for _, st := range steps {
		if l, err = f.ChangeEvent(ctx, organizer, l.ID, 0, st.change); err != nil {
			t.Fatal(err)
		}
		st.check(jsonld(t, l, opts))
	}
}
