// Package docstore names the document store as the domain asks for it:
// the stores of each aggregate in one interface, which both
// internal/sqlstore and internal/mongostore give (held to one suite,
// content/storetest). The stores of each kind are not listed here: each
// store opens one by its record.Kind (ItemsOf).
package docstore

import (
	"context"
	"time"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/content/account"
	"github.com/yinling-cms/yinling/content/audit"
	"github.com/yinling-cms/yinling/content/lectures"
	"github.com/yinling-cms/yinling/content/menu"
	"github.com/yinling-cms/yinling/content/reads"
	"github.com/yinling-cms/yinling/content/sample"
	"github.com/yinling-cms/yinling/content/stories"
	"github.com/yinling-cms/yinling/content/syndication"
	"github.com/yinling-cms/yinling/media"
)

// Store is everything the domain asks of a document store but the stores
// of each kind (each store's generic ItemsOf, bound to a record.Kind).
type Store interface {
	content.RevisionStore
	content.LockStore
	content.ChangeNotifier
	content.AssetLookup
	content.MediaUseStore
	content.PlaceStore
	stories.ColumnStore
	menu.Store
	stories.FeaturedStore
	lectures.RegistrationStore
	lectures.SeriesStore
	syndication.Store
	account.Store
	audit.Log
	media.AssetStore
	reads.Store
	sample.Store
	// Changes returns the change counter BumpChanges raises (0 at first).
	Changes(ctx context.Context) (int64, error)
	// ChangesSince tells what changed after the counter read after: each
	// bump's items, or Everything (a bump without items, more than
	// content.MaxChangesBehind bumps since, or a bump not yet fully written).
	ChangesSince(ctx context.Context, after int64) (content.Changes, error)
	// Secret returns the named site secret, made on first use; every
	// caller gets the same bytes.
	Secret(ctx context.Context, name string) ([]byte, error)
	// AcquireLease and ReleaseLease are worker.Leases.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}
