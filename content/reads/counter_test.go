package reads

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// memStore is a store in a map; failing makes AddReads write the first
// rows and fail on the next one.
type memStore struct {
	mu      sync.Mutex
	n       map[rowKey]int64
	failAt  int // -1: never
	written int
}

func newMem() *memStore { return &memStore{n: map[rowKey]int64{}, failAt: -1} }

func (m *memStore) AddReads(_ context.Context, rows []Row) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, r := range rows {
		if i == m.failAt {
			return i, errors.New("the database is down")
		}
		m.n[rowKey{r.Kind, r.ID, r.Day}] += r.N
		m.written++
	}
	return len(rows), nil
}

func (m *memStore) ReadTotals(_ context.Context, kind string, ids []string) (map[string]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int64{}
	for _, id := range ids {
		if n, ok := m.n[rowKey{kind, id, Total}]; ok {
			out[id] = n
		}
	}
	return out, nil
}

func (m *memStore) MostRead(context.Context, int, int, int) ([]Count, error) { return nil, nil }

func TestDayAndWeekAreBeijingTime(t *testing.T) {
	at := time.Date(2026, 12, 6, 17, 0, 0, 0, time.UTC) // Monday 01:00 in Beijing
	if d := Day(at); d != 20261207 {
		t.Errorf("Day = %d, want 20261207", d)
	}
	if from, to := Week(at); from != 20261207 || to != 20261213 {
		t.Errorf("Week = %d..%d, want 20261207..20261213", from, to)
	}
	sunday := time.Date(2026, 12, 13, 15, 59, 0, 0, time.UTC) // Sunday 23:59 in Beijing
	if from, to := Week(sunday); from != 20261207 || to != 20261213 {
		t.Errorf("Week of Sunday night = %d..%d", from, to)
	}
}

