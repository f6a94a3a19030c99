// Package httpx is what Yinling's HTTP surfaces share: request ids,
// deadlines, security headers, the access log and its metrics, the one
// mapping from domain errors to problem+json answers, strict JSON in and
// out, and query parsing that refuses what it does not know. The surfaces
// (api/delivery, api/admin, api/adminui, api/site, api/ops)
// each have a package of their own; api mounts them.
package httpx
