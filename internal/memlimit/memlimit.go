// Package memlimit chooses the Go runtime's memory limit (GOMEMLIMIT) at
// start. Without one the collector lets the heap grow to twice what is
// live, so a burst (60 sign-ins, argon2 at 19 MiB each) grows a server
// far past its idle size and, in a container, towards its OOM kill. With
// one, the collector works harder as the heap nears it instead.
package memlimit

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// Headroom is the share of the memory available to the process (the
// container's limit, or YINLING_MEMORY_LIMIT) the Go runtime is told it
// may use, and Reserve the least left outside it: what the runtime does
// not count is resident too (the binary's code, mapped from its file:
// 36 MiB measured; the search index's mapped segments; the kernel's
// buffers charged to the cgroup), and the runtime overshoots its limit a
// little. The limit is the smaller of Headroom of it and it less
// Reserve.
const (
	Headroom = 0.9
	Reserve  = 96 << 20
)

// fromAvailable is the runtime's limit for of bytes available.
func fromAvailable(of int64) int64 { return max(min(int64(float64(of)*Headroom), of-Reserve), of/2) }

// Choice is the limit chosen and where it came from.
type Choice struct {
	// Limit is the Go runtime's memory limit in bytes (0: none set).
	Limit int64
	// Of is the memory available it was derived from (0: none).
	Of int64
	// Source names where Of came from: "GOMEMLIMIT" (the environment's,
	// left as it is), "YINLING_MEMORY_LIMIT", "cgroup v2 <file>",
	// "cgroup v1 <file>", or "" (no limit found).
	Source string
}

// unlimited is where a cgroup v1 limit means "none" (the kernel writes
// the largest page multiple of int64).
const unlimited = 1 << 60

// Choose picks the limit: an explicit GOMEMLIMIT in the environment wins
// (the runtime already read it; Choose leaves it); else settingMB (the
// YINLING_MEMORY_LIMIT setting, in MiB; 0: unset); else the cgroup's
// limit under root (normally /sys/fs/cgroup): cgroup v2's memory.max
// (of the process's own cgroup, per /proc/self/cgroup, or the root's),
// cgroup v1's memory/memory.limit_in_bytes. The limit is fromAvailable
// of it.
func Choose(getenv func(string) string, settingMB int64, root string) Choice {
	if getenv("GOMEMLIMIT") != "" {
		return Choice{Limit: debug.SetMemoryLimit(-1), Source: "GOMEMLIMIT"}
	}
	if settingMB > 0 {
		of := settingMB << 20
		return Choice{Limit: fromAvailable(of), Of: of, Source: "YINLING_MEMORY_LIMIT"}
	}
	if of, file := cgroupLimit(root); of > 0 {
		return Choice{Limit: fromAvailable(of), Of: of, Source: file}
	}
	return Choice{}
}

// Apply sets c's limit in the runtime, unless it came from GOMEMLIMIT
// (already in force) or there is none.
func Apply(c Choice) {
	if c.Limit > 0 && c.Source != "GOMEMLIMIT" {
		debug.SetMemoryLimit(c.Limit)
	}
}

// String says what was chosen, for the log.
func (c Choice) String() string {
	switch {
	case c.Source == "GOMEMLIMIT":
		return fmt.Sprintf("%d MiB, from GOMEMLIMIT", c.Limit>>20)
	case c.Limit == 0:
		return "none (no container limit found; set YINLING_MEMORY_LIMIT)"
	}
	return fmt.Sprintf("%d MiB of the %d MiB from %s", c.Limit>>20, c.Of>>20, c.Source)
}

// cgroupLimit reads the memory limit of the process's cgroup (0: none).
func cgroupLimit(root string) (int64, string) {
	var candidates []string
	if own := ownCgroupV2(); own != "" && own != "/" {
		candidates = append(candidates, filepath.Join(root, own, "memory.max"))
	}
	candidates = append(candidates, filepath.Join(root, "memory.max"))
	for _, f := range candidates {
		if n, ok := readLimit(f); ok {
			return n, "cgroup v2 " + f
		}
	}
	f := filepath.Join(root, "memory", "memory.limit_in_bytes")
	if n, ok := readLimit(f); ok {
		return n, "cgroup v1 " + f
	}
	return 0, ""
}

// readLimit reads a limit file: a number of bytes, or "max" (none).
func readLimit(file string) (int64, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	s := string(bytes.TrimSpace(b))
	if s == "max" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n >= unlimited {
		return 0, false
	}
	return n, true
}

// ownCgroupV2 is the process's cgroup v2 path ("0::/path" in
// /proc/self/cgroup), "" when there is none.
func ownCgroupV2() string {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "0::"); ok {
			return p
		}
	}
	return ""
}
