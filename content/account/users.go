package account

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/internal/ground/plain"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// MaxDisplayName is the longest display name, in characters.
const MaxDisplayName = 40

// NewUser is what creating a user takes.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Roles       []Role
}

func checkRoles(roles []Role) []fault.FieldError {
	var errs []fault.FieldError
	if len(roles) == 0 {
		errs = append(errs, fault.FieldError{Field: "roles", Message: "at least one role"})
	}
	for _, r := range roles {
		if !r.Valid() {
			errs = append(errs, fault.FieldError{Field: "roles", Message: fmt.Sprintf("unknown role %q; one of admin, publisher, editor, organizer", r)})
		}
	}
	return errs
}

func checkDisplayName(name string) []fault.FieldError {
	if !plain.Line(name) || utf8.RuneCountInString(name) > MaxDisplayName || strings.ContainsAny(name, "<>") {
		return []fault.FieldError{{Field: "display_name", Message: fmt.Sprintf("at most %d characters on one line, no < or >, no control or invisible characters", MaxDisplayName)}}
	}
	return nil
}

// AddUser creates a user. Errors: fault.Invalid; fault.Conflict when the
// username is taken.
func (s *Service) AddUser(ctx context.Context, actor audit.Actor, in NewUser) (User, error) {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	var errs []fault.FieldError
	if !usernamePattern.MatchString(in.Username) {
		errs = append(errs, fault.FieldError{Field: "username", Message: "2 to 32 lower-case letters, digits, '.', '_' or '-'"})
	}
	if err := CheckPassword(in.Password, in.Username); err != nil {
		errs = append(errs, fault.As(err).Fields...)
	}
	errs = append(errs, checkRoles(in.Roles)...)
	errs = append(errs, checkDisplayName(in.DisplayName)...)
	if len(errs) > 0 {
		return User{}, fault.Fields(errs...)
	}
	hash, err := s.hashing.hash(ctx, in.Password)
	if err != nil {
		return User{}, err
	}
	now := s.clock()
	u := User{
		ID: ident.New(), Username: in.Username, DisplayName: in.DisplayName,
		Roles: uniqueRoles(in.Roles), PasswordHash: hash, CreatedAt: now, UpdatedAt: now,
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if err := s.store.InsertUser(ctx, u); err != nil {
		return User{}, err
	}
	return u, s.record(ctx, actor, audit.UserCreated, "user:"+u.ID, fmt.Sprintf("%s with roles %v", u.Username, u.Roles))
}

func uniqueRoles(roles []Role) []Role {
	out := make([]Role, 0, len(roles))
	for _, r := range Roles() {
		if slices.Contains(roles, r) {
			out = append(out, r)
		}
	}
	return out
}

// ListUsers returns every user, by username.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) { return s.store.ListUsers(ctx) }

// GetUser returns one user.
func (s *Service) GetUser(ctx context.Context, id string) (User, error) {
	if !ident.Valid(id) {
		return User{}, fault.New(fault.NotFound, "no such user")
	}
	return s.store.GetUser(ctx, id)
}

// UserChange is a change to a user; nil fields stay as they are.
type UserChange struct {
	DisplayName *string
	Roles       *[]Role
	Disabled    *bool
}

// UpdateUser changes a user's display name, roles or disabled flag.
// Disabling a user or changing their roles ends their sessions at once (a
// session must never keep powers its user lost). The last enabled
// administrator cannot be disabled or lose the role.
func (s *Service) UpdateUser(ctx context.Context, actor audit.Actor, id string, ch UserChange) (User, error) {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	before := u
	var errs []fault.FieldError
	if ch.DisplayName != nil {
		name := strings.TrimSpace(*ch.DisplayName)
		errs = append(errs, checkDisplayName(name)...)
		if name == "" {
			name = u.Username
		}
		u.DisplayName = name
	}
	if ch.Roles != nil {
		errs = append(errs, checkRoles(*ch.Roles)...)
		u.Roles = uniqueRoles(*ch.Roles)
	}
	if ch.Disabled != nil {
		u.Disabled = *ch.Disabled
	}
	if len(errs) > 0 {
		return User{}, fault.Fields(errs...)
	}
	if before.Has(RoleAdmin) && !before.Disabled && (!u.Has(RoleAdmin) || u.Disabled) {
		if err := s.keepAnAdmin(ctx, u.ID); err != nil {
			return User{}, err
		}
	}
	u.UpdatedAt = s.clock()
	if err := s.store.UpdateUser(ctx, u, before.UpdatedAt); err != nil {
		return User{}, err
	}
	rolesChanged := !slices.Equal(before.Roles, u.Roles)
	if u.Disabled || rolesChanged {
		if err := s.store.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return User{}, err
		}
	}
	// A disabled user's tokens are revoked, not held: enabling the user
	// again must not bring them back. (A role change keeps them: a token
	// acts with its user's roles of the moment.)
	if u.Disabled && !before.Disabled {
		if err := s.revokeAllTokens(ctx, actor, u.ID, "user disabled"); err != nil {
			return User{}, err
		}
	}
	return u, s.record(ctx, actor, audit.UserChanged, "user:"+u.ID, describeChange(before, u))
}

