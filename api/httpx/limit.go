package httpx

import (
	"net/netip"
	"sync"
	"time"
)

// AddressLimit counts requests per client address in fixed windows: at
// most n per window per address, an IPv6 address counting as its /64 (one
// subscriber's network: a client picks any address in it at will; see
// AddressKey). It lives in this instance's memory (with several instances
// each counts on its own, which still stops a script at one address) and
// is swept of ended windows once a window, and when it holds
// maxAddresses, so a flood of addresses cannot grow it. One AddressLimit
// may serve several routes: they then share the count.
type AddressLimit struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	seen    map[string]*addressCount
	sweptAt time.Time
}

type addressCount struct {
	start time.Time
	n     int
}

const maxAddresses = 100_000

// LookupLimit is the limit of lookups and cancellations of registrations
// by code for an address that may send registering's registrations:
// twice as many, at least 60, in ten minutes. A code has about 49 bits:
// that many tries find none.
func LookupLimit(registering *AddressLimit) *AddressLimit {
	return NewAddressLimit(max(60, registering.N()*2), 10*time.Minute)
}

// NewAddressLimit allows n requests per window per address.
func NewAddressLimit(n int, window time.Duration) *AddressLimit {
	return &AddressLimit{n: n, window: window, now: time.Now, seen: map[string]*addressCount{}}
}

// N is how many requests per window the limit allows.
func (l *AddressLimit) N() int { return l.n }

// Allow counts one request from addr and reports whether it is within the
// limit, and if not, how long until it is.
func (l *AddressLimit) Allow(addr string) (bool, time.Duration) {
	addr = AddressKey(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.sweptAt) >= l.window || len(l.seen) >= maxAddresses {
		l.sweep(now)
	}
	c := l.seen[addr]
	if c == nil || now.Sub(c.start) >= l.window {
		c = &addressCount{start: now}
		l.seen[addr] = c
	}
	if c.n >= l.n {
		return false, c.start.Add(l.window).Sub(now)
	}
	c.n++
	return true, 0
}

// sweep drops the windows that ended; should the table still be full (a
// flood from that many addresses, which no per-address limit stops), it
// starts afresh.
func (l *AddressLimit) sweep(now time.Time) {
	for addr, c := range l.seen {
		if now.Sub(c.start) >= l.window {
			delete(l.seen, addr)
		}
	}
	if len(l.seen) >= maxAddresses {
		l.seen = map[string]*addressCount{}
	}
	l.sweptAt = now
}

// AddressKey is what per-address limits count a client address as: an
// IPv4 address (an IPv4-mapped IPv6 one too) as itself, an IPv6 address
// as its /64 ("2001:db8:1:2::/64"), anything unreadable as given.
func AddressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip.WithZone(""), 64).Masked().String()
}
