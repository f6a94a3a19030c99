package qr

import (
	"math/rand/v2"
	"testing"
)

// TestPenaltyIsTheStandardsRules scores random symbols of several sizes
// with penalty and with a plain reading of ISO/IEC 18004's four rules,
// module by module, and wants the same score.
func TestPenaltyIsTheStandardsRules(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, size := range []int{21, 25, 45, 57, 101, 177} {
		for range 20 {
			g := &grid{size: size, dark: make([]bool, size*size), function: make([]bool, size*size)}
			bias := r.IntN(5) // some symbols mostly light or mostly dark, for long runs
			for i := range g.dark {
				g.dark[i] = r.IntN(6) < 1+bias
			}
			if got, want := g.penalty(), plainPenalty(g); got != want {
				t.Fatalf("size %d: penalty %d, the rules read plainly %d", size, got, want)
			}
		}
	}
}

// plainPenalty applies the rules as the standard states them.
func plainPenalty(g *grid) int {
	n := g.size
	dark := func(x, y int) bool {
		if x < 0 || y < 0 || x >= n || y >= n {
			return false // the quiet zone, for the finder-like rule
		}
		return g.dark[y*n+x]
	}
	score := 0
	for _, rows := range []bool{true, false} {
		for l := range n {
			at := func(i int) bool {
				if rows {
					return dark(i, l)
				}
				return dark(l, i)
			}
			// Rule 1: runs of five or more.
			for i := 0; i < n; {
				j := i
				for j < n && at(j) == at(i) {
					j++
				}
				if j-i >= 5 {
					score += 3 + (j - i - 5)
				}
				i = j
			}
			// Rule 3: 1:1:3:1:1 with four light modules before, and after.
			core := []bool{true, false, true, true, true, false, true}
			for i := 0; i+7 <= n; i++ {
				match := true
				for k, c := range core {
					match = match && at(i+k) == c
				}
				if !match {
					continue
				}
				if !at(i-1) && !at(i-2) && !at(i-3) && !at(i-4) {
					score += 40
				}
				if !at(i+7) && !at(i+8) && !at(i+9) && !at(i+10) {
					score += 40
				}
			}
		}
	}
	// Rule 2: 2×2 blocks of one colour; rule 4: the dark share.
	darkCount := 0
	for y := range n {
		for x := range n {
			if dark(x, y) {
				darkCount++
			}
			if x+1 < n && y+1 < n {
				c := dark(x, y)
				if dark(x+1, y) == c && dark(x, y+1) == c && dark(x+1, y+1) == c {
					score += 3
				}
			}
		}
	}
	// Rule 4: 10 for each whole 5 % the dark share strays from 50 %,
	// past the first (45-55 % costs nothing).
	k := 0
	for lo, hi := darkCount*100, darkCount*100; ; k++ {
		if lo <= (55+5*k)*n*n && hi >= (45-5*k)*n*n {
			break
		}
	}
	return score + k*10
}
