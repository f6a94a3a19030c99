//go:build !unix

package bleveindex_test

func cpuNow() int64 { return 0 }
