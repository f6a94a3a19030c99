//go:build unix

package bleveindex_test

import "syscall"

// cpuNow is the process's CPU time (user and system) in nanoseconds.
func cpuNow() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
