package openapi

import (
	"encoding"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// schemas reflects Go types into JSON Schema (2020-12, the dialect of
// OpenAPI 3.1) the way encoding/json encodes and decodes them, and keeps
// each named struct type once in components/schemas.
//
// An answer's schema is what json.Marshal writes: a field without
// omitempty is required; a pointer may be null; a slice or map without
// omitempty may be null (a nil one encodes so), except the items of a
// list (List marks them), which the API promises as an array; unknown
// properties are refused (the type has none). A request's schema is what
// the handler's strict decoder accepts: no property is required (the
// handler checks what it needs and names the field), unknown properties
// are refused (the decoder refuses them), and null is accepted where the
// Go field is a pointer, slice or map.
type schemas struct {
	problems map[int]bool            // the problem answers' statuses, each a component
	defs     map[string]any          // component name → schema
	names    map[reflect.Type]string // out-mode names; in-mode adds ".input"
}

func newSchemas() *schemas {
	return &schemas{defs: map[string]any{}, names: map[reflect.Type]string{}, problems: map[int]bool{}}
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	durationType    = reflect.TypeFor[time.Duration]()
	rawType         = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
)

var (
	unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
	importPath = regexp.MustCompile(`[A-Za-z0-9_./-]*/`)
)

// componentName is a type's name in components/schemas: its package's
// last element and its name, type arguments shortened alike
// ("httpx.List_admin.adminStory").
func componentName(t reflect.Type) string {
	name := t.Name()
	pkg := t.PkgPath()
	if i := strings.LastIndex(pkg, "/"); i >= 0 {
		pkg = pkg[i+1:]
	}
	// Type arguments are spelled with their full import paths.
	name = importPath.ReplaceAllString(name, "")
	name = strings.TrimSuffix(unsafeName.ReplaceAllString(name, "_"), "_")
	return pkg + "." + name
}

// ref is the schema of t: a reference for a named struct, inline
// otherwise.
func (s *schemas) ref(t reflect.Type, input bool) map[string]any {
	return s.of(t, input, false)
}

func nullable(sch map[string]any) map[string]any {
	if typ, ok := sch["type"].(string); ok {
		out := map[string]any{}
		for k, v := range sch {
			out[k] = v
		}
		out["type"] = []any{typ, "null"}
		return out
	}
	if _, ok := sch["type"].([]any); ok {
		return sch
	}
	if len(sch) == 0 {
		return sch
	}
	return map[string]any{"anyOf": []any{sch, map[string]any{"type": "null"}}}
}

// of is the schema of a value of type t; mayBeNull says the field holding
// it may encode it as null.
func (s *schemas) of(t reflect.Type, input, mayBeNull bool) map[string]any {
	if t.Kind() == reflect.Pointer {
		return nullable(s.of(t.Elem(), input, false))
	}
	if input && t != timeType && (t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)) {
		// A type decoding itself says in its own code what it accepts.
		return map[string]any{}
	}
	if !input && (t.Implements(marshalerType) || t.Implements(textMarshaler)) && t != timeType {
		return map[string]any{}
	}
	if input && t != timeType && reflect.PointerTo(t).Implements(textUnmarshaler) {
		return map[string]any{"type": "string"}
	}
	var sch map[string]any
	switch {
	case t == timeType:
		sch = map[string]any{"type": "string", "format": "date-time"}
	case t == durationType:
		sch = map[string]any{"type": "integer", "description": "nanoseconds"}
	case t == rawType:
		return map[string]any{}
	}
	if sch == nil {
		switch t.Kind() {
		case reflect.Bool:
			sch = map[string]any{"type": "boolean"}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			sch = map[string]any{"type": "integer"}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			sch = map[string]any{"type": "integer", "minimum": 0}
		case reflect.Float32, reflect.Float64:
			sch = map[string]any{"type": "number"}
		case reflect.String:
			sch = map[string]any{"type": "string"}
		case reflect.Interface:
			return map[string]any{}
		case reflect.Slice, reflect.Array:
			if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
				sch = map[string]any{"type": "string", "contentEncoding": "base64"}
				break
			}
			sch = map[string]any{"type": "array", "items": s.of(t.Elem(), input, false)}
			if t.Kind() == reflect.Slice {
				mayBeNull = mayBeNull || input
			}
		case reflect.Map:
			sch = map[string]any{"type": "object", "additionalProperties": s.of(t.Elem(), input, false)}
			mayBeNull = mayBeNull || input
		case reflect.Struct:
			sch = s.named(t, input)
		default:
			panic("openapi: no JSON schema for " + t.String())
		}
	}
	if mayBeNull {
		return nullable(sch)
	}
	return sch
}

