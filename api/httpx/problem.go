package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// problem is an RFC 9457 problem details body.
type problem struct {
	Type      string             `json:"type"`
	Title     string             `json:"title"`
	Status    int                `json:"status"`
	Detail    string             `json:"detail,omitempty"`
	Errors    []fault.FieldError `json:"errors,omitempty"`
	Current   *int64             `json:"current_version,omitempty"`
	RequestID string             `json:"request_id,omitempty"`
}

// statusOf is the one table from error kinds to HTTP statuses.
var statusOf = map[fault.Kind]int{
	fault.Internal:     http.StatusInternalServerError,
	fault.Invalid:      http.StatusBadRequest,
	fault.Unauthorized: http.StatusUnauthorized,
	fault.Forbidden:    http.StatusForbidden,
	fault.NotFound:     http.StatusNotFound,
	fault.Conflict:     http.StatusConflict,
	fault.TooLarge:     http.StatusRequestEntityTooLarge,
	fault.Unsupported:  http.StatusUnsupportedMediaType,
	fault.RangeInvalid: http.StatusRequestedRangeNotSatisfiable,
	fault.TooMany:      http.StatusTooManyRequests,
	fault.Unavailable:  http.StatusServiceUnavailable,
}

// describe is what a problem body says of a domain error: its status, and
// its message, fields and current version, except for an internal error,
// whose message may name a driver and is logged instead.
func describe(f *fault.Error) (status int, detail string, fields []fault.FieldError, current *int64) {
	status = statusOf[f.Kind]
	if f.Kind == fault.Internal {
		return status, "something went wrong on our side; it has been logged", nil, nil
	}
	if f.Kind == fault.Conflict && f.Current > 0 {
		cur := f.Current
		current = &cur
	}
	return status, f.Message, f.Fields, current
}

// ItemProblem is what went wrong with one item of a request about many
// (a bulk step), said as the problem body of its own request would say
// it.
type ItemProblem struct {
	Status  int                `json:"status"`
	Title   string             `json:"title"`
	Detail  string             `json:"detail,omitempty"`
	Errors  []fault.FieldError `json:"errors,omitempty"`
	Current *int64             `json:"current_version,omitempty"`
}

// ProblemOf describes err for one item of many; a deadline is a 503, as
// ErrorHandler answers it. The caller logs what is 500 or more.
func ProblemOf(err error) ItemProblem {
	f := fault.As(err)
	switch {
	case f == nil && errors.Is(err, context.DeadlineExceeded):
		f = &fault.Error{Kind: fault.Unavailable, Message: "the request took too long; try again"}
	case f == nil:
		f = &fault.Error{Kind: fault.Internal}
	}
	var p ItemProblem
	p.Status, p.Detail, p.Errors, p.Current = describe(f)
	p.Title = http.StatusText(p.Status)
	return p
}

// ErrorHandler turns every error a handler returns into problem+json. It
// is the only place that maps errors to statuses, and the only place that
// logs a failed request's cause.
func ErrorHandler(logger *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := problem{RequestID: RequestID(c)}
		var fe *fiber.Error
		switch {
		case errors.As(err, &fe):
			// Fiber's own errors: unknown routes, body limits, bad methods,
			// and requests the server could not parse, whose messages hold
			// the raw request (cookies too): those get a fixed answer.
			p.Status, p.Detail = fe.Code, fe.Message
			switch fe.Code {
			case http.StatusRequestEntityTooLarge:
				p.Detail = "the request body is larger than allowed"
			case http.StatusBadRequest:
				p.Detail = "the request is malformed"
				c.Context().SetConnectionClose()
			case http.StatusRequestHeaderFieldsTooLarge:
				p.Detail = "the request's headers are larger than allowed"
				c.Context().SetConnectionClose()
			}
		case errors.Is(err, context.DeadlineExceeded) && fault.As(err) == nil:
			p.Status, p.Detail = http.StatusServiceUnavailable, "the request took too long; try again"
			c.Set(fiber.HeaderRetryAfter, "5")
		default:
			f := fault.As(err)
			if f == nil {
				f = &fault.Error{Kind: fault.Internal}
			}
			p.Status, p.Detail, p.Errors, p.Current = describe(f)
			if f.RetryAfter > 0 {
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(f.RetryAfter))
			} else if f.Kind == fault.Unavailable {
				c.Set(fiber.HeaderRetryAfter, "5")
			}
		}
		if p.Status == 0 {
			p.Status = http.StatusInternalServerError
		}
		p.Title = http.StatusText(p.Status)
		p.Type = "about:blank"
		if p.Status >= 500 {
			logger.Error("request failed", "request_id", p.RequestID, "method", c.Method(),
				"path", RedactPath(c.Path()), "status", p.Status, "err", err)
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		// Errors the server meets before any middleware ran (a request it
		// could not parse) carry the security headers too.
		setSecurityHeaders(c)
		if len(c.Request().Header.Peek(fiber.HeaderContentLength)) > 0 || len(c.Request().Header.Peek(fiber.HeaderTransferEncoding)) > 0 {
			// The handler may have stopped reading the body (too large,
			// wrong type): close the connection rather than read the rest
			// of it as the next request.
			c.Context().SetConnectionClose()
		}
		return SendJSON(c.Status(p.Status), "application/problem+json", p)
	}
}
