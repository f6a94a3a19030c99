package mongostore

import (
	"context"
	"crypto/rand"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/record"
)

// InsertUser implements account.Store.
func (s *Store) InsertUser(ctx context.Context, u account.User) error {
	_, err := s.db.Collection(colUsers).InsertOne(ctx, record.FromUser(u))
	if isDuplicate(err) {
		return account.UsernameTaken()
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
	var d record.User
	if err := s.db.Collection(colUsers).FindOne(ctx, filter).Decode(&d); err != nil {
		return account.User{}, notFoundAs(dbFault(err, "get user"), "no such user")
	}
	return d.User(), nil
}

// ListUsers implements account.Store.
func (s *Store) ListUsers(ctx context.Context) ([]account.User, error) {
	cur, err := s.db.Collection(colUsers).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "username", Value: 1}}).SetLimit(10_000))
	if err != nil {
		return nil, dbFault(err, "list users")
	}
	var docs []record.User
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list users")
	}
	out := make([]account.User, len(docs))
	for i, d := range docs {
		out[i] = d.User()
	}
	return out, nil
}

// UpdateUser implements account.Store.
func (s *Store) UpdateUser(ctx context.Context, u account.User, expect time.Time) error {
	d := record.FromUser(u)
	res, err := s.db.Collection(colUsers).ReplaceOne(ctx, bson.D{{Key: "_id", Value: u.ID}, {Key: "updated_at", Value: expect}}, d)
	if err != nil {
		return dbFault(err, "update user")
	}
	if res.MatchedCount == 0 {
		if _, err := s.GetUser(ctx, u.ID); err != nil {
			return err
		}
		return account.UserChanged()
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

// InsertSession implements account.Store.
func (s *Store) InsertSession(ctx context.Context, se account.Session) error {
	if _, err := s.db.Collection(colSessions).InsertOne(ctx, record.FromSession(se)); err != nil {
		return dbFault(err, "insert session")
	}
	return nil
}

// GetSession implements account.Store.
func (s *Store) GetSession(ctx context.Context, id string) (account.Session, error) {
	var d record.Session
	if err := s.db.Collection(colSessions).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return account.Session{}, notFoundAs(dbFault(err, "get session"), "no such session")
	}
	return d.Session(), nil
}

// ListSessions implements account.Store.
func (s *Store) ListSessions(ctx context.Context, userID string) ([]account.Session, error) {
	cur, err := s.db.Collection(colSessions).Find(ctx, bson.D{{Key: "user_id", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}).SetLimit(1000))
	if err != nil {
		return nil, dbFault(err, "list sessions")
	}
	var docs []record.Session
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list sessions")
	}
	out := make([]account.Session, len(docs))
	for i, d := range docs {
		out[i] = d.Session()
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
