// Package content is the domain of Yinling: stories (and, in later work,
// lectures and videos), their validation, slugs, the publishing rules and
// the Markdown pipeline (in content/markdown). It declares the small store
// interfaces it needs; adapters in internal/ implement them. It never
// imports Fiber, the MongoDB driver or minio-go.
package content
