package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/yinling-cms/yinling/internal/record"
)

// dumpQueries select each exported collection's rows in the order of the
// records' ids (as the Mongo store sorts _id), for Dump.
var dumpQueries = map[string]string{
	"settings":         "SELECT name, n, value FROM settings ORDER BY name",
	"users":            "SELECT doc FROM users ORDER BY id",
	"sessions":         "SELECT doc FROM sessions ORDER BY id",
	"tokens":           "SELECT doc FROM tokens ORDER BY id",
	"assets":           "SELECT doc FROM assets ORDER BY id",
	"revisions":        revisionSelect + "ORDER BY kind || ':' || item_id || ':' || number",
	"places":           "SELECT key, n FROM places ORDER BY key",
	"audit":            "SELECT doc FROM audit ORDER BY id",
	"registrations":    "SELECT doc FROM registrations ORDER BY id",
	"series":           "SELECT doc FROM series ORDER BY id",
	"columns":          "SELECT doc FROM columns ORDER BY key",
	"jobs":             "SELECT doc FROM jobs ORDER BY id",
	"channel_accounts": "SELECT doc FROM channel_accounts ORDER BY channel",
}

// Dump calls yield with every record of an exported collection (see
// record.Exported) as JSON, in the order of their ids. It reads one
// snapshot: writes made meanwhile are not seen.
func (s *Store) Dump(ctx context.Context, collection string, yield func(doc []byte) error) error {
	query, ok := dumpQueries[collection]
	var args []any
	if k := s.kind(collection); k != nil {
		query, args, ok = "SELECT meta, texts FROM items WHERE kind = ? ORDER BY id", []any{collection}, true
	}
	if !ok {
		return fmt.Errorf("sqlstore: %q is not an exported collection", collection)
	}
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return dbFault(err, "dump "+collection)
	}
	defer rows.Close()
	for rows.Next() {
		rec, err := s.scanRecord(collection, rows)
		if err != nil {
			return err
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("sqlstore: dump %s: %w", collection, err)
		}
		if err := yield(b); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return dbFault(err, "dump "+collection)
	}
	return nil
}

// scanRecord reads one row of a dump query as its record.
func (s *Store) scanRecord(collection string, rows *sql.Rows) (any, error) {
	if k := s.kind(collection); k != nil {
		var meta, texts []byte
		if err := rows.Scan(&meta, &texts); err != nil {
			return nil, dbFault(err, "dump "+collection)
		}
		return k.dumpRecord(meta, texts)
	}
	switch collection {
	case "settings":
		var r record.Setting
		if err := rows.Scan(&r.ID, &r.N, &r.Value); err != nil {
			return nil, dbFault(err, "dump settings")
		}
		return r, nil
	case "places":
		var r record.Places
		if err := rows.Scan(&r.ID, &r.N); err != nil {
			return nil, dbFault(err, "dump places")
		}
		return r, nil
	}
	var doc []byte
	if err := rows.Scan(&doc); err != nil {
		return nil, dbFault(err, "dump "+collection)
	}
	for _, c := range record.Exported() {
		if c.Name == collection {
			r := c.New()
			if err := json.Unmarshal(doc, r); err != nil {
				return nil, fmt.Errorf("sqlstore: dump %s: %w", collection, err)
			}
			return r, nil
		}
	}
	return nil, fmt.Errorf("sqlstore: %q is not an exported collection", collection)
}

// kind finds the kind an exported collection holds (nil: not a kind).
func (s *Store) kind(collection string) itemKind {
	for _, k := range s.kinds() {
		if k.name() == collection {
			return k
		}
	}
	return nil
}

// Import is an import under way: everything it loads is one transaction,
// so the database has all of it after Commit and none of it otherwise
// (a process killed mid-import leaves the database as it was).
type Import struct {
	s  *Store
	tx *sql.Tx
}

// BeginImport starts an import. Other writes wait until it ends.
func (s *Store) BeginImport(ctx context.Context) (*Import, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, dbFault(err, "begin the import")
	}
	return &Import{s: s, tx: tx}, nil
}

// Load inserts records (JSON of the collection's record type).
func (im *Import) Load(ctx context.Context, collection string, docs [][]byte) error {
	for _, doc := range docs {
		if err := im.load(ctx, collection, doc); err != nil {
			return fmt.Errorf("sqlstore: import %s: %w", collection, err)
		}
	}
	return nil
}

func (im *Import) load(ctx context.Context, collection string, doc []byte) error {
	tx := im.tx
	if k := im.s.kind(collection); k != nil {
		return k.load(ctx, tx, doc)
	}
	var err error
	switch collection {
	case "settings":
		var r record.Setting
		if err = json.Unmarshal(doc, &r); err == nil {
			_, err = tx.ExecContext(ctx, "INSERT INTO settings(name, n, value) VALUES (?, ?, ?)", r.ID, r.N, r.Value)
		}
	case "places":
		var r record.Places
		if err = json.Unmarshal(doc, &r); err == nil {
			_, err = tx.ExecContext(ctx, "INSERT INTO places(key, n) VALUES (?, ?)", r.ID, r.N)
		}
	case "users":
		var r record.User
		if err = json.Unmarshal(doc, &r); err == nil {
			err = insertUser(ctx, tx, r)
		}
	case "sessions":
		var r record.Session
		if err = json.Unmarshal(doc, &r); err == nil {
			err = insertSession(ctx, tx, r)
		}
	case "tokens":
		var r record.Token
		if err = json.Unmarshal(doc, &r); err == nil {
			err = insertToken(ctx, tx, r)
		}
	case "assets":
		var r record.Asset
		if err = json.Unmarshal(doc, &r); err == nil {
			err = insertAsset(ctx, tx, r)
		}
	case "revisions":
		var r record.Revision
		if err = json.Unmarshal(doc, &r); err == nil {
			err = insertRevision(ctx, tx, r)
		}
	case "columns":
		var r record.Column
		if err = json.Unmarshal(doc, &r); err == nil {
			err = insertColumn(ctx, tx, r)
		}
	case "series":
		var r record.Series
		if err = json.Unmarshal(doc, &r); err == nil {
			err = insertSeries(ctx, tx, r)
		}
	case "jobs":
		var r record.Job
		if err = json.Unmarshal(doc, &r); err == nil {
			_, err = insertJob(ctx, tx, r)
		}
	case "channel_accounts":
		var r record.ChannelAccount
		if err = json.Unmarshal(doc, &r); err == nil {
			_, err = tx.ExecContext(ctx, "INSERT INTO channel_accounts(channel, version, doc) VALUES (?, ?, ?)", r.Channel, r.Version, encode(r))
		}
	case "registrations":
		var r record.Registration
		if err = json.Unmarshal(doc, &r); err == nil {
			err = insertRegistration(ctx, tx, r)
		}
	case "audit":
		var r record.Audit
		if err = json.Unmarshal(doc, &r); err == nil {
			err = insertAudit(ctx, tx, r)
		}
	default:
		return fmt.Errorf("%q is not an exported collection", collection)
	}
	return err
}

// Commit makes the import's records the database's, their texts with
// media as paths (an export may be older than schema step 9).
func (im *Import) Commit(ctx context.Context) error {
	if err := im.s.rewriteMediaPaths(ctx, im.tx); err != nil {
		_ = im.tx.Rollback()
		return err
	}
	if err := im.tx.Commit(); err != nil {
		return dbFault(err, "commit the import")
	}
	return nil
}

// Abort leaves the database as it was before the import.
func (im *Import) Abort(context.Context) error {
	_ = im.tx.Rollback()
	return nil
}
