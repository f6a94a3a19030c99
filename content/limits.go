package content

// Limits of the fields kinds share.
const (
	MaxTitleLength   = 120     // characters
	MaxSummaryLength = 500     // characters
	MaxBodyBytes     = 200_000 // bytes of Markdown
)
