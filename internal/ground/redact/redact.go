// Package redact takes URLs out of text that is stored or logged: an
// error from an HTTP client holds the whole URL it dialled (Go's
// *url.Error does), and a webhook's, a search engine's or a database's
// URL may hold its key in the query (?key=, ?access_token=), in the path
// (a chat bot's hook) or as a user and password. Only the scheme and the
// host are kept: enough to tell which service failed. It imports only the
// standard library, so every layer may use it.
package redact

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
)

// urlPattern finds anything of the form scheme://..., up to a space, a
// quote or an angle bracket (Go quotes the URL in a *url.Error).
var urlPattern = regexp.MustCompile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>`]+")

// URLs returns s with every URL in it cut to its scheme and host: a user
// and password become "…@", and whatever follows the host (path, query,
// fragment) becomes "/…".
func URLs(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlPattern.ReplaceAllStringFunc(s, URL)
}

// URL is one URL cut to its scheme and host, as URLs cuts it; text with
// no "://" in it becomes "…" whole (it may be "user:password@host").
func URL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return "…"
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	var b strings.Builder
	b.WriteString(scheme + "://")
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		b.WriteString("…@")
		authority = authority[i+1:]
	}
	b.WriteString(authority)
	if strings.Trim(tail, "/") != "" {
		b.WriteString("/…")
	} else {
		b.WriteString(tail)
	}
	return b.String()
}

// Error is err with the URLs in its message cut as URLs cuts them; it
// unwraps to err, so errors.Is and errors.As still see through it. A nil
// err stays nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := URLs(msg); red != msg {
		return &redacted{msg: red, err: err}
	}
	return err
}

type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

// Handler wraps h so that the message and every string and error
// attribute of each record has its URLs cut before h writes it.
func Handler(h slog.Handler) slog.Handler { return &handler{h} }

type handler struct{ next slog.Handler }

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, URLs(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(Attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = Attr(a)
	}
	return &handler{h.next.WithAttrs(red)}
}

func (h *handler) WithGroup(name string) slog.Handler { return &handler{h.next.WithGroup(name)} }

// Attr is a with the URLs in its value cut: strings, errors, anything
// that prints itself, and the attributes of groups.
func Attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, URLs(v.String()))
	case slog.KindGroup:
		as := v.Group()
		red := make([]any, len(as))
		for i, g := range as {
			red[i] = Attr(g)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.Any(a.Key, Error(x))
		case interface{ String() string }:
			return slog.String(a.Key, URLs(x.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
