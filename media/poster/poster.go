// Package poster draws a lecture's printable notice (A4, in large type,
// with the QR code of its page) as a PNG, for staff to print or post
// where the website's own print (the lecture page's print stylesheet)
// does not reach: a chat group, a notice board's screen, a print shop.
//
// Chinese text needs a Chinese face on the server: Font reads one
// (Noto Sans CJK's .ttc from Debian's fonts-noto-cjk, or any TrueType or
// OpenType face the operator names) through golang.org/x/image's sfnt,
// which reads CFF outlines and collections. Without one there is no
// notice image, and the caller says so.
package poster

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/yinling-cms/yinling/media/qr"
)

// The page: A4 (210 × 297 mm) at 150 dpi, with 15 mm margins.
const (
	DPI    = 150
	Width  = 1240 // 210 mm
	Height = 1754 // 297 mm
	margin = 89   // 15 mm
)

// Notice is what a lecture's notice says, in words already made for
// readers (dates and places written out, in Chinese).
type Notice struct {
	Office   string   // the office's name, at the top
	Series   string   // the series, above the title ("": none)
	Title    string   // the session's title
	Status   string   // a change readers must see first ("已延期：……"; "": none)
	When     string   // 2026年12月10日 星期四 14:30–16:00
	Place    string   // the room, or 线上
	Speakers []string // 张三（教授）
	Register []string // how to register, one line each
	Phone    string   // the office's phone ("": none)
	URL      string   // the page the QR code leads to
}

// Renderer draws notices with a Font, at most a few at a time (each
// holds an A4 page in memory, 2 MB, while it draws).
type Renderer struct {
	font  *Font
	slots chan struct{}
}

// NewRenderer draws with font, at most concurrent notices at once (at
// least 1).
func NewRenderer(f *Font, concurrent int) *Renderer {
	return &Renderer{font: f, slots: make(chan struct{}, max(concurrent, 1))}
}

// FontPath is the file the renderer's face came from.
func (r *Renderer) FontPath() string { return r.font.Path }

// PNG draws the notice as an A4 PNG at DPI, the QR code of n.URL at its
// foot. It waits for a free slot as long as ctx allows (ctx's error
// then); an error otherwise is a URL too long for a QR code or a face
// that cannot draw.
func (r *Renderer) PNG(ctx context.Context, n Notice) ([]byte, error) {
	if err := ctx.Err(); err != nil { // gone already: draw nothing, even with a slot free
		return nil, fmt.Errorf("poster: wait to draw: %w", err)
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("poster: wait to draw: %w", ctx.Err())
	}
	code, err := qr.Encode(n.URL)
	if err != nil {
		return nil, err
	}
	p, err := r.newPage()
	if err != nil {
		return nil, err
	}
	p.draw(n, code)
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, p.img); err != nil {
		return nil, fmt.Errorf("poster: encode: %w", err)
	}
	return b.Bytes(), nil
}

// Type sizes in pixels at 150 dpi (1 pt = 150/72 px): the title 40 pt,
// the facts 22 pt (the website's largest body text is 32 px on a screen;
// paper is read from further away).
const (
	sizeOffice = 40
	sizeSeries = 52
	sizeTitle  = 84
	sizeStatus = 60
	sizeLabel  = 46
	sizeFact   = 46
	sizeSmall  = 32
	sizePhone  = 56
)

var (
	ink    = color.Gray{Y: 0x1a} // the theme's text colour
	muted  = color.Gray{Y: 0x3d}
	rule   = color.Gray{Y: 0x80}
	paper  = color.Gray{Y: 0xff}
	qrSide = 354 // 6 cm at 150 dpi: more than enough to read across a corridor
)

// page is one notice being drawn.
type page struct {
	img   *image.Gray
	faces map[[2]int]font.Face // by size and weight (0 regular, 1 bold)
	y     int                  // the top of the next line
}

func (r *Renderer) newPage() (*page, error) {
	img := image.NewGray(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	p := &page{img: img, faces: map[[2]int]font.Face{}, y: margin}
	for _, size := range []int{sizeOffice, sizeSeries, sizeTitle, sizeStatus, sizeLabel, sizeFact, sizeSmall, sizePhone} {
		for w, src := range []*sfnt.Font{r.font.regular, r.font.bold} {
			f, err := opentype.NewFace(src, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingNone})
			if err != nil {
				return nil, fmt.Errorf("poster: a face of %d px: %w", size, err)
			}
			p.faces[[2]int{size, w}] = f
		}
	}
	return p, nil
}

func (p *page) face(size int, bold bool) font.Face {
	w := 0
	if bold {
		w = 1
	}
	return p.faces[[2]int{size, w}]
}

// text draws s from the left edge x, wrapped to width, each line
// lineHeight × size apart, and moves the page's y below it; at most
// maxLines lines (the last ending in …).
func (p *page) text(s string, x, width, size int, bold bool, c color.Color, maxLines int) {
	f := p.face(size, bold)
	lines := wrap(f, s, width)
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		last := []rune(lines[maxLines-1])
		for len(last) > 0 && font.MeasureString(f, string(last)+"…").Ceil() > width {
			last = last[:len(last)-1]
		}
		lines[maxLines-1] = string(last) + "…"
	}
	ascent := f.Metrics().Ascent.Ceil()
	step := size * 3 / 2
	for _, line := range lines {
		d := font.Drawer{Dst: p.img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, p.y+ascent)}
		d.DrawString(line)
		p.y += step
	}
}

// height is how far text with the same arguments would move the page's
// y.
func (p *page) height(s string, width, size int, bold bool, maxLines int) int {
	return min(len(wrap(p.face(size, bold), s, width)), maxLines) * (size * 3 / 2)
}

