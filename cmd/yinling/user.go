package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/config"
)

// userCommand runs `yinling user add`.
func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: yinling user add [--role R]... [--display-name N] [server flags] USERNAME (password on stdin)")
	}
	args = args[1:]
	// Our own flags come first; the rest are server flags (database, ...).
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var roles multiFlag
	fs.Var(&roles, "role", "a role: admin, publisher, editor, organizer (repeatable)")
	display := fs.String("display-name", "", "the name shown to others")
	var rest []string
	var username string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if strings.HasPrefix(args[0], "-") {
			// a server flag and its value
			rest = append(rest, args[0])
			args = args[1:]
			if !strings.Contains(rest[len(rest)-1], "=") && len(args) > 0 {
				rest = append(rest, args[0])
				args = args[1:]
			}
			continue
		}
		if username != "" {
			return fmt.Errorf("one username only (got %q and %q)", username, args[0])
		}
		username, args = args[0], args[1:]
	}
	if username == "" {
		return errors.New("the username is missing")
	}
	if len(roles) == 0 {
		roles = multiFlag{"editor"}
	}
	cfg, err := config.Load("user add", rest, getenv, stdout)
	if err != nil {
		return err
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the password from stdin: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	s, err := openSite(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	defer s.close()
	in := account.NewUser{Username: username, DisplayName: *display, Password: password}
	for _, r := range roles {
		in.Roles = append(in.Roles, account.Role(r))
	}
	u, err := s.accounts.AddUser(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (%s) with roles %v\n", u.Username, u.ID, u.Roles)
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
