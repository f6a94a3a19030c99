package mongostore

import (
	"context"
	"crypto/rand"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/fault"
)

type userDoc struct {
	ID           string    `bson:"_id"`
	Username     string    `bson:"username"`
	DisplayName  string    `bson:"display_name"`
	Roles        []string  `bson:"roles"`
	PasswordHash string    `bson:"password_hash"`
	Disabled     bool      `bson:"disabled"`
	CreatedAt    time.Time `bson:"created_at"`
	UpdatedAt    time.Time `bson:"updated_at"`
}

func (d userDoc) user() account.User {
	u := account.User{ID: d.ID, Username: d.Username, DisplayName: d.DisplayName, PasswordHash: d.PasswordHash,
		Disabled: d.Disabled, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
	for _, r := range d.Roles {
		u.Roles = append(u.Roles, account.Role(r))
	}
	return u
}

func toUserDoc(u account.User) userDoc {
	d := userDoc{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, PasswordHash: u.PasswordHash,
		Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, Roles: []string{}}
	for _, r := range u.Roles {
		d.Roles = append(d.Roles, string(r))
	}
	return d
}

// InsertUser implements account.Store.
func (s *Store) InsertUser(ctx context.Context, u account.User) error {
	_, err := s.db.Collection(colUsers).InsertOne(ctx, toUserDoc(u))
	if isDuplicate(err) {
		return &fault.Error{Kind: fault.Conflict, Message: "the username is taken",
			Fields: []fault.FieldError{{Field: "username", Message: "another user has this name"}}}
	}
	if err != nil {
		return dbFault(err, "insert user")
	}
	return nil
}

// GetUser implements account.Store.
func (s *Store) GetUser(ctx context.Context, id string) (account.User, error) {
	return s.findUser(ctx, bson.D{{Key: "_id", Value: id}})
}

// GetUserByName implements account.Store.
func (s *Store) GetUserByName(ctx context.Context, username string) (account.User, error) {
	return s.findUser(ctx, bson.D{{Key: "username", Value: username}})
}

func (s *Store) findUser(ctx context.Context, filter bson.D) (account.User, error) {
	var d userDoc
	if err := s.db.Collection(colUsers).FindOne(ctx, filter).Decode(&d); err != nil {
		return account.User{}, notFoundAs(dbFault(err, "get user"), "no such user")
	}
	return d.user(), nil
}

// ListUsers implements account.Store.
func (s *Store) ListUsers(ctx context.Context) ([]account.User, error) {
	cur, err := s.db.Collection(colUsers).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "username", Value: 1}}).SetLimit(10_000))
	if err != nil {
		return nil, dbFault(err, "list users")
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list users")
	}
	out := make([]account.User, len(docs))
	for i, d := range docs {
		out[i] = d.user()
	}
	return out, nil
}

// UpdateUser implements account.Store.
func (s *Store) UpdateUser(ctx context.Context, u account.User, expect time.Time) error {
	d := toUserDoc(u)
	res, err := s.db.Collection(colUsers).ReplaceOne(ctx, bson.D{{Key: "_id", Value: u.ID}, {Key: "updated_at", Value: expect}}, d)
	if err != nil {
		return dbFault(err, "update user")
	}
	if res.MatchedCount == 0 {
		if _, err := s.GetUser(ctx, u.ID); err != nil {
			return err
		}
		return fault.New(fault.Conflict, "the user was changed at the same moment; reload and try again")
	}
	return nil
}

// CountUsers implements account.Store.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	n, err := s.db.Collection(colUsers).CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, dbFault(err, "count users")
	}
	return n, nil
}

type sessionDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"user_id"`
	CSRF      string    `bson:"csrf"`
	CreatedAt time.Time `bson:"created_at"`
	LastSeen  time.Time `bson:"last_seen"`
	ExpiresAt time.Time `bson:"expires_at"`
	Address   string    `bson:"address"`
	UserAgent string    `bson:"user_agent"`
	Scope     string    `bson:"scope"`
}

func toSessionDoc(se account.Session) sessionDoc {
	return sessionDoc{ID: se.ID, UserID: se.UserID, CSRF: se.CSRF, CreatedAt: se.CreatedAt, LastSeen: se.LastSeen,
		ExpiresAt: se.ExpiresAt, Address: se.Address, UserAgent: se.UserAgent, Scope: string(se.Scope)}
}

func (d sessionDoc) session() account.Session {
	return account.Session{ID: d.ID, UserID: d.UserID, CSRF: d.CSRF, CreatedAt: d.CreatedAt.UTC(), LastSeen: d.LastSeen.UTC(),
		ExpiresAt: d.ExpiresAt.UTC(), Address: d.Address, UserAgent: d.UserAgent, Scope: account.Scope(d.Scope)}
}

// InsertSession implements account.Store.
func (s *Store) InsertSession(ctx context.Context, se account.Session) error {
	if _, err := s.db.Collection(colSessions).InsertOne(ctx, toSessionDoc(se)); err != nil {
		return dbFault(err, "insert session")
	}
	return nil
}

// GetSession implements account.Store.
func (s *Store) GetSession(ctx context.Context, id string) (account.Session, error) {
	var d sessionDoc
	if err := s.db.Collection(colSessions).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return account.Session{}, notFoundAs(dbFault(err, "get session"), "no such session")
	}
	return d.session(), nil
}

// ListSessions implements account.Store.
func (s *Store) ListSessions(ctx context.Context, userID string) ([]account.Session, error) {
	cur, err := s.db.Collection(colSessions).Find(ctx, bson.D{{Key: "user_id", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(1000))
	if err != nil {
		return nil, dbFault(err, "list sessions")
	}
	var docs []sessionDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list sessions")
	}
	out := make([]account.Session, len(docs))
	for i, d := range docs {
		out[i] = d.session()
	}
	return out, nil
}

// DeleteUserSessions implements account.Store.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, except string) error {
	filter := bson.D{{Key: "user_id", Value: userID}}
	if except != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$ne", Value: except}}})
	}
	if _, err := s.db.Collection(colSessions).DeleteMany(ctx, filter); err != nil {
		return dbFault(err, "delete sessions")
	}
	return nil
}

// TouchSession implements account.Store.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.Collection(colSessions).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "last_seen", Value: at}}}})
	if err != nil {
		return dbFault(err, "touch session")
	}
	return nil
}

// DeleteSession implements account.Store.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.db.Collection(colSessions).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return dbFault(err, "delete session")
	}
	return nil
}

// Secret returns the site's secret of the given name, creating it (32
// random bytes) on first use. Every instance sharing the database gets the
// same secret, so cursors and signed URLs made by one are accepted by all.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	var d struct {
		Value []byte `bson:"value"`
	}
	err := s.db.Collection(colSettings).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: "secret:" + name}},
		bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "value", Value: fresh}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
	).Decode(&d)
	if err != nil {
		return nil, dbFault(err, "read secret")
	}
	return d.Value, nil
}

// Changes returns the site's change counter: it goes up whenever what
// readers see changes, so every instance can tell its cached answers are
// stale (0 before the first change).
func (s *Store) Changes(ctx context.Context) (int64, error) {
	var d struct {
		N int64 `bson:"n"`
	}
	err := s.db.Collection(colSettings).FindOne(ctx, bson.D{{Key: "_id", Value: "changes"}}).Decode(&d)
	if err != nil {
		if fault.Is(dbFault(err, "read changes"), fault.NotFound) {
			return 0, nil
		}
		return 0, dbFault(err, "read changes")
	}
	return d.N, nil
}

// BumpChanges implements content.ChangeNotifier.
func (s *Store) BumpChanges(ctx context.Context) error {
	_, err := s.db.Collection(colSettings).UpdateOne(ctx, bson.D{{Key: "_id", Value: "changes"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return dbFault(err, "bump changes")
	}
	return nil
}
