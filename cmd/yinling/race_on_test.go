//go:build race

package main

// raceEnabled is true in builds with the race detector, which run about
// ten times slower: timing-driven tests scale their settings by it.
const raceEnabled = true
