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
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/config"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

const userUsage = `usage (flags before the name; server flags choose the database):
  yinling user add [--role R]... [--display-name N] USERNAME   password on stdin
  yinling user passwd USERNAME                                 new password on stdin; ends their sessions
  yinling user disable USERNAME                                ends their sessions at once
  yinling user enable USERNAME`

// userCommand runs `yinling user add|passwd|disable|enable`.
func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(userUsage)
	}
	verb := args[0]
	fs := flag.NewFlagSet("user "+verb, flag.ContinueOnError)
	fs.SetOutput(stdout)
	var roles multiFlag
	display := new(string)
	if verb == "add" {
		fs.Var(&roles, "role", "a role: admin, publisher, editor, organizer (repeatable; default editor)")
		display = fs.String("display-name", "", "the name shown to others")
	}
	serverFlags := config.AddFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(userUsage)
	}
	username := strings.ToLower(fs.Arg(0))
	cfg, err := serverFlags.Config(getenv)
	if err != nil {
		return err
	}
	var password string
	if verb == "add" || verb == "passwd" {
		line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read the password from stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	s, err := openSite(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	defer s.close()
	by := audit.Actor{Name: "command line"}

	if verb == "add" {
		in := account.NewUser{Username: username, DisplayName: *display, Password: password}
		if len(roles) == 0 {
			roles = multiFlag{"editor"}
		}
		for _, r := range roles {
			in.Roles = append(in.Roles, account.Role(r))
		}
		u, err := s.Accounts.AddUser(ctx, by, in)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "created user %s (%s) with roles %v\n", u.Username, u.ID, u.Roles)
		return nil
	}
	u, err := s.store.GetUserByName(ctx, username)
	if err != nil {
		return fmt.Errorf("user %q: %w", username, describe(err))
	}
	switch verb {
	case "passwd":
		if err := s.Accounts.ResetPassword(ctx, by, u.ID, password); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "set the password of %s; their sessions have ended\n", u.Username)
	case "disable", "enable":
		off := verb == "disable"
		if _, err := s.Accounts.UpdateUser(ctx, by, u.ID, account.UserChange{Disabled: &off}); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "%sd %s\n", verb, u.Username)
	default:
		return fmt.Errorf("unknown user command %q\n%s", verb, userUsage)
	}
	return nil
}

// describe spells out field errors for the terminal.
func describe(err error) error {
	if fe := fault.As(err); fe != nil && len(fe.Fields) > 0 {
		var msgs []string
		for _, f := range fe.Fields {
			msgs = append(msgs, f.Field+" "+f.Message)
		}
		return fmt.Errorf("%s: %s", fe.Message, strings.Join(msgs, "; "))
	}
	return err
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
