package redact

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestURLsKeepOnlySchemeAndHost(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`Post "http://127.0.0.1:9/hook?key=SECRET": dial tcp 127.0.0.1:9: connect: connection refused`,
			`Post "http://127.0.0.1:9/…": dial tcp 127.0.0.1:9: connect: connection refused`},
		{"https://open.feishu.cn/open-apis/bot/v2/hook/SECRET", "https://open.feishu.cn/…"},
		{"mongodb://admin:SECRET@db1,db2/?replicaSet=rs0 refused", "mongodb://…@db1,db2/… refused"},
		{"https://user:SECRET@search:9200", "https://…@search:9200"},
		{"listening on http://localhost:8080/", "listening on http://localhost:8080/"},
		{"no url here: a/b?key=1", "no url here: a/b?key=1"},
		{"two: http://a/x?access_token=SECRET and <https://b/#SECRET>", "two: http://a/… and <https://b/…>"},
	} {
		if got := URLs(c.in); got != c.want {
			t.Errorf("URLs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAnErrorOfAnHTTPClientLosesItsURLButKeepsItsCause(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	_, cerr := http.Get("http://" + addr + "/hook?key=SECRET")
	if cerr == nil {
		t.Fatal("a closed port answered")
	}
	wrapped := fmt.Errorf("webhook %q: %w", "wall", cerr)
	red := Error(wrapped)
	if strings.Contains(red.Error(), "SECRET") || !strings.Contains(red.Error(), addr) {
		t.Errorf("redacted: %v", red)
	}
	var op *net.OpError
	if !errors.As(red, &op) {
		t.Error("the redacted error no longer unwraps to its cause")
	}
	if Error(nil) != nil {
		t.Error("Error(nil) is not nil")
	}
}

func TestTheLogHandlerCutsURLsEverywhere(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewJSONHandler(&buf, nil))).With("endpoint", "http://h/x?key=SECRET1")
	log.WithGroup("g").Error("failed at http://h/y?key=SECRET2", "err", errors.New(`Get "http://h/z?key=SECRET3": refused`),
		slog.Group("inner", "u", "http://h/w?key=SECRET4"), "n", 3)
	out := buf.String()
	if strings.Contains(out, "SECRET") {
		t.Errorf("the log holds a secret: %s", out)
	}
	for _, want := range []string{`"msg":"failed at http://h/…"`, `"n":3`, `"endpoint":"http://h/…"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %s: %s", want, out)
		}
	}
}
