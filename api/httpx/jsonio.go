package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/yinling-cms/yinling/internal/ground/fault"
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
		return jsonFault(err, reflect.TypeOf(v))
	}
	if dec.More() {
		return fault.New(fault.Invalid, "the body must hold exactly one JSON object")
	}
	return nil
}

// jsonFault is a decoding error of a body decoded into a value of type
// root, as the API's client can act on it: a value of the wrong JSON type
// names the field by its path in the body ("venue.name", not Go's
// "Input.venue.name") and the JSON type it must be.
func jsonFault(err error, root reflect.Type) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fault.New(fault.Invalid, "the body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fault.New(fault.Invalid, "the body must be a JSON object")
		}
		return fault.Fields(fault.FieldError{Field: jsonPath(root, typ.Field), Message: typeMessage(typ)})
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

// jsonPath is the path of a field in the body, from the path Go's
// decoder gives (UnmarshalTypeError.Field): the JSON names of the fields,
// with the Go names of embedded structs, which the body does not show,
// left out.
func jsonPath(root reflect.Type, goPath string) string {
	t := root
	var out []string
	for _, part := range strings.Split(goPath, ".") {
		t = element(t)
		if t == nil || t.Kind() != reflect.Struct {
			out, t = append(out, part), nil
			continue
		}
		if ft, ok := jsonField(t, part); ok {
			out, t = append(out, part), ft
		} else if ft, ok := embeddedStruct(t, part); ok {
			t = ft
		} else {
			out, t = append(out, part), nil
		}
	}
	return strings.Join(out, ".")
}

// element is what a value of t holds fields in: t without pointers, and
// the element of a list or map.
func element(t reflect.Type) reflect.Type {
	for t != nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		default:
			return t
		}
	}
	return nil
}

// jsonField finds the field of struct t named name in JSON (promoted
// fields of embedded structs included).
func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for _, f := range reflect.VisibleFields(t) {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || tag == "-" || (f.Anonymous && tag == "") {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return f.Type, true
		}
	}
	return nil, false
}

// embeddedStruct finds the embedded struct of t whose type is named name
// (its fields are the body's, at the same level).
func embeddedStruct(t reflect.Type, name string) (reflect.Type, bool) {
	for _, f := range reflect.VisibleFields(t) {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && tag == "" {
			if ft := element(f.Type); ft != nil && ft.Name() == name {
				return f.Type, true
			}
		}
	}
	return nil, false
}

// typeMessage says what JSON type a field must be, and what it was.
func typeMessage(e *json.UnmarshalTypeError) string {
	given, literal, _ := strings.Cut(e.Value, " ") // "number 1.5"
	t := e.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var want string
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		want = "an object"
	case reflect.String:
		want = "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if given == "number" && literal != "" {
			if f, err := strconv.ParseFloat(literal, 64); err == nil && f == math.Trunc(f) {
				return "is out of range (" + literal + ")"
			}
			return "must be a whole number, not " + literal
		}
		want = "a whole number"
	case reflect.Float32, reflect.Float64:
		want = "a number"
	case reflect.Bool:
		want = "true or false"
	case reflect.Slice, reflect.Array:
		want = "an array"
		if t.Elem().Kind() == reflect.Uint8 {
			want = "a string"
		}
	default:
		return "is not of the right type"
	}
	switch given {
	case "object", "array":
		given = "an " + given
	case "string", "number":
		given = "a " + given
	case "bool":
		given = "true or false"
	}
	return "must be " + want + ", not " + given
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
