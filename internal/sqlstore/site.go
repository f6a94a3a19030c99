package sqlstore

import (
	"context"

	"github.com/yinling-cms/yinling/content/menu"
	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/record"
)

// SiteSettings implements menu.Store: a row of the settings table.
func (s *Store) SiteSettings(ctx context.Context) (menu.Settings, error) {
	r := record.Setting{ID: record.SiteSettingsID}
	err := s.r.QueryRowContext(ctx, "SELECT n, value FROM settings WHERE name = ?", r.ID).Scan(&r.N, &r.Value)
	if err != nil {
		return menu.Settings{}, notFoundAs(dbFault(err, "read the site's settings"), "the site's settings were never saved")
	}
	return r.SiteSettings()
}

// PutSiteSettings implements menu.Store.
func (s *Store) PutSiteSettings(ctx context.Context, st menu.Settings, expect int64) error {
	r := record.FromSiteSettings(st)
	if expect == 0 {
		_, err := s.w.ExecContext(ctx, "INSERT INTO settings(name, n, value) VALUES (?, ?, ?)", r.ID, r.N, r.Value)
		if isDuplicate(err) {
			return siteSettingsConflict()
		}
		return dbFaultOrNil(err, "insert the site's settings")
	}
	n, err := s.exec(ctx, "update the site's settings", "UPDATE settings SET n = ?, value = ? WHERE name = ? AND n = ?", r.N, r.Value, r.ID, expect)
	if err == nil && n == 0 {
		return siteSettingsConflict()
	}
	return err
}

func siteSettingsConflict() error {
	return fault.New(fault.Conflict, "the site's settings were changed by someone else; reload them and apply your changes again")
}

func dbFaultOrNil(err error, doing string) error {
	if err == nil {
		return nil
	}
	return dbFault(err, doing)
}
