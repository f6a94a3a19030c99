package media

import (
	"bytes"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

type kind int

const (
	kindImage kind = iota + 1
	kindVideo
	kindDocument
	kindSubtitles
)

// The kinds of asset the library tells apart (Asset.Kind, AssetQuery).
const (
	KindImage     = "image"
	KindVideo     = "video"
	KindDocument  = "document"
	KindSubtitles = "subtitles"
)

// Kinds are the kinds of asset, in the order a filter offers them.
func Kinds() []string { return []string{KindImage, KindVideo, KindDocument, KindSubtitles} }

// KindOf is the kind of asset of a stored content type ("" for a type
// off the allowlist).
func KindOf(contentType string) string {
	switch kinds[contentType] {
	case kindImage:
		return KindImage
	case kindVideo:
		return KindVideo
	case kindDocument:
		return KindDocument
	case kindSubtitles:
		return KindSubtitles
	}
	return ""
}

// ContentTypesOf lists the stored content types of a kind of asset.
func ContentTypesOf(kind string) []string {
	var out []string
	for ct := range kinds {
		if KindOf(ct) == kind {
			out = append(out, ct)
		}
	}
	slices.Sort(out)
	return out
}

// kinds is the allowlist of stored types. Anything else is refused,
// SVG and HTML above all (they can carry script).
var kinds = map[string]kind{
	"image/jpeg":      kindImage,
	"image/png":       kindImage,
	"image/webp":      kindImage,
	"image/gif":       kindImage,
	"video/mp4":       kindVideo,
	"video/webm":      kindVideo,
	"application/pdf": kindDocument,
	"text/vtt":        kindSubtitles,
}

// extensions maps the file-name endings we recognise to the type their
// bytes must have.
var extensions = map[string]string{
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".jfif": "image/jpeg",
	".png": "image/png", ".webp": "image/webp", ".gif": "image/gif",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm",
	".pdf": "application/pdf", ".vtt": "text/vtt",
}

// canonicalExt is the ending given to stored names of each type.
var canonicalExt = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif",
	"video/mp4": ".mp4", "video/webm": ".webm", "application/pdf": ".pdf",
	"text/vtt": ".vtt",
}

// Sniff decides the type of an upload from its first bytes (at least 512
// when the file has them). It returns fault.Unsupported when the bytes are
// not of an allowed type.
func Sniff(head []byte) (string, error) {
	if len(head) >= 12 && string(head[4:8]) == "ftyp" {
		// ISO base media: MP4 and its brands; QuickTime ("qt  ") is not MP4.
		if string(head[8:12]) == "qt  " {
			return "", fault.New(fault.Unsupported, "QuickTime (.mov) video is not accepted; export it as MP4")
		}
		return "video/mp4", nil
	}
	if len(head) >= 4 && bytes.Equal(head[:4], []byte{0x1a, 0x45, 0xdf, 0xa3}) {
		if bytes.Contains(head[:min(len(head), 64)], []byte("webm")) {
			return "video/webm", nil
		}
		return "", fault.New(fault.Unsupported, "Matroska video is not accepted; use MP4 or WebM")
	}
	if isWebVTT(head) {
		return "text/vtt", nil
	}
	ct := http.DetectContentType(head)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if _, ok := kinds[ct]; !ok {
		return "", fault.New(fault.Unsupported,
			"this file type is not accepted (found %s); allowed are JPEG, PNG, WebP, GIF, MP4, WebM, PDF and WebVTT subtitles", ct)
	}
	return ct, nil
}

// CheckName verifies that what the client said of the file (its name and
// the part's Content-Type) agrees with the sniffed type. A file whose bytes
// are not what its name says is refused with fault.Unsupported.
func CheckName(filename, declaredType, sniffed string) error {
	ext := strings.ToLower(path.Ext(filename))
	if ext != "" {
		want, known := extensions[ext]
		if !known {
			return fault.New(fault.Unsupported, "files ending in %q are not accepted", ext)
		}
		if want != sniffed {
			return fault.New(fault.Unsupported, "the file is named %q but its bytes are %s", baseName(filename), sniffed)
		}
	}
	if declaredType != "" {
		dt, _, err := mime.ParseMediaType(declaredType)
		if err == nil && dt != "application/octet-stream" && dt != sniffed && !(dt == "image/jpg" && sniffed == "image/jpeg") {
			return fault.New(fault.Unsupported, "the file was sent as %s but its bytes are %s", dt, sniffed)
		}
	}
	return nil
}

// SafeName turns a client's file name into a display name: no directories,
// no control or quoting characters, no leading dots, valid UTF-8, at most
// 100 runes, and the ending of its real type.
func SafeName(filename, contentType string) string {
	name := baseName(filename)
	name = strings.TrimSuffix(name, path.Ext(name))
	name = strings.Map(func(r rune) rune {
		switch {
		case plain.Invisible(r), strings.ContainsRune(`"\/:*?<>|;`, r): // U+202E would turn "gpj.exe" into "exe.jpg"
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(strings.ToValidUTF8(name, "")), ". ")
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	return name + canonicalExt[contentType]
}

func baseName(filename string) string {
	filename = strings.ReplaceAll(filename, "\\", "/")
	return path.Base(filename)
}
