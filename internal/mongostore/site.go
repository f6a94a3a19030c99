package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yinling-cms/yinling/content/menu"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

// SiteSettings implements menu.Store: a document of the settings
// collection.
func (s *Store) SiteSettings(ctx context.Context) (menu.Settings, error) {
	var r record.Setting
	if err := s.db.Collection(colSettings).FindOne(ctx, bson.D{{Key: "_id", Value: record.SiteSettingsID}}).Decode(&r); err != nil {
		return menu.Settings{}, notFoundAs(dbFault(err, "read the site's settings"), "the site's settings were never saved")
	}
	return r.SiteSettings()
}

// PutSiteSettings implements menu.Store.
func (s *Store) PutSiteSettings(ctx context.Context, st menu.Settings, expect int64) error {
	r := record.FromSiteSettings(st)
	coll := s.db.Collection(colSettings)
	if expect == 0 {
		_, err := coll.InsertOne(ctx, r)
		switch {
		case isDuplicate(err):
			return siteSettingsConflict()
		case err != nil:
			return dbFault(err, "insert the site's settings")
		}
		return nil
	}
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "n", Value: expect}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: r.N}, {Key: "value", Value: r.Value}}}})
	if err != nil {
		return dbFault(err, "update the site's settings")
	}
	if res.MatchedCount == 0 {
		return siteSettingsConflict()
	}
	return nil
}

func siteSettingsConflict() error {
	return fault.New(fault.Conflict, "the site's settings were changed by someone else; reload them and apply your changes again")
}
