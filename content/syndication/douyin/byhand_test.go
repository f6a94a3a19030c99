package douyin_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/content/syndication/douyin"
	"github.com/yinling-cms/yinling/internal/douyinapi"
	"github.com/yinling-cms/yinling/internal/douyinapi/douyintest"
)

// TestAPostTheAppMayNotMakeGoesByHand: where the Open Platform answers
// that the app lacks the capability (28001018), that it is banned or
// offline (28001019) or that the API is gone (28001056), at the upload,
// a part or the create, the job waits for a person with the 视频号-style
// package (video, caption with its #话题, a Douyin checklist) and posts
// nothing; the person marks it posted without a link; a retry instead
// tries the platform again.
func TestAPostTheAppMayNotMakeGoesByHand(t *testing.T) {
	for _, c := range []struct {
		name    string
		path    string
		failure douyintest.Failure
		size    int64
		code    string
	}{
		{"the upload is not granted", douyinapi.PathUpload, douyintest.NotGranted, 1 << 20, "28001018"},
		{"the capability is withdrawn at the create", douyinapi.PathCreate, douyintest.Withdrawn, 1 << 20, "28001019"},
		{"the part upload's API is gone", douyinapi.PathPartUpload, douyintest.APIGone, 8 << 20, "28001056"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.douyin.Fail(c.path, c.failure)
			f.post(f.video(c.size), "e1")
			j := f.settle("e1")
			if why, _ := j.StepValue(syndication.StepByHand); j.State != syndication.WaitingPerson || why != c.code || !syndication.ByHand(j) {
				t.Fatalf("job %+v", j)
			}
			if !strings.Contains(j.Note, "（"+c.code+"），不能自动发布") || !strings.Contains(j.Note, "抖音 App") {
				t.Fatalf("note %q", j.Note)
			}
			if n := len(f.douyin.Posts()); n != 0 {
				t.Fatalf("%d posts made", n)
			}
			pkg, err := (&syndication.Packages{Media: f.lib}).Prepare(context.Background(), j)
			if err != nil {
				t.Fatal(err)
			}
			var zipped bytes.Buffer
			if err := pkg.Write(context.Background(), &zipped); err != nil {
				t.Fatal(err)
			}
			files := unzip(t, zipped.Bytes())
			if files["caption.txt"] != "老同志们登高望远 #重阳节 #银龄风采\n" || !strings.Contains(files["checklist.txt"], "抖音发布清单") ||
				!strings.Contains(files["checklist.txt"], "第 1.5 秒") || len(files["video.mp4"]) == 0 {
				t.Fatalf("package: caption %q, checklist %q, %d bytes of video", files["caption.txt"], files["checklist.txt"], len(files["video.mp4"]))
			}
			if c.code == "28001018" { // a person posted it: no link needed
				done, err := f.outbox.MarkDone(context.Background(), j.ID, "", "用办公室手机发的", "wang")
				if err != nil || done.State != syndication.Done || done.DoneBy != "wang" || done.PostURL != "" {
					t.Fatalf("marked done: %+v, %v", done, err)
				}
				if _, err := f.outbox.MarkDone(context.Background(), j.ID, "", "", "wang"); err == nil {
					t.Fatal("marked done twice")
				}
				return
			}
			if _, err := f.outbox.MarkDone(context.Background(), j.ID, "javascript:alert(1)", "", "wang"); err == nil {
				t.Fatal("a link that is not https was taken")
			}
			// The capability came back: a retry posts through the platform.
			if _, err := f.outbox.Retry(context.Background(), j.ID, "wang"); err != nil {
				t.Fatal(err)
			}
			if j = f.settle("e1"); j.State != syndication.Done || len(f.douyin.Posts()) != 1 {
				t.Fatalf("after the retry: %+v, %d posts", j, len(f.douyin.Posts()))
			}
		})
	}
}

// TestATakeDownOfAPostMadeByHandNamesNoItem: a post made by hand has no
// item id; its take-down asks a person to delete it in the app.
func TestATakeDownOfAPostMadeByHandNamesNoItem(t *testing.T) {
	f := newFixture(t)
	if _, err := f.outbox.Enqueue(context.Background(), syndication.Job{Key: "videos/e1/douyin/takedown/1", Kind: "videos",
		EntryID: "e1", Channel: douyin.Channel, Action: syndication.ActionTakeDown, Revision: 1,
		Steps: []syndication.Step{{Name: syndication.StepByHand, Value: "28001019"}}}); err != nil {
		t.Fatal(err)
	}
	j := f.settle("e1")
	if j.State != syndication.WaitingPerson || strings.Contains(j.Note, "item") || !strings.Contains(j.Note, "请在抖音 App 中删除这条作品") {
		t.Fatalf("take-down %+v", j)
	}
}

func unzip(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		_ = rc.Close()
		out[f.Name] = string(data)
	}
	return out
}
