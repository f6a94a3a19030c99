package reads

import (
	"context"
	"errors"
	"hash/maphash"
	"log/slog"
	"sync"
	"time"
)

// Counter defaults: see Config.
const (
	DefaultWindow     = 30 * time.Minute
	DefaultMaxSeen    = 200_000
	DefaultMaxPending = 50_000
	DefaultFlushEvery = 10 * time.Second
)

// Config is a Counter's store and bounds.
type Config struct {
	Store Store
	// Off counts nothing on this instance (View answers false); counts are
	// still read.
	Off bool
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
	// Window is how long a reload of the same page from the same address
	// and browser counts once: at least Window, at most twice (zero:
	// DefaultWindow).
	Window time.Duration
	// MaxSeen bounds the views remembered to tell reloads (zero:
	// DefaultMaxSeen); when it is reached sooner than Window, the older
	// half is forgotten early.
	MaxSeen int
	// MaxPending bounds the rows waiting to be written (zero:
	// DefaultMaxPending); views of an item with no row pending are then
	// dropped (and logged at the next flush) until a flush makes room.
	MaxPending int
	Logger     *slog.Logger
}

type rowKey struct {
	kind, id string
	day      int
}

// Counter counts views in memory and writes them in batches (Flush, Run).
// A nil *Counter counts nothing and reads nothing.
type Counter struct {
	cfg Config

	mu sync.Mutex
	// seed salts the hashes of views; made anew when seedDay passes.
	seed    maphash.Seed
	seedDay int
	// cur and prev are the hashes of views seen in this generation and the
	// one before; a generation lasts Window or until cur holds MaxSeen/2.
	cur, prev map[uint64]struct{}
	curSince  time.Time
	pending   map[rowKey]int64
	dropped   int64

	flushing sync.Mutex // one flush at a time
}

