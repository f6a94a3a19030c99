package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/internal/fault"
)

// maxJSONBody caps JSON request bodies (a story's Markdown is at most
// 200 KB; the rest is small).
const maxJSONBody = 1 << 20

// SendJSON encodes v (no HTML escaping needed: it is JSON, served as JSON
// with nosniff) with the content type.
func SendJSON(c *fiber.Ctx, contentType string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	c.Set(fiber.HeaderContentType, contentType)
	return c.Send(b)
}

func WriteJSON(c *fiber.Ctx, status int, v any) error {
	return SendJSON(c.Status(status), fiber.MIMEApplicationJSONCharsetUTF8, v)
}

// ReadBody reads at most limit bytes of the request body, from the stream
// when the server streams bodies; a larger body is fault.TooLarge.
func ReadBody(c *fiber.Ctx, limit int) ([]byte, error) {
	if n := c.Request().Header.ContentLength(); n > limit {
		return nil, fault.New(fault.TooLarge, "the request body is larger than %d KB", limit>>10)
	}
	var b []byte
	if stream := BodyStream(c); stream != nil {
		var err error
		b, err = io.ReadAll(io.LimitReader(stream, int64(limit)+1))
		if err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "the request body could not be read")
		}
	} else {
		b = c.Body()
	}
	if len(b) > limit {
		return nil, fault.New(fault.TooLarge, "the request body is larger than %d KB", limit>>10)
	}
	return b, nil
}

// DecodeJSON decodes the request body into v strictly: the content type
// must be JSON, unknown fields and trailing data are refused, and a value
// of the wrong type names its field. Operator injection ({"$gt": ""} where
// a string belongs) fails here, as a wrong type.
func DecodeJSON(c *fiber.Ctx, v any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, "application/json") {
		return fault.New(fault.Unsupported, "send JSON with Content-Type: application/json")
	}
	body, err := ReadBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonFault(err)
	}
	if dec.More() {
		return fault.New(fault.Invalid, "the body must hold exactly one JSON object")
	}
	return nil
}

func jsonFault(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fault.New(fault.Invalid, "the body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return fault.New(fault.Invalid, "the body must be a JSON object")
		}
		return fault.Fields(fault.FieldError{Field: field, Message: "must be " + jsonType(typ.Type.Kind().String())})
	case errors.Is(err, io.EOF):
		return fault.New(fault.Invalid, "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fault.New(fault.Invalid, "the body is not valid JSON (it ends too soon)")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fault.Fields(fault.FieldError{Field: name, Message: "is not a field of this resource"})
	}
	return fault.Wrap(fault.Invalid, err, "the body could not be decoded")
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "ptr":
		return "a value of the right type"
	}
	return "a value of the right type (" + kind + ")"
}

// List is a page of a list as every surface answers it.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// NonNil is s, or an empty list for nil (so JSON says [] rather than null).
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// MediaURL is the public URL of a media asset on the site at base.
func MediaURL(base, id string) string { return strings.TrimSuffix(base, "/") + "/media/" + id }

// AbsoluteMedia is rendered HTML (texts keep the site's media as paths,
// /media/...) with those paths made URLs of the site at base, for clients
// on other origins: the content API's. Any other text is left alone (the
// sanitizer escapes quotes in text, so only its own attributes match).
func AbsoluteMedia(base, html string) string {
	if !strings.Contains(html, `="/media/`) {
		return html
	}
	b := strings.TrimSuffix(base, "/")
	return strings.NewReplacer(` src="/media/`, ` src="`+b+`/media/`, ` href="/media/`, ` href="`+b+`/media/`).Replace(html)
}