// SetLanguage records the admin UI's language a user chose for themself
// (one of Languages), so it follows them to every browser.
func (s *Service) SetLanguage(ctx context.Context, id, lang string) (User, error) {
	if !slices.Contains(Languages, lang) {
		return User{}, fault.Fields(fault.FieldError{Field: "language", Message: "one of " + strings.Join(Languages, ", ")})
	}
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	if u.Language == lang {
		return u, nil
	}
	before := u.UpdatedAt
	u.Language, u.UpdatedAt = lang, s.clock()
	if err := s.store.UpdateUser(ctx, u, before); err != nil {
		return User{}, err
	}
	return u, nil
}

// keepAnAdmin refuses a change that would leave no enabled administrator.
func (s *Service) keepAnAdmin(ctx context.Context, losing string) error {
	users, err := s.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.ID != losing && o.Has(RoleAdmin) && !o.Disabled {
			return nil
		}
	}
	return fault.New(fault.Conflict, "this is the last enabled administrator; make someone else an administrator first")
}

func describeChange(a, b User) string {
	var parts []string
	if a.DisplayName != b.DisplayName {
		parts = append(parts, fmt.Sprintf("display name %q -> %q", a.DisplayName, b.DisplayName))
	}
	if !slices.Equal(a.Roles, b.Roles) {
		parts = append(parts, fmt.Sprintf("roles %v -> %v", a.Roles, b.Roles))
	}
	if a.Disabled != b.Disabled {
		if b.Disabled {
			parts = append(parts, "disabled")
		} else {
			parts = append(parts, "enabled")
		}
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, "; ")
}

// ResetPassword sets a user's password and ends all their sessions.
func (s *Service) ResetPassword(ctx context.Context, actor audit.Actor, id, password string) error {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return err
	}
	return s.setPassword(ctx, actor, u, password, "", "")
}

// ChangeOwnPassword checks the current password, sets the new one and ends
// the user's other sessions (the one in use, keep, stays).
func (s *Service) ChangeOwnPassword(ctx context.Context, actor audit.Actor, keep, current, password string) error {
	u, err := s.GetUser(ctx, actor.ID)
	if err != nil {
		return err
	}
	ok, err := s.hashing.verify(ctx, u.PasswordHash, current)
	if fault.Is(err, fault.Unavailable) {
		return err
	}
	if !ok {
		return fault.Fields(fault.FieldError{Field: "current_password", Message: "is not your current password"})
	}
	return s.setPassword(ctx, actor, u, password, keep, "own password")
}

// setPassword stores a new password for u and ends u's sessions but keep.
func (s *Service) setPassword(ctx context.Context, actor audit.Actor, u User, password, keep, detail string) error {
	if err := CheckPassword(password, u.Username); err != nil {
		return err
	}
	before := u.UpdatedAt
	hash, err := s.hashing.hash(ctx, password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	u.UpdatedAt = s.clock()
	if err := s.store.UpdateUser(ctx, u, before); err != nil {
		return err
	}
	if err := s.store.DeleteUserSessions(ctx, u.ID, keep); err != nil {
		return err
	}
	if err := s.revokeAllTokens(ctx, actor, u.ID, "password changed"); err != nil {
		return err
	}
	return s.record(ctx, actor, audit.PasswordReset, "user:"+u.ID, detail)
}
