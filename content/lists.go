package content

// Default and largest page sizes of lists.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Page is one page of a list.
type Page[T any] struct {
	Items      []T
	NextCursor string
}

// ListRequest is a list request as the client sent it, read the same way
// for every kind; each kind takes the parameters it allows.
type ListRequest struct {
	Status  string
	Trashed bool
	Column  string
	Tag     string
	// Author (admin lists only): the items this user created; with a
	// status at most, not with a column or tag.
	Author string
	// Person and Credit (admin story lists only): the stories featuring
	// this person (人物), or crediting this name in their byline.
	Person string
	Credit string
	Limit  int
	Cursor string
}
