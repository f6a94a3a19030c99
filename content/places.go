package content

import "context"

// PlaceStore counts the places taken of a limited capacity (the seats of a
// lecture session), one counter per key. Taking a place is one atomic step
// in the store, so concurrent registrations on any number of instances
// never take more places than there are.
//
// Errors: a database that does not answer is fault.Unavailable.
type PlaceStore interface {
	// TakePlace takes one place under key if fewer than capacity are
	// taken; ok reports whether it did, n is the number taken after.
	TakePlace(ctx context.Context, key string, capacity int64) (n int64, ok bool, err error)
	// ReleasePlace gives one place back (never going below zero) and
	// returns the number taken after.
	ReleasePlace(ctx context.Context, key string) (int64, error)
	// PlacesTaken returns the number taken under key (0 for a key never
	// used).
	PlacesTaken(ctx context.Context, key string) (int64, error)
}
