//go:build race

package main

// raceEnabled is true in builds with the race detector, which run many
// times slower: timing-driven tests check only what does not depend on it.
const raceEnabled = true
