package httpx

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/content"
	"github.com/yinling-cms/yinling/internal/fault"
)

// ListParams reads the query of a list request. Only the allowed
// parameters may appear, each once; anything else is a 400, never ignored.
func ListParams(c *fiber.Ctx, allowed ...string) (content.ListParams, error) {
	var p content.ListParams
	var errs []fault.FieldError
	seen := map[string]bool{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		key, val := string(k), strings.Clone(string(v))
		if !slices.Contains(allowed, key) {
			errs = append(errs, fault.FieldError{Field: key, Message: "unknown query parameter; allowed: " + strings.Join(allowed, ", ")})
			return
		}
		if seen[key] {
			errs = append(errs, fault.FieldError{Field: key, Message: "given more than once"})
			return
		}
		seen[key] = true
		switch key {
		case "limit":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > content.MaxLimit {
				errs = append(errs, fault.FieldError{Field: "limit", Message: "must be a number from 1 to 100"})
			}
			p.Limit = n
		case "cursor":
			p.Cursor = val
		case "column":
			p.Column = val
		case "tag":
			p.Tag = val
		case "status":
			p.Status = val
		case "trashed":
			b, err := strconv.ParseBool(val)
			if err != nil {
				errs = append(errs, fault.FieldError{Field: "trashed", Message: "must be true or false"})
			}
			p.Trashed = b
		}
	})
	if len(errs) > 0 {
		return p, fault.Fields(errs...)
	}
	return p, nil
}

// NoQuery refuses any query parameter on routes that take none.
func NoQuery(c *fiber.Ctx) error {
	if c.Context().QueryArgs().Len() > 0 {
		if _, err := ListParams(c); err != nil {
			return err
		}
	}
	return c.Next()
}
