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
	"github.com/yinling-cms/yinling/internal/fault"
)

// userCommand runs `yinling user add`.
func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: yinling user add [--role R]... [--display-name N] [server flags] USERNAME (password on stdin)")
	}
	args = args[1:]
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var roles multiFlag
	fs.Var(&roles, "role", "a role: admin, publisher, editor, organizer (repeatable; default editor)")
	display := fs.String("display-name", "", "the name shown to others")
	serverFlags := config.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: yinling user add [--role R]... [--display-name N] [server flags] USERNAME (flags before the name; password on stdin)")
	}
	username := fs.Arg(0)
	if len(roles) == 0 {
		roles = multiFlag{"editor"}
	}
	cfg, err := serverFlags.Config(getenv)
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
	if fe := fault.As(err); fe != nil && len(fe.Fields) > 0 {
		var msgs []string
		for _, f := range fe.Fields {
			msgs = append(msgs, f.Field+" "+f.Message)
		}
		return fmt.Errorf("%s: %s", fe.Message, strings.Join(msgs, "; "))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (%s) with roles %v\n", u.Username, u.ID, u.Roles)
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
