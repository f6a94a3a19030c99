package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

const colRegistrations = "registrations"

// registrationIndexes: the code is unique; a phone's active registration
// of a session is found by the active key (not unique: a number may
// register again); a session's registrations walk (lecture_id, status,
// seq), its waiting list (lecture_id, status, wait_seq, seq).
func registrationIndexes() []index {
	return []index{
		{"code_unique", bson.D{{Key: "code_hash", Value: 1}}, true},
		{"active", bson.D{{Key: "active_key", Value: 1}}, false},
		{"lecture_seq", bson.D{{Key: "lecture_id", Value: 1}, {Key: "seq", Value: 1}}, false},
		{"lecture_status_seq", bson.D{{Key: "lecture_id", Value: 1}, {Key: "status", Value: 1}, {Key: "seq", Value: 1}}, false},
		{"lecture_waiting", bson.D{{Key: "lecture_id", Value: 1}, {Key: "status", Value: 1}, {Key: "wait_seq", Value: 1}, {Key: "seq", Value: 1}}, false},
		{"to_tell", bson.D{{Key: "to_tell", Value: 1}, {Key: "_id", Value: 1}}, false},
		{"purge_at", bson.D{{Key: "purge_at", Value: 1}}, false},
	}
}

// InsertRegistration implements lectures.RegistrationStore.
func (s *Store) InsertRegistration(ctx context.Context, r lectures.Registration) error {
	if _, err := s.db.Collection(colRegistrations).InsertOne(ctx, record.FromRegistration(r)); err != nil {
		return dbFault(err, "insert registration")
	}
	return nil
}

// PhoneRegistered implements lectures.RegistrationStore.
func (s *Store) PhoneRegistered(ctx context.Context, lectureID, phone string) (bool, error) {
	key := record.ActiveKey(lectures.Registration{LectureID: lectureID, Phone: phone, Status: lectures.Confirmed})
	n, err := s.db.Collection(colRegistrations).CountDocuments(ctx, bson.D{{Key: "active_key", Value: key}}, options.Count().SetLimit(1))
	if err != nil {
		return false, dbFault(err, "look up a phone")
	}
	return n > 0, nil
}

// GetRegistration implements lectures.RegistrationStore.
func (s *Store) GetRegistration(ctx context.Context, id string) (lectures.Registration, error) {
	return s.oneRegistration(ctx, bson.D{{Key: "_id", Value: id}})
}

// FindRegistration implements lectures.RegistrationStore.
func (s *Store) FindRegistration(ctx context.Context, codeHash string) (lectures.Registration, error) {
	return s.oneRegistration(ctx, bson.D{{Key: "code_hash", Value: codeHash}})
}

func (s *Store) oneRegistration(ctx context.Context, filter bson.D) (lectures.Registration, error) {
	var d record.Registration
	if err := s.db.Collection(colRegistrations).FindOne(ctx, filter).Decode(&d); err != nil {
		return lectures.Registration{}, notFoundAs(dbFault(err, "get registration"), "no such registration")
	}
	return d.Registration(), nil
}

// UpdateRegistration implements lectures.RegistrationStore: a replace
// conditional on the version (MarkToTell raises versions too, so neither
// overwrites the other).
func (s *Store) UpdateRegistration(ctx context.Context, r lectures.Registration, expect int64) error {
	coll := s.db.Collection(colRegistrations)
	res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: expect}}, record.FromRegistration(r))
	if err != nil {
		return dbFault(err, "update registration")
	}
	if res.MatchedCount == 0 {
		var cur struct {
			Version int64 `bson:"version"`
		}
		if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: r.ID}}).Decode(&cur); err != nil {
			return notFoundAs(dbFault(err, "read version"), "no such registration")
		}
		return content.VersionConflict(cur.Version)
	}
	return nil
}

// ListRegistrations implements lectures.RegistrationStore.
func (s *Store) ListRegistrations(ctx context.Context, q lectures.RegistrationQuery) ([]lectures.Registration, error) {
	filter := bson.D{{Key: "lecture_id", Value: q.LectureID}}
	if q.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: string(q.Status)})
	}
	filter = append(filter, bson.E{Key: "seq", Value: bson.D{{Key: "$gt", Value: q.AfterSeq}}})
	return s.findRegistrations(ctx, filter, options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetLimit(int64(q.Limit)))
}

func (s *Store) findRegistrations(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) ([]lectures.Registration, error) {
	cur, err := s.db.Collection(colRegistrations).Find(ctx, filter, opts)
	if err != nil {
		return nil, dbFault(err, "list registrations")
	}
	var docs []record.Registration
	if err := cur.All(ctx, &docs); err != nil {
		return nil, dbFault(err, "list registrations")
	}
	out := make([]lectures.Registration, len(docs))
	for i, d := range docs {
		out[i] = d.Registration()
	}
	return out, nil
}

// FirstWaiting implements lectures.RegistrationStore.
func (s *Store) FirstWaiting(ctx context.Context, lectureID string) (lectures.Registration, error) {
	var d record.Registration
	err := s.db.Collection(colRegistrations).FindOne(ctx,
		bson.D{{Key: "lecture_id", Value: lectureID}, {Key: "status", Value: string(lectures.Waitlisted)},
			{Key: "wait_seq", Value: bson.D{{Key: "$gte", Value: int64(0)}}}},
		options.FindOne().SetSort(bson.D{{Key: "wait_seq", Value: 1}, {Key: "seq", Value: 1}})).Decode(&d)
	if err != nil {
		return lectures.Registration{}, notFoundAs(dbFault(err, "find the first waiting"), "nobody is waiting")
	}
	return d.Registration(), nil
}