// named puts a struct type in the components once and refers to it
// (anonymous structs are inline).
func (s *schemas) named(t reflect.Type, input bool) map[string]any {
	if t.Name() == "" {
		return s.object(t, input)
	}
	name := componentName(t)
	if prev, ok := s.names[t]; ok {
		name = prev
	} else {
		for taken := range s.names {
			if s.names[taken] == name {
				name += "_" + strings.ReplaceAll(t.PkgPath(), "/", "_")
				break
			}
		}
		s.names[t] = name
	}
	if input {
		name += ".input"
	}
	ref := map[string]any{"$ref": "#/components/schemas/" + name}
	if _, ok := s.defs[name]; ok {
		return ref
	}
	s.defs[name] = map[string]any{} // breaks cycles
	obj := s.object(t, input)
	if isList(t) {
		obj["description"] = "A page of a list: its items, and next_cursor, the ?cursor= of the next page (empty on the last page)."
	}
	s.defs[name] = obj
	return ref
}

type field struct {
	name     string
	sch      map[string]any
	required bool
}

// object is a struct's schema, fields of embedded structs promoted as
// encoding/json promotes them.
func (s *schemas) object(t reflect.Type, input bool) map[string]any {
	props := map[string]any{}
	var required []any
	for _, f := range s.fields(t, input, false) {
		if _, dup := props[f.name]; dup {
			continue // the shallower field wins, as in encoding/json
		}
		props[f.name] = f.sch
		if f.required && !input {
			required = append(required, f.name)
		}
	}
	sch := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sch["required"] = required
	}
	return sch
}

func (s *schemas) fields(t reflect.Type, input, viaPointer bool) []field {
	var out, deeper []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := sf.Type
		if sf.Anonymous && name == "" {
			et := ft
			ptr := false
			if et.Kind() == reflect.Pointer {
				et, ptr = et.Elem(), true
			}
			if et.Kind() == reflect.Struct {
				deeper = append(deeper, s.fields(et, input, viaPointer || ptr)...)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		var sch map[string]any
		if strings.Contains(","+opts+",", ",string,") {
			sch = map[string]any{"type": "string"}
		} else {
			// omitempty never drops a struct (encoding/json v1), so the
			// field is there; a nil slice or map without it is null.
			nullish := !omit && (ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map)
			if s.listItems(t, sf) {
				nullish = false
			}
			sch = s.of(ft, input, nullish)
		}
		structField := ft.Kind() == reflect.Struct && !strings.Contains(","+opts+",", ",omitzero,")
		out = append(out, field{name: name, sch: sch, required: !viaPointer && (!omit || structField)})
	}
	return append(out, deeper...)
}

// listItems tells whether sf is the items of a list answer (httpx.List's
// items), which the API promises is an array, never null.
func (s *schemas) listItems(t reflect.Type, sf reflect.StructField) bool {
	return isList(t) && sf.Tag.Get("json") == "items"
}

// isList tells whether t is httpx.List, a page of a list.
func isList(t reflect.Type) bool {
	return strings.HasSuffix(t.PkgPath(), "/api/httpx") && strings.HasPrefix(t.Name(), "List[")
}
