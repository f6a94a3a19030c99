// Package mongostore keeps Yinling's documents in MongoDB (in tests, the
// FerretDB of internal/testenv/testferret) through the official driver.
// It implements the store interfaces that content, content/account and
// media declare, and keeps driver types out of them. It uses only what
// both MongoDB and FerretDB v1 do right: single-document writes, simple
// filters and sorts, unique indexes.
package mongostore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Store is the database of one Yinling site.
type Store struct {
	db *mongo.Database
}

// Connect opens a client with majority write concern and journaling, as
// durability asks; it does not wait for the server (see Ping). monitor,
// when given, is told of every command (the metrics time them).
func Connect(uri string, monitor ...*event.CommandMonitor) (*mongo.Client, error) {
	wc := writeconcern.Majority()
	j := true
	wc.Journal = &j
	opts := options.Client().ApplyURI(uri).
		SetWriteConcern(wc).
		SetServerSelectionTimeout(5 * time.Second).
		SetConnectTimeout(5 * time.Second)
	for _, m := range monitor {
		opts.SetMonitor(m)
	}
	cli, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongostore: connect: %w", err)
	}
	return cli, nil
}

// New uses the database; call EnsureIndexes once at start.
func New(db *mongo.Database) *Store { return &Store{db: db} }

// Collection names.
const (
	colAssets    = "assets"
	colUsers     = "users"
	colSessions  = "sessions"
	colSettings  = "settings"
	colChanges   = "change_log"
	colTokens    = "tokens"
	colAudit     = "audit"
	colRevisions = "revisions"
	colLocks     = "locks"
	colLeases    = "leases"
	colClaims    = "claims"
	colAttempts  = "login_failures"
)

type index struct {
	name   string
	keys   bson.D
	unique bool
}

// EnsureIndexes creates the indexes the queries rely on. It is
// idempotent: indexes that exist (by name) are left alone. Asking FerretDB
// v1 to create an index that exists after it restarted makes it panic and
// drop the connection (seen here), so existing names are listed first.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	idx := map[string][]index{
		// Each list walks one of these in its sort order (readers' lists by
		// publication time, the admin's by id), filters included.
		colRevisions: {{"item", bson.D{{Key: "kind", Value: 1}, {Key: "item_id", Value: 1}, {Key: "number", Value: -1}}, false}},
		colUsers:     {{"username_unique", bson.D{{Key: "username", Value: 1}}, true}},
		colSessions:  {{"user", bson.D{{Key: "user_id", Value: 1}, {Key: "created_at", Value: -1}}, false}},
		colTokens: {
			{"hash_unique", bson.D{{Key: "hash", Value: 1}}, true},
			{"user", bson.D{{Key: "user_id", Value: 1}, {Key: "_id", Value: -1}}, false},
		},
		colAttempts: {
			{"key_at", bson.D{{Key: "key", Value: 1}, {Key: "at", Value: 1}}, false},
			{"attempt", bson.D{{Key: "attempt", Value: 1}}, false},
			{"at", bson.D{{Key: "at", Value: 1}}, false},
		},
		colAudit: {
			{"actor", bson.D{{Key: "actor_id", Value: 1}, {Key: "_id", Value: -1}}, false},
			{"target", bson.D{{Key: "target", Value: 1}, {Key: "_id", Value: -1}}, false},
			{"action", bson.D{{Key: "action", Value: 1}, {Key: "_id", Value: -1}}, false},
		},
	}
	idx[colRegistrations] = registrationIndexes()
	idx[colSeries] = []index{{"slug_unique", bson.D{{Key: "slug", Value: 1}}, true}}
	idx[colJobs] = jobIndexes()
	for _, k := range s.kinds() {
		idx[k.coll()] = kindIndexes(k.paths())
	}
	idx[colAssets] = assetIndexes()
	idx[colReads] = readIndexes()
	idx[colItemGone] = goneIndexes()
	// Indexes of earlier versions that must go: a phone may register
	// again for a session, so its active key is no longer unique.
	obsolete := map[string][]string{colRegistrations: {"active_unique"}}
	for coll, wanted := range idx {
		view := s.db.Collection(coll).Indexes()
		specs, err := view.ListSpecifications(ctx)
		if err != nil && !isNamespaceNotFound(err) {
			return dbFault(err, "list indexes of "+coll)
		}
		have := map[string]bool{}
		for _, sp := range specs {
			have[sp.Name] = true
		}
		for _, name := range obsolete[coll] {
			if have[name] {
				if err := view.DropOne(ctx, name); err != nil {
					return dbFault(err, "drop index "+name+" of "+coll)
				}
			}
		}
		var missing []mongo.IndexModel
		for _, ix := range wanted {
			if !have[ix.name] {
				missing = append(missing, mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetName(ix.name).SetUnique(ix.unique)})
			}
		}
		if len(missing) == 0 {
			continue
		}
		if _, err := view.CreateMany(ctx, missing); err != nil {
			return dbFault(err, "create indexes on "+coll)
		}
	}
	if err := s.versionAssets(ctx); err != nil {
		return err
	}
	if err := s.fillWaitSeqs(ctx); err != nil {
		return err
	}
	if err := s.fillMediaUses(ctx, false); err != nil {
		return err
	}
	if err := s.stampUnsequenced(ctx); err != nil {
		return err
	}
	return s.writeMediaPaths(ctx, false)
}

func isNamespaceNotFound(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 26
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.Client().Ping(ctx, nil); err != nil {
		return dbFault(err, "ping")
	}
	return nil
}

// dbFault classifies a driver error: not found, duplicate key, and the
// database being out of reach become faults; the rest stay internal errors
// (logged, never shown to clients).
func dbFault(err error, doing string) error {
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return fault.Wrap(fault.NotFound, err, "not found")
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("mongostore: %s: %w", doing, err)
	case mongo.IsNetworkError(err), mongo.IsTimeout(err), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, mongo.ErrClientDisconnected), strings.Contains(err.Error(), "server selection"):
		return &fault.Error{Kind: fault.Unavailable, Message: "the database is not answering", Err: err, RetryAfter: 5}
	}
	return fmt.Errorf("mongostore: %s: %w", doing, err)
}

// isDuplicate reports a unique-index violation. FerretDB v1 reports one
// met by an update or replace as an InternalError naming SQLite's
// constraint (seen here), not as E11000: that is recognised too.
func isDuplicate(err error) bool {
	if err == nil {
		return false
	}
	return mongo.IsDuplicateKeyError(err) || strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func isNotFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// notFoundAs gives a NotFound fault a message that names the thing.
func notFoundAs(err error, message string) error {
	if fe := fault.As(err); fe != nil && fe.Kind == fault.NotFound {
		return fault.Wrap(fault.NotFound, fe.Err, message)
	}
	return err
}

// Count returns how many documents a collection holds (for export
// manifests and tests; it reads the whole collection's index).
func (s *Store) Count(ctx context.Context, collection string) (int64, error) {
	n, err := s.db.Collection(collection).CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, dbFault(err, "count "+collection)
	}
	return n, nil
}
