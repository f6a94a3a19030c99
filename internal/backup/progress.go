package backup

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Progress reports how an export or import goes: a bar redrawn in place
// on a terminal (items, bytes, rate, time left), plain log lines every few
// seconds otherwise.
type Progress struct {
	out      io.Writer
	terminal bool
	every    time.Duration

	mu              sync.Mutex
	what            string
	items, tot      int64
	bytes, totBytes int64
	start, last     time.Time
}

// NewProgress writes to out; a terminal is told apart by its file mode.
func NewProgress(out io.Writer) *Progress {
	p := &Progress{out: out, every: 5 * time.Second}
	if f, ok := out.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal, p.every = true, 100*time.Millisecond
		}
	}
	return p
}

// begin starts a stage of items and bytes to go.
func (p *Progress) begin(what string, items, bytes int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.what, p.items, p.tot, p.bytes, p.totBytes = what, 0, items, 0, bytes
	p.start, p.last = time.Now(), time.Time{}
	p.print(false)
}

// add counts items and bytes done.
func (p *Progress) add(items, bytes int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.items += items
	p.bytes += bytes
	if time.Since(p.last) >= p.every {
		p.print(false)
	}
}

// end finishes the stage.
func (p *Progress) end() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.print(true)
}

func (p *Progress) print(final bool) {
	p.last = time.Now()
	elapsed := time.Since(p.start)
	rate := float64(p.bytes) / max(elapsed.Seconds(), 0.001)
	left := "-"
	if p.bytes > 0 && p.totBytes > p.bytes {
		left = (time.Duration(float64(p.totBytes-p.bytes)/rate) * time.Second / time.Second).Round(time.Second).String()
	} else if p.totBytes > 0 && p.bytes >= p.totBytes {
		left = "0s"
	}
	line := fmt.Sprintf("%s: %d/%d items, %s/%s, %s/s, %s left", p.what, p.items, p.tot, size(p.bytes), size(p.totBytes), size(int64(rate)), left)
	if p.terminal {
		bar := 0
		if p.totBytes > 0 {
			bar = int(20 * min(1, float64(p.bytes)/float64(p.totBytes)))
		} else if p.tot > 0 {
			bar = int(20 * min(1, float64(p.items)/float64(p.tot)))
		}
		fmt.Fprintf(p.out, "\r[%-20s] %s\x1b[K", strings.Repeat("#", bar), line)
		if final {
			fmt.Fprintln(p.out)
		}
		return
	}
	fmt.Fprintln(p.out, line)
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
