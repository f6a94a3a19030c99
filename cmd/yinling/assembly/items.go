package assembly

import (
	"fmt"

	"github.com/yinling-cms/yinling/api"

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

// siteKind is one kind as the site runs it: its description for the
// code that treats every kind alike, and, when every route of the kind
// is its own, those routes on each surface (nil: the surfaces name the
// kind's service themselves, as they do stories, lectures and videos).
type siteKind struct {
	spec   content.KindSpec
	routes *api.KindRoutes
}

// kindsOf splits the site's kinds into their descriptions and routes.
func kindsOf(kinds ...siteKind) (content.KindSpecs, []api.KindRoutes) {
	specs := make(content.KindSpecs, 0, len(kinds))
	var routes []api.KindRoutes
	for _, k := range kinds {
		specs = append(specs, k.spec)
		if k.routes != nil {
			routes = append(routes, *k.routes)
		}
	}
	return specs, routes
}

// Document is the OpenAPI document of the site's HTTP contract, in the
// exposure YINLING_OPENAPI names, with the routes of its kinds (what
// GET /api/openapi.json serves).
func (s *Site) Document(exposure string) ([]byte, error) {
	return api.Document(exposure, s.kindRoutes)
}
