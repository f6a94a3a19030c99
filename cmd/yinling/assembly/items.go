package assembly

import (
	"fmt"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/docstore"
	"github.com/yinling-cms/yinling/internal/mongostore"
	"github.com/yinling-cms/yinling/internal/record"
	"github.com/yinling-cms/yinling/internal/sqlstore"
)

// itemDB is the site's database as the kinds' stores open on it: each
// store keeps every kind with one generic implementation bound to the
// kind's record.Kind (sqlstore.ItemsOf, mongostore.ItemsOf), so a kind's
// store is one call of itemsOf, not a field or an accessor per kind.
type itemDB struct {
	sql   *sqlstore.Store
	mongo *mongostore.Store
}

// itemDBOf is db as an itemDB, or an error for a store that keeps no items.
func itemDBOf(db docstore.Store) (itemDB, error) {
	switch db := db.(type) {
	case *sqlstore.Store:
		return itemDB{sql: db}, nil
	case *mongostore.Store:
		return itemDB{mongo: db}, nil
	}
	return itemDB{}, fmt.Errorf("assembly: %T keeps no items (want a *sqlstore.Store or a *mongostore.Store)", db)
}

// itemsOf is the store of one kind on db.
func itemsOf[T, R any](db itemDB, kind record.Kind[T, R]) content.ListStore[T] {
	if db.sql != nil {
		return sqlstore.ItemsOf(db.sql, kind)
	}
	return mongostore.ItemsOf(db.mongo, kind)
}
