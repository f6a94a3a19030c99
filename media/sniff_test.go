package media

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

func TestSniff(t *testing.T) {
	cases := []struct {
		name string
		head string
		want string
	}{
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"},
		{"gif", "GIF89a\x01\x00\x01\x00", "image/gif"},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"},
		{"mp4", "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "video/mp4"},
		{"webm", "\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm", "video/webm"},
		{"pdf", "%PDF-1.7\n", "application/pdf"},
		{"webvtt", "WEBVTT\n\n00:01.000 --> 00:04.000\n你好", "text/vtt"},
		{"webvtt with BOM and header text", "\xef\xbb\xbfWEBVTT - 讲座字幕\r\n", "text/vtt"},
	}
	for _, c := range cases {
		got, err := Sniff([]byte(c.head))
		if err != nil || got != c.want {
			t.Errorf("%s: Sniff = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	refused := map[string]string{
		"svg":       `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`,
		"html":      "<!DOCTYPE html><script>alert(1)</script>",
		"quicktime": "\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00",
		"mkv":       "\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska",
		"exe":       "MZ\x90\x00\x03\x00\x00\x00",
		"zip":       "PK\x03\x04\x14\x00",
		"text":      "hello",
		"webvttx":   "WEBVTTX\n",
		"srt":       "1\n00:00:01,000 --> 00:00:04,000\n你好\n",
	}
	for name, head := range refused {
		if _, err := Sniff([]byte(head)); !fault.Is(err, fault.Unsupported) {
			t.Errorf("%s: err = %v, want Unsupported", name, err)
		}
	}
}

func TestCheckName(t *testing.T) {
	ok := []struct{ name, declared, sniffed string }{
		{"photo.JPG", "image/jpeg", "image/jpeg"},
		{"photo.jpeg", "image/jpg", "image/jpeg"},
		{"noext", "", "image/png"},
		{"clip.mp4", "application/octet-stream", "video/mp4"},
		{"讲座.pdf", "application/pdf", "application/pdf"},
	}
	for _, c := range ok {
		if err := CheckName(c.name, c.declared, c.sniffed); err != nil {
			t.Errorf("CheckName(%q, %q, %q) = %v", c.name, c.declared, c.sniffed, err)
		}
	}
	bad := []struct{ name, declared, sniffed string }{
		{"photo.png", "", "image/jpeg"},
		{"photo.svg", "", "image/png"},
		{"photo.html", "", "image/png"},
		{"photo", "image/png", "image/jpeg"},
		{"a.pdf.exe", "", "application/pdf"},
	}
	for _, c := range bad {
		if err := CheckName(c.name, c.declared, c.sniffed); !fault.Is(err, fault.Unsupported) {
			t.Errorf("CheckName(%q, %q, %q) = %v, want Unsupported", c.name, c.declared, c.sniffed, err)
		}
	}
}

func TestSafeName(t *testing.T) {
	cases := []struct{ in, ct, want string }{
		{"../../etc/passwd.jpg", "image/jpeg", "passwd.jpg"},
		{`C:\Users\王\Desktop\合影.JPEG`, "image/jpeg", "合影.jpg"},
		{"a\"b;c\r\nd.png", "image/png", "abcd.png"},
		{"", "application/pdf", "file.pdf"},
		{"..", "image/gif", "file.gif"},
		{"clip", "video/mp4", "clip.mp4"},
		{"讲义\u202Egpj.pdf", "application/pdf", "讲义gpj.pdf"}, // no right-to-left override
		{"零\u200B宽\u0085.png", "image/png", "零宽.png"},       // no zero-width or C1 characters
	}
	for _, c := range cases {
		if got := SafeName(c.in, c.ct); got != c.want {
			t.Errorf("SafeName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzSafeNameIsSafe(f *testing.F) {
	for _, s := range []string{"../../etc/passwd", "a\x00b.jpg", `C:\x\y.png`, "合影.JPEG", "\"quoted\";.gif", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := SafeName(name, "image/png")
		if !strings.HasSuffix(got, ".png") || strings.ContainsAny(got, "/\\\"\r\n\x00;") || strings.HasPrefix(got, ".") {
			t.Fatalf("SafeName(%q) = %q", name, got)
		}
		if utf8.RuneCountInString(got) > 104 {
			t.Fatalf("SafeName(%q) is %d characters long", name, utf8.RuneCountInString(got))
		}
	})
}

func TestCheckWebVTT(t *testing.T) {
	good := []string{
		"WEBVTT\n\n00:01.000 --> 00:04.000\n老同志们好\n",
		"\xef\xbb\xbfWEBVTT 字幕\r\n\r\nintro\r\n00:00:01.000 --> 00:00:04.500 align:start line:90%\r\n<v 王老师>欢迎</v>\r\n\r\n01:00:00.000 --> 01:00:02.000\r\n再见\r\n",
	}
	for _, s := range good {
		if err := CheckWebVTT(strings.NewReader(s)); err != nil {
			t.Errorf("CheckWebVTT(%q) = %v", s, err)
		}
	}
	bad := map[string]string{
		"no header":       "00:01.000 --> 00:04.000\nhi\n",
		"no cue":          "WEBVTT\n\nNOTE nothing here\n",
		"srt commas":      "WEBVTT\n\n00:00:01,000 --> 00:00:04,000\nhi\n",
		"backwards":       "WEBVTT\n\n00:05.000 --> 00:04.000\nhi\n",
		"sixty seconds":   "WEBVTT\n\n00:60.000 --> 01:04.000\nhi\n",
		"not utf-8 (GBK)": "WEBVTT\n\n00:01.000 --> 00:04.000\n\xc4\xe3\xba\xc3\n",
		"missing end":     "WEBVTT\n\n00:01.000 -->\nhi\n",
	}
	for name, s := range bad {
		err := CheckWebVTT(strings.NewReader(s))
		if fe := fault.As(err); fe == nil || fe.Kind != fault.Invalid || len(fe.Fields) != 1 || fe.Fields[0].Field != "file" {
			t.Errorf("%s: CheckWebVTT = %v, want a field error on file", name, err)
		}
	}
}