func TestReloadsCountOnceWithinTheWindow(t *testing.T) {
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	store := newMem()
	c := New(Config{Store: store, Now: func() time.Time { return now }, Window: 30 * time.Minute})
	ua := "Mozilla/5.0 (iPhone) MicroMessenger/8.0"
	if !c.View("stories", "s1", "10.0.0.1", ua) {
		t.Fatal("a first view did not count")
	}
	for range 5 {
		if c.View("stories", "s1", "10.0.0.1", ua) {
			t.Fatal("a reload counted")
		}
	}
	if !c.View("stories", "s1", "10.0.0.2", ua) || !c.View("stories", "s2", "10.0.0.1", ua) || !c.View("stories", "s1", "10.0.0.1", ua+" x") {
		t.Fatal("another address, item or browser did not count")
	}
	now = now.Add(61 * time.Minute) // two windows later: a view again
	if !c.View("stories", "s1", "10.0.0.1", ua) {
		t.Fatal("a view after the window did not count")
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := store.n[rowKey{"stories", "s1", Total}]; got != 4 {
		t.Errorf("total of s1 = %d, want 4", got)
	}
	if got := store.n[rowKey{"stories", "s1", 20261207}]; got != 4 {
		t.Errorf("s1 on its day = %d, want 4", got)
	}
}

func TestTheMemoryOfViewsIsBounded(t *testing.T) {
	store := newMem()
	c := New(Config{Store: store, MaxSeen: 100, MaxPending: 6})
	for i := range 10_000 {
		c.View("stories", fmt.Sprint("s", i%3), fmt.Sprint("10.0.", i/256, ".", i%256), "Mozilla/5.0")
	}
	seen, pending := c.Seen()
	if seen > 100 || pending > 6 {
		t.Errorf("seen %d (max 100), pending %d (max 6)", seen, pending)
	}
	for i := range 100 { // new items find no room until a flush
		if c.View("stories", fmt.Sprint("other", i), "10.9.9.9", "Mozilla/5.0") {
			t.Fatal("a view past MaxPending counted")
		}
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := store.n[rowKey{"stories", "s0", Total}] + store.n[rowKey{"stories", "s1", Total}] + store.n[rowKey{"stories", "s2", Total}]; got != 10_000 {
		t.Errorf("views of items with room: %d, want 10000 (every address is new)", got)
	}
}

func TestAFailedFlushKeepsTheViewsForTheNext(t *testing.T) {
	store := newMem()
	store.failAt = 1
	c := New(Config{Store: store})
	for i := range 7 {
		c.View("videos", "v1", fmt.Sprint("10.0.0.", i), "Mozilla/5.0")
	}
	c.View("lectures", "l1", "10.0.0.1", "Mozilla/5.0")
	if err := c.Flush(context.Background()); err == nil {
		t.Fatal("the failure was not reported")
	}
	if got, _ := c.Total(context.Background(), "videos", "v1"); got != 7 {
		t.Errorf("total while waiting = %d, want 7", got)
	}
	c.View("videos", "v1", "10.0.0.99", "Mozilla/5.0")
	store.failAt = -1
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, l := store.n[rowKey{"videos", "v1", Total}], store.n[rowKey{"lectures", "l1", Total}]; v != 8 || l != 1 {
		t.Errorf("after the retry: v1 %d (want 8), l1 %d (want 1)", v, l)
	}
	if _, pending := c.Seen(); pending != 0 {
		t.Errorf("%d rows still pending", pending)
	}
}

func TestOffCountsNothing(t *testing.T) {
	c := New(Config{Store: newMem(), Off: true})
	if c.View("stories", "s1", "10.0.0.1", "Mozilla/5.0") {
		t.Fatal("counted while off")
	}
	var none *Counter
	if none.View("stories", "s1", "a", "b") || none.Flush(context.Background()) != nil {
		t.Fatal("a nil counter counted")
	}
}

func TestBots(t *testing.T) {
	for ua, bot := range map[string]bool{
		"": true, "  ": true,
		"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)":                                                                  true,
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":                                                                             true,
		"Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)":                                                                              true,
		"Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)": true,
		"curl/8.5.0": true, "Go-http-client/1.1": true, "python-requests/2.31": true,
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36":                                                                   true,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN": false,
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0":                                                   false,
	} {
		if Bot(ua) != bot {
			t.Errorf("Bot(%q) = %v, want %v", ua, !bot, bot)
		}
	}
}

// BenchmarkView is the counter's cost per view on the request's path:
// a new reader each time (counted and remembered), and a reload.
func BenchmarkView(b *testing.B) {
	ua := "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.44"
	b.Run("new reader", func(b *testing.B) {
		c := New(Config{Store: newMem()})
		addrs := make([]string, 1<<16)
		for i := range addrs {
			addrs[i] = fmt.Sprint("10.0.", i>>8, ".", i&255)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			c.View("stories", "06h36qb17yt48jk5vrzzdsdn", addrs[i&(1<<16-1)], ua+fmt.Sprint(i>>16))
			i++
		}
	})
	b.Run("reload", func(b *testing.B) {
		c := New(Config{Store: newMem()})
		c.View("stories", "06h36qb17yt48jk5vrzzdsdn", "10.0.0.1", ua)
		b.ReportAllocs()
		for b.Loop() {
			c.View("stories", "06h36qb17yt48jk5vrzzdsdn", "10.0.0.1", ua)
		}
	})
}

// BenchmarkBot is the robot check of a browser's User-Agent (the usual
// case: every token looked for, none found).
func BenchmarkBot(b *testing.B) {
	ua := "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN"
	b.ReportAllocs()
	for b.Loop() {
		if Bot(ua) {
			b.Fatal("a browser taken for a robot")
		}
	}
}

// TestRunWritesWhatIsLeftWhenItStops: the server's shutdown ends Run's
// context; Run writes the views counted so far before it returns.
func TestRunWritesWhatIsLeftWhenItStops(t *testing.T) {
	store := newMem()
	c := New(Config{Store: store})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx, time.Hour); close(done) }()
	for i := range 5 {
		c.View("lectures", "l1", fmt.Sprint("10.0.0.", i), "Mozilla/5.0")
	}
	cancel()
	<-done
	if got := store.n[rowKey{"lectures", "l1", Total}]; got != 5 {
		t.Fatalf("written at shutdown: %d, want 5", got)
	}
}
