package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/internal/record"
)

// InsertToken implements account.Store.
func (s *Store) InsertToken(ctx context.Context, t account.Token) error {
	if _, err := s.db.Collection(colTokens).InsertOne(ctx, record.FromToken(t)); err != nil {
		return dbFault(err, "insert token")
	}
	return nil
}

// GetTokenByHash implements account.Store.
func (s *Store) GetTokenByHash(ctx context.Context, hash string) (account.Token, error) {
	var d record.Token
	if err := s.db.Collection(colTokens).FindOne(ctx, bson.D{{Key: "hash", Value: hash}}).Decode(&d); err != nil {
		return account.Token{}, notFoundAs(dbFault(err, "get token"), "no such token")
	}
	return d.Token(), nil
}

// ListTokens implements account.Store.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]account.Token, error) {
	cur, err := s.db.Collection(colTokens).Find(ctx, bson.D{{Key: "user_id", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(1000))
	if err != nil {
		return nil, dbFault(err, "list tokens")
	}
	var docs []record.Token
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list tokens")
	}
	out := make([]account.Token, len(docs))
	for i, d := range docs {
		out[i] = d.Token()
	}
	return out, nil
}

// RevokeToken implements account.Store.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	return s.setTokenTime(ctx, id, "revoked_at", at)
}

// TouchToken implements account.Store.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	return s.setTokenTime(ctx, id, "last_used_at", at)
}

func (s *Store) setTokenTime(ctx context.Context, id, field string, at time.Time) error {
	_, err := s.db.Collection(colTokens).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: at}}}})
	if err != nil {
		return dbFault(err, "update token")
	}
	return nil
}
