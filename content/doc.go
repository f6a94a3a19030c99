// Package content is the domain of Yinling: the editorial life every kind
// of item shares (Kind and Workflow: drafts, review, publishing and its
// schedule, revisions, trash, edit locks, signed previews, slugs, list
// pages), and the changes readers see, told to an EventSink. The kinds
// and the other domains are its subpackages (stories, lectures, videos,
// account, audit, library, search, syndication); the
// Markdown pipeline is content/markdown. It declares the store interfaces
// it needs (gathered in content/docstore), which the adapters in
// internal/ implement and content/storetest holds to one suite. It never
// imports Fiber, the MongoDB driver or minio-go.
package content
