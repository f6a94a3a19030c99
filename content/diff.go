package content

import "strings"

// DiffOp marks a line of a diff.
type DiffOp string

// The operations: a line both sides share, one only the new side has, one
// only the old side had.
const (
	DiffSame   DiffOp = " "
	DiffAdd    DiffOp = "+"
	DiffRemove DiffOp = "-"
)

// DiffLine is one line of a line diff.
type DiffLine struct {
	Op   DiffOp
	Text string
}

// maxDiffCells bounds the work of the longest-common-subsequence table;
// beyond it (two texts of over about 3,000 differing lines each) the diff
// shows the old text removed and the new added.
const maxDiffCells = 10_000_000

// DiffLines is a line diff of a and b: the longest common subsequence of
// their lines kept, the rest marked removed or added. Common leading and
// trailing lines are matched first, so small edits of long texts are cheap.
func DiffLines(a, b string) []DiffLine {
	x, y := splitLines(a), splitLines(b)
	var out []DiffLine
	// Common prefix and suffix.
	p := 0
	for p < len(x) && p < len(y) && x[p] == y[p] {
		p++
	}
	sx, sy := len(x), len(y)
	for sx > p && sy > p && x[sx-1] == y[sy-1] {
		sx--
		sy--
	}
	for _, l := range x[:p] {
		out = append(out, DiffLine{DiffSame, l})
	}
	out = append(out, lcsDiff(x[p:sx], y[p:sy])...)
	for _, l := range x[sx:] {
		out = append(out, DiffLine{DiffSame, l})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func lcsDiff(x, y []string) []DiffLine {
	n, m := len(x), len(y)
	var out []DiffLine
	if n*m > maxDiffCells {
		for _, l := range x {
			out = append(out, DiffLine{DiffRemove, l})
		}
		for _, l := range y {
			out = append(out, DiffLine{DiffAdd, l})
		}
		return out
	}
	// lcs[i][j] is the length of the LCS of x[i:] and y[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{DiffSame, x[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{DiffRemove, x[i]})
			i++
		default:
			out = append(out, DiffLine{DiffAdd, y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{DiffRemove, x[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{DiffAdd, y[j]})
	}
	return out
}
