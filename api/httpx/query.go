package httpx

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/ground/fault"
)

// Query is a request's query parameters, checked and copied (the values
// outlive the request's buffers).
type Query map[string]string

// QueryParams reads a request's query. Only the allowed parameters may
// appear, each once; anything else is a 400, never ignored.
func QueryParams(c *fiber.Ctx, allowed ...string) (Query, error) {
	q := Query{}
	var errs []fault.FieldError
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		switch {
		case !slices.Contains(allowed, key):
			msg := "unknown query parameter"
			if len(allowed) > 0 {
				msg += "; allowed: " + strings.Join(allowed, ", ")
			}
			errs = append(errs, fault.FieldError{Field: key, Message: msg})
		case q.has(key):
			errs = append(errs, fault.FieldError{Field: key, Message: "given more than once"})
		default:
			q[key] = string(v)
		}
	})
	if len(errs) > 0 {
		return q, fault.Fields(errs...)
	}
	return q, nil
}

func (q Query) has(key string) bool { _, ok := q[key]; return ok }

// Limit reads the page size (0: not given).
func (q Query) Limit() (int, error) {
	v, ok := q["limit"]
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > content.MaxLimit {
		return 0, fault.Fields(fault.FieldError{Field: "limit", Message: "must be a number from 1 to 100"})
	}
	return n, nil
}

// Bool reads a true/false parameter (false: not given).
func (q Query) Bool(key string) (bool, error) {
	v, ok := q[key]
	if !ok {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fault.Fields(fault.FieldError{Field: key, Message: "must be true or false"})
	}
	return b, nil
}

// ListParams reads the query of a list request (see QueryParams).
func ListParams(c *fiber.Ctx, allowed ...string) (content.ListRequest, error) {
	q, err := QueryParams(c, allowed...)
	if err != nil {
		return content.ListRequest{}, err
	}
	p := content.ListRequest{Cursor: q["cursor"], Column: q["column"], Tag: q["tag"], Status: q["status"], Author: q["author"],
		Person: q["person"], Credit: q["credit"]}
	var errs []fault.FieldError
	if p.Limit, err = q.Limit(); err != nil {
		errs = append(errs, fault.As(err).Fields...)
	}
	if p.Trashed, err = q.Bool("trashed"); err != nil {
		errs = append(errs, fault.As(err).Fields...)
	}
	if len(errs) > 0 {
		return p, fault.Fields(errs...)
	}
	return p, nil
}

// NoQuery refuses any query parameter on routes that take none.
func NoQuery(c *fiber.Ctx) error {
	if c.Context().QueryArgs().Len() > 0 {
		if _, err := QueryParams(c); err != nil {
			return err
		}
	}
	return c.Next()
}
