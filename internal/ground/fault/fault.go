// Package fault holds the short list of error kinds that every layer of
// Yinling speaks. Domain packages return them (wrapped with %w as they like);
// the HTTP layer turns each kind into a status code in exactly one table.
//
// The package imports nothing of ours, so domain packages (content, media)
// and adapters (internal/...) can all depend on it without cycles.
package fault

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller should do about it.
type Kind int

// The kinds, each with the HTTP status it implies.
const (
	Internal     Kind = iota // a bug or an unexpected failure: 500
	Invalid                  // the request is malformed or breaks a rule: 400 / 422
	Unauthorized             // no valid session: 401
	Forbidden                // signed in, but not allowed: 403
	NotFound                 // the thing does not exist (or is hidden): 404
	Conflict                 // a stale version or a duplicate: 409
	TooLarge                 // a body or upload over its limit: 413
	Unsupported              // a media type we do not accept: 415
	RangeInvalid             // an unsatisfiable byte range: 416
	TooMany                  // rate limited: 429
	Unavailable              // the database or object store does not answer: 503
)

// FieldError names one invalid field of a request and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a classified error. Message is safe to show to the client; Err,
// if set, is the cause (for logs) and is never shown.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	// Current carries the current version of an item on a Conflict.
	Current int64
	// RetryAfter, in seconds, for TooMany and Unavailable; 0 means unset.
	RetryAfter int
	Err        error
}

// Error implements error; it includes the cause for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New makes an error of the kind with a client-safe message.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap makes an error of the kind with a client-safe message and a cause.
func Wrap(kind Kind, err error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// Fields makes an Invalid error listing the invalid fields.
func Fields(fields ...FieldError) *Error {
	return &Error{Kind: Invalid, Message: "the request has invalid fields", Fields: fields}
}

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}

// KindOf returns the kind of err: Internal when err carries no *Error.
func KindOf(err error) Kind {
	if fe := As(err); fe != nil {
		return fe.Kind
	}
	return Internal
}

// Is reports whether err is a fault of the kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }
