package content

// Column is a section of the site (栏目) that a story belongs to.
type Column struct {
	Key  string `json:"key"`  // stable, ASCII, used in URLs and filters
	Name string `json:"name"` // shown to readers
}

// Columns returns the columns of the office's site, in menu order. A new
// column is a code change on purpose: each has its page, feed and menu entry.
func Columns() []Column {
	return []Column{
		{Key: "campus-news", Name: "校情在线"},
		{Key: "silver-window", Name: "银龄之窗"},
		{Key: "party-building", Name: "党建引领"},
		{Key: "culture", Name: "文化生活"},
		{Key: "services", Name: "服务关怀"},
		{Key: "people", Name: "人物风采"},
	}
}

// ColumnByKey finds a column.
func ColumnByKey(key string) (Column, bool) {
	for _, c := range Columns() {
		if c.Key == key {
			return c, true
		}
	}
	return Column{}, false
}