// wrap breaks s into lines no wider than width: between any two Chinese
// characters, between words of other scripts, and inside a word only
// when it is wider than a line (a URL). A line never starts with closing
// punctuation.
func wrap(f font.Face, s string, width int) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		for _, r := range para {
			next := append(line, r)
			if len(line) > 0 && font.MeasureString(f, string(next)).Ceil() > width {
				cut := len(line)
				if !unicode.Is(unicode.Han, r) && r != ' ' {
					// Go back to the start of the word, if the line has
					// more than it.
					for i := len(line) - 1; i > 0; i-- {
						if strings.ContainsRune(" -/", line[i]) || unicode.Is(unicode.Han, line[i]) {
							cut = i + 1
							break
						}
					}
				}
				if strings.ContainsRune("，。、；：？！）》」』”", r) && cut == len(line) && cut > 1 {
					cut-- // carry the last character down with the punctuation
				}
				lines = append(lines, strings.TrimRight(string(line[:cut]), " "))
				line = append([]rune{}, line[cut:]...)
				if r == ' ' && len(line) == 0 {
					continue
				}
				next = append(line, r)
			}
			line = next
		}
		lines = append(lines, string(line))
	}
	return lines
}

func (p *page) hline(y, thickness int, c color.Color) {
	draw.Draw(p.img, image.Rect(margin, y, Width-margin, y+thickness), image.NewUniform(c), image.Point{}, draw.Src)
}

// draw lays the notice out: the office and series, the title, a change
// in a box, the facts under labels, and at the foot the QR code beside
// how to reach the page and the office. The foot is placed first, at the
// bottom of the page; everything above takes the room left above it,
// each part capped in lines (a line that does not fit ends in …).
func (p *page) draw(n Notice, code *qr.Code) {
	inner := Width - 2*margin
	textW := inner - qrSide - 40
	const scan = "用手机扫描右侧二维码\n查看详情、在线报名"
	footH := 10 + p.height(scan, textW, sizeFact, true, 3) + 6 + p.height(n.URL, textW, sizeSmall, false, 3)
	if n.Phone != "" {
		footH += 16 + p.height("咨询电话", textW, sizeFact, true, 1) + p.height(n.Phone, textW, sizePhone, true, 2)
	}
	footTop := Height - margin - max(qrSide, footH)
	limit := footTop - 50 // the rule above the foot, and air
	// room is how many lines of size still fit above the foot, at most
	// lines.
	room := func(size, lines int) int { return min(lines, max((limit-p.y)/(size*3/2), 0)) }

	if n.Office != "" && room(sizeOffice, 1) > 0 {
		p.text(n.Office, margin, inner, sizeOffice, false, muted, 1)
	}
	if n.Series != "" && room(sizeSeries, 2) > 0 {
		p.text(n.Series, margin, inner, sizeSeries, true, muted, room(sizeSeries, 2))
	}
	p.y += 10
	if lines := room(sizeTitle, 3); lines > 0 {
		p.text(n.Title, margin, inner, sizeTitle, true, ink, lines)
	}
	if n.Status != "" && p.y+10+24+sizeStatus*3/2+8 <= limit {
		top := p.y + 10
		p.y = top + 24
		p.text(n.Status, margin+30, inner-60, sizeStatus, true, ink, max(room(sizeStatus, 2), 1))
		bottom := p.y + 8
		for i := 0; i < 6; i++ { // a 1 mm frame
			draw.Draw(p.img, image.Rect(margin+i, top+i, Width-margin-i, top+i+1), image.NewUniform(ink), image.Point{}, draw.Src)
			draw.Draw(p.img, image.Rect(margin+i, bottom-i-1, Width-margin-i, bottom-i), image.NewUniform(ink), image.Point{}, draw.Src)
			draw.Draw(p.img, image.Rect(margin+i, top+i, margin+i+1, bottom-i), image.NewUniform(ink), image.Point{}, draw.Src)
			draw.Draw(p.img, image.Rect(Width-margin-i-1, top+i, Width-margin-i, bottom-i), image.NewUniform(ink), image.Point{}, draw.Src)
		}
		p.y = bottom + 10
	}
	if p.y+20 < limit {
		p.y += 20
		p.hline(p.y, 4, ink)
		p.y += 40
	}

	labelW := sizeLabel*2 + 40
	fact := func(label, value string, lines int) {
		lines = room(sizeFact, lines)
		if value == "" || lines < 1 {
			return
		}
		top := p.y
		p.text(label, margin, labelW, sizeLabel, true, ink, 1)
		p.y = top
		p.text(value, margin+labelW, inner-labelW, sizeFact, false, ink, lines)
		p.y += 18
	}
	fact("时间", n.When, 2)
	fact("地点", n.Place, 3)
	fact("主讲", strings.Join(n.Speakers, "\n"), 4)
	fact("报名", strings.Join(n.Register, "\n"), 4)

	p.hline(footTop-30, 2, rule)
	scale := qrSide / code.Size()
	side := scale * code.Size()
	at := image.Pt(Width-margin-side, footTop+(qrSide-side)/2)
	draw.Draw(p.img, image.Rectangle{Min: at, Max: at.Add(image.Pt(side, side))}, code.Image(scale), image.Point{}, draw.Src)
	p.y = footTop + 10
	p.text(scan, margin, textW, sizeFact, true, ink, 3)
	p.y += 6
	p.text(n.URL, margin, textW, sizeSmall, false, muted, 3)
	if n.Phone != "" {
		p.y += 16
		p.text("咨询电话", margin, textW, sizeFact, true, ink, 1)
		p.text(n.Phone, margin, textW, sizePhone, true, ink, 2)
	}
}
