package record

import (
	"time"

	"github.com/yinling-cms/yinling/content/stories"
)

// Setting is a named value of the site: the change counter (N) or a
// secret (Value).
type Setting struct {
	ID    string `bson:"_id" json:"id"`
	N     int64  `bson:"n,omitempty" json:"n,omitempty"`
	Value []byte `bson:"value,omitempty" json:"value,omitempty"`
}

// Places is a capacity counter: the places taken under a key.
type Places struct {
	ID string `bson:"_id" json:"id"`
	N  int64  `bson:"n" json:"n"`
}

// Lease is a background job's lease.
type Lease struct {
	ID        string    `bson:"_id" json:"id"`
	Holder    string    `bson:"holder" json:"holder"`
	ExpiresAt time.Time `bson:"expires_at" json:"expires_at"`
}

// Exported lists the collections an export holds, in the order an import
// loads them, each with a new empty record to decode one into. Left out
// are the passing ones, gone within minutes anyway: edit locks, leases,
// failed sign-ins (and the Mongo store's version claims).
func Exported() []Collection {
	return []Collection{
		{"settings", func() any { return new(Setting) }},
		{"columns", func() any { return new(Column) }},
		{"users", func() any { return new(User) }},
		{"sessions", func() any { return new(Session) }},
		{"tokens", func() any { return new(Token) }},
		{"assets", func() any { return new(Asset) }},
		{"stories", func() any { return new(Story) }},
		{"series", func() any { return new(Series) }},
		{"lectures", func() any { return new(Lecture) }},
		{"videos", func() any { return new(Video) }},
		{"pages", func() any { return new(Page) }},
		{"registrations", func() any { return new(Registration) }},
		{"revisions", func() any { return new(Revision) }},
		{"places", func() any { return new(Places) }},
		{"audit", func() any { return new(Audit) }},
		{"jobs", func() any { return new(Job) }},
		{"channel_accounts", func() any { return new(ChannelAccount) }},
	}
}

// Collection is an exported collection: its name in both stores and a
// constructor of its record type.
type Collection struct {
	Name string
	New  func() any
}

// Column is a column (栏目) at rest, by its key.
type Column struct {
	Key         string    `bson:"_id" json:"key"`
	Name        string    `bson:"name" json:"name"`
	Description string    `bson:"description" json:"description"`
	Order       int       `bson:"order" json:"order"`
	InMenu      bool      `bson:"in_menu" json:"in_menu"`
	Version     int64     `bson:"version" json:"version"`
	CreatedAt   time.Time `bson:"created_at" json:"created_at"`
	UpdatedAt   time.Time `bson:"updated_at" json:"updated_at"`
}

// FromColumn gives the record of a column.
func FromColumn(c stories.Column) Column {
	return Column{Key: c.Key, Name: c.Name, Description: c.Description, Order: c.Order, InMenu: c.InMenu, Version: c.Version,
		CreatedAt: ms(c.CreatedAt), UpdatedAt: ms(c.UpdatedAt)}
}

// Column gives the domain's column.
func (r Column) Column() stories.Column {
	return stories.Column{Key: r.Key, Name: r.Name, Description: r.Description, Order: r.Order, InMenu: r.InMenu, Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}