// CountWaitSeq implements lectures.RegistrationStore.
func (s *Store) CountWaitSeq(ctx context.Context, lectureID string, statuses []lectures.RegistrationStatus, from, to int64) (int64, error) {
	if len(statuses) == 0 || from >= to {
		return 0, nil
	}
	in := bson.A{}
	for _, st := range statuses {
		in = append(in, string(st))
	}
	n, err := s.db.Collection(colRegistrations).CountDocuments(ctx, bson.D{{Key: "lecture_id", Value: lectureID},
		{Key: "status", Value: bson.D{{Key: "$in", Value: in}}},
		{Key: "wait_seq", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}})
	if err != nil {
		return 0, dbFault(err, "count the waiting list")
	}
	return n, nil
}

// NumberWaiting implements lectures.RegistrationStore: one updateOne
// conditional on the registration having no number yet.
func (s *Store) NumberWaiting(ctx context.Context, id string, n int64) error {
	coll := s.db.Collection(colRegistrations)
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "wait_seq", Value: int64(lectures.WaitUnnumbered)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "wait_seq", Value: n}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}}})
	if err != nil {
		return dbFault(err, "number a waiting registration")
	}
	if res.MatchedCount == 0 {
		var cur struct {
			WaitSeq int64 `bson:"wait_seq"`
		}
		if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur); err != nil {
			return notFoundAs(dbFault(err, "number a waiting registration"), "no such registration")
		}
		return fault.New(fault.Conflict, "the registration has its number in the waiting list already (%d)", cur.WaitSeq)
	}
	return nil
}

// waitSeqsFilled is the note fillWaitSeqs leaves in colMigrations.
const waitSeqsFilled = "registration-wait-seq"

// fillWaitSeqs gives registrations stored before they had a wait_seq the
// field (0: waiting since before numbers, first in line; or never on the
// list), so the filters and sorts above see them: once per database (an
// import writes whole records, the field included).
func (s *Store) fillWaitSeqs(ctx context.Context) error {
	notes := s.db.Collection(colMigrations)
	n, err := notes.CountDocuments(ctx, bson.D{{Key: "_id", Value: waitSeqsFilled}})
	if err != nil {
		return dbFault(err, "check registrations' wait_seq")
	}
	if n > 0 {
		return nil
	}
	if _, err := s.db.Collection(colRegistrations).UpdateMany(ctx, bson.D{{Key: "wait_seq", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "wait_seq", Value: int64(0)}}}}); err != nil {
		return dbFault(err, "fill registrations' wait_seq")
	}
	_, err = notes.UpdateOne(ctx, bson.D{{Key: "_id", Value: waitSeqsFilled}}, bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: true}}}},
		options.UpdateOne().SetUpsert(true))
	if err != nil && !isDuplicate(err) {
		return dbFault(err, "note registrations' wait_seq filled")
	}
	return nil
}

// MarkToTell implements lectures.RegistrationStore with two updateMany.
func (s *Store) MarkToTell(ctx context.Context, lectureID string, n lectures.Notice, purgeAt time.Time) error {
	promoted := n
	promoted.Kind = lectures.PlaceConfirmed
	mark := func(kind bson.D, notice lectures.Notice) error {
		_, err := s.db.Collection(colRegistrations).UpdateMany(ctx,
			bson.D{{Key: "lecture_id", Value: lectureID}, {Key: "status", Value: bson.D{{Key: "$ne", Value: string(lectures.Cancelled)}}},
				{Key: "notice.kind", Value: kind}},
			bson.D{
				{Key: "$set", Value: bson.D{{Key: "notice", Value: record.FromNotice(notice)}, {Key: "to_tell", Value: true},
					{Key: "purge_at", Value: purgeAt.UTC().Truncate(time.Millisecond)}}},
				{Key: "$inc", Value: bson.D{{Key: "version", Value: int64(1)}}},
			})
		return err
	}
	// Two updates (no update pipelines: they need MongoDB 4.2): the others
	// first, then those still to be told of a promotion. A promotion
	// between the two writes the session as it is now, which the second
	// then writes again as a promotion.
	err := mark(bson.D{{Key: "$ne", Value: string(lectures.PlaceConfirmed)}}, n)
	if err == nil {
		err = mark(bson.D{{Key: "$eq", Value: string(lectures.PlaceConfirmed)}}, promoted)
	}
	if err != nil {
		return dbFault(err, "mark registrants to be told")
	}
	return nil
}

// ListToTell implements lectures.RegistrationStore.
func (s *Store) ListToTell(ctx context.Context, after string, limit int) ([]lectures.Registration, error) {
	return s.findRegistrations(ctx, bson.D{{Key: "to_tell", Value: true}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// PurgeRegistrations implements lectures.RegistrationStore: the ids
// first (a bounded batch), then one deleteMany of them.
func (s *Store) PurgeRegistrations(ctx context.Context, t time.Time, limit int) (int, error) {
	coll := s.db.Collection(colRegistrations)
	cur, err := coll.Find(ctx, bson.D{{Key: "purge_at", Value: bson.D{{Key: "$lt", Value: t}}}},
		options.Find().SetSort(bson.D{{Key: "purge_at", Value: 1}}).SetLimit(int64(limit)).SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return 0, dbFault(err, "purge registrations")
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return 0, dbFault(err, "purge registrations")
	}
	if len(ids) == 0 {
		return 0, nil
	}
	in := bson.A{}
	for _, d := range ids {
		in = append(in, d.ID)
	}
	res, err := coll.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: in}}}})
	if err != nil {
		return 0, dbFault(err, "purge registrations")
	}
	return int(res.DeletedCount), nil
}
