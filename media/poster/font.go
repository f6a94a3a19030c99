package poster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font/sfnt"
)

// SystemFonts are where distributions' packages put Noto Sans CJK (and
// one older Chinese face): FindFont looks at them in turn. Debian and
// Ubuntu's fonts-noto-cjk (verified: the tests run on it); Arch's
// noto-fonts-cjk; Fedora's google-noto-sans-cjk-fonts (newer and older
// folders); Alpine's font-noto-cjk; Debian's fonts-wqy-microhei.
var SystemFonts = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
}

// FindFont returns the first of paths that is a file, or "".
func FindFont(paths []string) string {
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// chineseSample are characters every notice uses: a face without them is
// not a Chinese face.
const chineseSample = "讲座时间地点报名电话银龄"

// Font is a Chinese face for notices, read from a TrueType or OpenType
// file or collection (CFF outlines too: Noto Sans CJK's .ttc), and the
// bold face beside it when there is one (the same name with Bold for
// Regular). It reads glyphs from the file as it draws, so it holds the
// file open until Close; it may draw several notices at once (each draws
// with faces of its own).
type Font struct {
	Path          string
	regular, bold *sfnt.Font
	files         []*os.File
}

// LoadFont opens the face at path. In a collection it takes the face
// named for Simplified Chinese (SC), else the first. An error says why the
// file cannot serve: missing, not a font, or without Chinese characters.
func LoadFont(path string) (*Font, error) {
	f := &Font{Path: path}
	var err error
	if f.regular, err = f.open(path); err != nil {
		f.Close()
		return nil, err
	}
	if bold := strings.Replace(path, "Regular", "Bold", 1); bold != path {
		if _, statErr := os.Stat(bold); statErr == nil {
			if f.bold, err = f.open(bold); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	if f.bold == nil {
		f.bold = f.regular
	}
	return f, nil
}

func (f *Font) open(path string) (*sfnt.Font, error) {
	file, err := os.Open(filepath.Clean(path))
	if err != nil {
		return nil, fmt.Errorf("open the font: %w", err)
	}
	f.files = append(f.files, file)
	c, err := sfnt.ParseCollectionReaderAt(file)
	if err != nil {
		return nil, fmt.Errorf("%s is not a TrueType or OpenType font: %w", path, err)
	}
	face, err := pickChinese(c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var b sfnt.Buffer
	for _, r := range chineseSample {
		if g, err := face.GlyphIndex(&b, r); err != nil || g == 0 {
			return nil, fmt.Errorf("%s has no glyph for %q: not a Chinese font", path, r)
		}
	}
	return face, nil
}

// pickChinese is the collection's Simplified Chinese face, else its
// first.
func pickChinese(c *sfnt.Collection) (*sfnt.Font, error) {
	var b sfnt.Buffer
	first, err := c.Font(0)
	if err != nil {
		return nil, err
	}
	for i := 0; i < c.NumFonts(); i++ {
		face, err := c.Font(i)
		if err != nil {
			continue
		}
		name, err := face.Name(&b, sfnt.NameIDFull)
		if err == nil && strings.Contains(name, " SC") && !strings.Contains(name, "Mono") {
			return face, nil
		}
	}
	if first == nil {
		return nil, errors.New("the collection holds no face")
	}
	return first, nil
}

// Close lets go of the font's files.
func (f *Font) Close() error {
	var errs []error
	for _, file := range f.files {
		errs = append(errs, file.Close())
	}
	f.files = nil
	return errors.Join(errs...)
}
