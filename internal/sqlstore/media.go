package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/media"
)

// writeMediaUses replaces the item's rows in item_media with the assets
// its index names.
func writeMediaUses(ctx context.Context, tx *sql.Tx, kind string, ix record.Index) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM item_media WHERE kind = ? AND item_id = ?", kind, ix.ID); err != nil {
		return dbFault(err, "write media uses")
	}
	for _, id := range ix.Media {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO item_media(asset_id, kind, item_id) VALUES (?, ?, ?)",
			id, kind, ix.ID); err != nil {
			return dbFault(err, "write media uses")
		}
	}
	return nil
}

// mediaUsersQuery walks item_media's key (TestListsUseIndexes).
const mediaUsersQuery = "SELECT kind, item_id FROM item_media WHERE asset_id = ? ORDER BY kind, item_id LIMIT ?"

// MediaUsers implements content.MediaUseStore.
func (s *Store) MediaUsers(ctx context.Context, assetID string, limit int) ([]content.ItemRef, error) {
	rows, err := s.r.QueryContext(ctx, mediaUsersQuery, assetID, limit)
	if err != nil {
		return nil, dbFault(err, "find media uses")
	}
	defer rows.Close()
	out := []content.ItemRef{}
	for rows.Next() {
		var r content.ItemRef
		if err := rows.Scan(&r.Kind, &r.ID); err != nil {
			return nil, dbFault(err, "find media uses")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, dbFault(err, "find media uses")
	}
	return out, nil
}

// mediaUsesToFill is the settings row schema step 7 leaves for
// fillMediaUses.
const mediaUsesToFill = "media-uses-to-fill"

// fillMediaUses writes the item_media rows of the items saved before
// schema step 7, once, in one transaction: SQL alone cannot find the
// media links in a Markdown text.
func (s *Store) fillMediaUses(ctx context.Context) error {
	return s.tx(ctx, "fill media uses", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE name = ?", mediaUsesToFill)
		if err != nil {
			return dbFault(err, "fill media uses")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		for _, k := range s.kinds() {
			if err := fillKind(ctx, tx, k); err != nil {
				return err
			}
		}
		return nil
	})
}

func fillKind(ctx context.Context, tx *sql.Tx, k itemKind) error {
	rows, err := tx.QueryContext(ctx, "SELECT meta, texts FROM items WHERE kind = ?", k.name())
	if err != nil {
		return dbFault(err, "fill media uses")
	}
	var list []record.Index
	for rows.Next() {
		var meta, texts []byte
		if err := rows.Scan(&meta, &texts); err != nil {
			rows.Close()
			return dbFault(err, "fill media uses")
		}
		ix, err := k.index(meta, texts)
		if err != nil {
			rows.Close()
			return err
		}
		list = append(list, ix)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbFault(err, "fill media uses")
	}
	for _, ix := range list {
		if err := writeMediaUses(ctx, tx, k.name(), ix); err != nil {
			return err
		}
	}
	return nil
}

// InsertAsset implements media.AssetStore.
func (s *Store) InsertAsset(ctx context.Context, a media.Asset) error {
	return insertAsset(ctx, s.w, record.FromAsset(a))
}

func insertAsset(ctx context.Context, ex execer, r record.Asset) error {
	a := r.Asset()
	if _, err := ex.ExecContext(ctx, "INSERT INTO assets(id, kind, search, version, doc) VALUES (?, ?, ?, ?, ?)",
		r.ID, a.Kind(), media.SearchText(a), a.Version, encode(record.FromAsset(a))); err != nil {
		return dbFault(err, "insert asset")
	}
	return nil
}

// GetAsset implements media.AssetStore.
func (s *Store) GetAsset(ctx context.Context, id string) (media.Asset, error) {
	r, err := getDoc[record.Asset](ctx, s.r, "get asset", "SELECT doc FROM assets WHERE id = ?", id)
	if err != nil {
		return media.Asset{}, notFoundAs(err, "no such media")
	}
	return r.Asset(), nil
}

// assetList is the SELECT of a page of the library: it walks the primary
// key or assets_kind in id order, newest first; a search text is a
// filter on the rows walked (an infix match no index serves; the walk
// stops at the page's end).
func assetList(q media.AssetQuery) (string, []any) {
	where, args := []string{"1"}, []any{}
	if q.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, q.Kind)
	}
	if q.Text != "" {
		where, args = append(where, "instr(search, ?) > 0"), append(args, q.Text)
	}
	if q.After != "" {
		where, args = append(where, "id < ?"), append(args, q.After)
	}
	return "SELECT doc FROM assets WHERE " + strings.Join(where, " AND ") + " ORDER BY id DESC LIMIT ?", append(args, q.Limit)
}

// ListAssets implements media.AssetStore.
func (s *Store) ListAssets(ctx context.Context, q media.AssetQuery) ([]media.Asset, error) {
	query, args := assetList(q)
	list, err := listDocs[record.Asset](ctx, s.r, "list assets", query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]media.Asset, len(list))
	for i, r := range list {
		out[i] = r.Asset()
	}
	return out, nil
}

// UpdateAsset implements media.AssetStore.
func (s *Store) UpdateAsset(ctx context.Context, a media.Asset, expect int64) error {
	return s.tx(ctx, "update asset", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE assets SET kind = ?, search = ?, version = ?, doc = ? WHERE id = ? AND version = ?",
			a.Kind(), media.SearchText(a), a.Version, encode(record.FromAsset(a)), a.ID, expect)
		if err != nil {
			return dbFault(err, "update asset")
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var cur int64
		if err := tx.QueryRowContext(ctx, "SELECT version FROM assets WHERE id = ?", a.ID).Scan(&cur); err != nil {
			return notFoundAs(dbFault(err, "read version"), "no such media")
		}
		return content.VersionConflict(cur)
	})
}

// DeleteAsset implements media.AssetStore.
func (s *Store) DeleteAsset(ctx context.Context, id string) error {
	_, err := s.exec(ctx, "delete asset", "DELETE FROM assets WHERE id = ?", id)
	return err
}

// AssetExists implements content.AssetLookup.
func (s *Store) AssetExists(ctx context.Context, id string) (bool, error) {
	a, err := s.GetAsset(ctx, id)
	if err != nil {
		return false, err
	}
	return a.IsImage(), nil
}
