package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/videos"
	"github.com/yinling-cms/yinling/internal/ground/ident"
)

var videoTests = []test{
	{"a video reads back exactly, and lists by publication and hashtag with its caption", func(t *testing.T, s Stores) {
		ctx := ctxFor(t)
		now := ms(time.Now())
		var all []videos.Video
		for i, tag := range []string{"重阳节", "太极拳", "重阳节"} {
			at := now.Add(time.Duration(i) * time.Minute)
			in := videos.Input{Title: "短视频", Caption: "#重阳节 老同志们登高", Hashtags: []string{tag}, Video: ident.New(), Cover: ident.New(),
				CoverAtMS: 1500, Subtitles: ident.New(), Channels: []string{videos.ChannelDouyin, videos.ChannelWeChatChannels}}
			v := videos.Video{ID: ident.New(), Slug: "v" + string(rune('a'+i)), Input: in, Revision: 1,
				Lifecycle: content.Lifecycle{Status: content.StatusPublished, Version: 2, Author: "u", CreatedAt: now, UpdatedAt: now, PublishedAt: &at},
				Live:      &videos.Live{Input: in, PublishedAt: at, UpdatedAt: at, Revision: 1}}
			if err := s.Videos.Insert(ctx, v); err != nil {
				t.Fatal(err)
			}
			all = append(all, v)
		}
		got, err := s.Videos.GetLive(ctx, "va")
		if err != nil || !reflect.DeepEqual(got, all[0]) {
			t.Fatalf("read back: %+v, %v\nwant %+v", got, err, all[0])
		}
		list, err := s.Videos.List(ctx, content.ItemQuery{Published: true, Tag: "重阳节", Limit: 10})
		if err != nil || len(list) != 2 || list[0].ID != all[2].ID || list[1].ID != all[0].ID {
			t.Fatalf("by hashtag: %d, %v", len(list), err)
		}
		if list[0].Caption == "" || list[0].Live.Caption == "" || list[0].Title == "" {
			t.Fatalf("a listed video: %+v", list[0])
		}
	}},
}
