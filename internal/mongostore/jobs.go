package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/internal/record"
)

const (
	colJobs     = "jobs"
	colAccounts = "channel_accounts"
)

// jobIndexes serve the unique key, the runner's due list and the admin's
// lists.
func jobIndexes() []index {
	return []index{
		{"key_unique", bson.D{{Key: "key", Value: 1}}, true},
		{"due", bson.D{{Key: "state", Value: 1}, {Key: "next_at", Value: 1}, {Key: "_id", Value: 1}}, false},
		{"entry", bson.D{{Key: "kind", Value: 1}, {Key: "entry_id", Value: 1}, {Key: "_id", Value: -1}}, false},
	}
}

// InsertJob implements syndication.Store.
func (s *Store) InsertJob(ctx context.Context, j syndication.Job) (bool, error) {
	_, err := s.db.Collection(colJobs).InsertOne(ctx, record.FromJob(j))
	if isDuplicate(err) {
		return false, nil
	}
	if err != nil {
		return false, dbFault(err, "insert job")
	}
	return true, nil
}

// GetJob implements syndication.Store.
func (s *Store) GetJob(ctx context.Context, id string) (syndication.Job, error) {
	var r record.Job
	if err := s.db.Collection(colJobs).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r); err != nil {
		return syndication.Job{}, notFoundAs(dbFault(err, "get job"), "no such job")
	}
	return r.Job(), nil
}

// UpdateJob implements syndication.Store: a replace conditional on the
// version.
func (s *Store) UpdateJob(ctx context.Context, j syndication.Job, expect int64) error {
	res, err := s.db.Collection(colJobs).ReplaceOne(ctx, bson.D{{Key: "_id", Value: j.ID}, {Key: "version", Value: expect}}, record.FromJob(j))
	if err != nil {
		return dbFault(err, "update job")
	}
	if res.MatchedCount > 0 {
		return nil
	}
	var cur struct {
		Version int64 `bson:"version"`
	}
	if err := s.db.Collection(colJobs).FindOne(ctx, bson.D{{Key: "_id", Value: j.ID}}).Decode(&cur); err != nil {
		return notFoundAs(dbFault(err, "read version"), "no such job")
	}
	return content.VersionConflict(cur.Version)
}

// DueJobs implements syndication.Store.
func (s *Store) DueJobs(ctx context.Context, now time.Time, limit int) ([]syndication.Job, error) {
	filter := bson.D{{Key: "state", Value: string(syndication.Queued)}, {Key: "next_at", Value: bson.D{{Key: "$lte", Value: now}}},
		{Key: "lease_until", Value: bson.D{{Key: "$lte", Value: now}}}}
	return s.jobs(ctx, "due jobs", filter, options.Find().SetSort(bson.D{{Key: "next_at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// ListJobs implements syndication.Store.
func (s *Store) ListJobs(ctx context.Context, q syndication.JobQuery) ([]syndication.Job, error) {
	filter := bson.D{}
	if q.Kind != "" {
		filter = append(filter, bson.E{Key: "kind", Value: q.Kind})
	}
	if q.EntryID != "" {
		filter = append(filter, bson.E{Key: "entry_id", Value: q.EntryID})
	}
	if q.State != "" {
		filter = append(filter, bson.E{Key: "state", Value: string(q.State)})
	}
	return s.jobs(ctx, "list jobs", filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(q.Limit)))
}

func (s *Store) jobs(ctx context.Context, doing string, filter bson.D, opts *options.FindOptionsBuilder) ([]syndication.Job, error) {
	cur, err := s.db.Collection(colJobs).Find(ctx, filter, opts)
	if err != nil {
		return nil, dbFault(err, doing)
	}
	var docs []record.Job
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, doing)
	}
	out := make([]syndication.Job, len(docs))
	for i, d := range docs {
		out[i] = d.Job()
	}
	return out, nil
}

// GetAccount implements syndication.Store.
func (s *Store) GetAccount(ctx context.Context, channel string) (syndication.Account, error) {
	var r record.ChannelAccount
	if err := s.db.Collection(colAccounts).FindOne(ctx, bson.D{{Key: "_id", Value: channel}}).Decode(&r); err != nil {
		return syndication.Account{}, notFoundAs(dbFault(err, "get channel account"), "the channel has no account")
	}
	return r.Account(), nil
}

// PutAccount implements syndication.Store.
func (s *Store) PutAccount(ctx context.Context, a syndication.Account, expect int64) error {
	r := record.FromAccount(a)
	if expect == 0 {
		_, err := s.db.Collection(colAccounts).InsertOne(ctx, r)
		if isDuplicate(err) {
			return syndication.AccountConflict()
		}
		if err != nil {
			return dbFault(err, "insert channel account")
		}
		return nil
	}
	var res *mongo.UpdateResult
	res, err := s.db.Collection(colAccounts).ReplaceOne(ctx, bson.D{{Key: "_id", Value: a.Channel}, {Key: "version", Value: expect}}, r)
	if err != nil {
		return dbFault(err, "update channel account")
	}
	if res.MatchedCount == 0 {
		return syndication.AccountConflict()
	}
	return nil
}