// New makes a counter over cfg.Store.
func New(cfg Config) *Counter {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.MaxSeen <= 1 {
		cfg.MaxSeen = DefaultMaxSeen
	}
	if cfg.MaxPending <= 1 {
		cfg.MaxPending = DefaultMaxPending
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Counter{cfg: cfg, cur: map[uint64]struct{}{}, prev: map[uint64]struct{}{}, pending: map[rowKey]int64{}}
}

// View counts a reader's view of the kind's item id, unless the same
// address and User-Agent viewed it within the window (a reload), and
// reports whether it counted. The caller has left out robots (Bot) and
// prefetches. Neither addr nor userAgent is kept: only a 64-bit hash of
// them with the item, salted with a seed of the day that lives in memory.
func (c *Counter) View(kind, id, addr, userAgent string) bool {
	if c == nil || c.cfg.Off || id == "" {
		return false
	}
	now := c.cfg.Now()
	day := Day(now)
	c.mu.Lock()
	defer c.mu.Unlock()
	if day != c.seedDay {
		c.seed, c.seedDay = maphash.MakeSeed(), day
		clear(c.cur)
		clear(c.prev)
		c.curSince = now
	}
	switch age := now.Sub(c.curSince); {
	case age >= 2*c.cfg.Window:
		clear(c.cur)
		clear(c.prev)
		c.curSince = now
	case age >= c.cfg.Window || len(c.cur) >= c.cfg.MaxSeen/2:
		c.prev, c.cur = c.cur, c.prev
		clear(c.cur)
		c.curSince = now
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, s := range [...]string{addr, userAgent, kind, id} {
		_, _ = h.WriteString(s)
		_ = h.WriteByte(0)
	}
	sum := h.Sum64()
	if _, ok := c.cur[sum]; ok {
		return false
	}
	if _, ok := c.prev[sum]; ok {
		return false
	}
	c.cur[sum] = struct{}{}
	d, t := rowKey{kind, id, day}, rowKey{kind, id, Total}
	_, hasD := c.pending[d]
	_, hasT := c.pending[t]
	if need := btoi(!hasD) + btoi(!hasT); len(c.pending)+need > c.cfg.MaxPending {
		c.dropped++
		return false
	}
	c.pending[d]++
	c.pending[t]++
	return true
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Seen is how many views the counter remembers to tell reloads (at most
// MaxSeen), and Pending how many rows wait to be written (at most
// MaxPending).
func (c *Counter) Seen() (seen, pending int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.prev), len(c.pending)
}

// Flush writes the counted views to the store as increments. What the
// store did not take stays for the next flush (within MaxPending; views
// counted meanwhile add to it), and the error is returned.
func (c *Counter) Flush(ctx context.Context) error {
	if c == nil {
		return nil
	}
	c.flushing.Lock()
	defer c.flushing.Unlock()
	c.mu.Lock()
	batch, dropped := c.pending, c.dropped
	c.pending, c.dropped = make(map[rowKey]int64, len(batch)), 0
	c.mu.Unlock()
	if dropped > 0 {
		c.cfg.Logger.Warn("read counts: views dropped, too many items waiting to be written", "views", dropped, "max_rows", c.cfg.MaxPending)
	}
	if len(batch) == 0 {
		return nil
	}
	rows := make([]Row, 0, len(batch))
	for k, n := range batch {
		rows = append(rows, Row{Kind: k.kind, ID: k.id, Day: k.day, N: n})
	}
	done, err := c.cfg.Store.AddReads(ctx, rows)
	if err == nil && done < len(rows) {
		err = errors.New("reads: the store added fewer rows than it was given")
	}
	if err == nil {
		return nil
	}
	c.mu.Lock()
	lost := int64(0)
	for _, r := range rows[done:] {
		k := rowKey{r.Kind, r.ID, r.Day}
		if _, ok := c.pending[k]; !ok && len(c.pending) >= c.cfg.MaxPending {
			lost += r.N
			continue
		}
		c.pending[k] += r.N
	}
	c.mu.Unlock()
	c.cfg.Logger.Error("read counts not written; kept for the next try", "rows", len(rows)-done, "lost_views", lost, "error", err)
	return err
}

// Run flushes every interval (zero: DefaultFlushEvery) until ctx ends,
// then once more on a context of its own (up to 10 s), so a shutdown
// loses nothing the database takes.
func (c *Counter) Run(ctx context.Context, every time.Duration) {
	if c == nil {
		return
	}
	if every <= 0 {
		every = DefaultFlushEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = c.Flush(ctx)
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			_ = c.Flush(fctx)
			cancel()
			return
		}
	}
}

// Totals answers the Total count of each of the kind's ids: the store's,
// plus what this instance counted and has not written yet. An id never
// read is 0.
func (c *Counter) Totals(ctx context.Context, kind string, ids []string) (map[string]int64, error) {
	if c == nil || len(ids) == 0 {
		return map[string]int64{}, nil
	}
	got, err := c.cfg.Store.ReadTotals(ctx, kind, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(ids))
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		out[id] = got[id] + c.pending[rowKey{kind, id, Total}]
	}
	return out, nil
}

// Total is Totals of one item.
func (c *Counter) Total(ctx context.Context, kind, id string) (int64, error) {
	m, err := c.Totals(ctx, kind, []string{id})
	return m[id], err
}

// Week is the Beijing-time week holding the counter's now (a nil
// counter's: the wall clock's), as its first and last Day.
func (c *Counter) Week() (from, to int) {
	if c == nil {
		return Week(time.Now())
	}
	return Week(c.cfg.Now())
}

// WeekMost answers the items read most in the Beijing-time week (Monday
// to Sunday) holding the counter's now, most first, at most limit, as the
// store has them (this instance's views not yet written are left out).
func (c *Counter) WeekMost(ctx context.Context, limit int) ([]Count, error) {
	if c == nil {
		return nil, nil
	}
	from, to := Week(c.cfg.Now())
	return c.cfg.Store.MostRead(ctx, from, to, limit)
}
