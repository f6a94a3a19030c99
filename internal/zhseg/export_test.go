package zhseg

// OnlyBegins reports whether w begins some word of the dictionary without
// being one.
func (s *Segmenter) OnlyBegins(w string) bool {
	f, known := s.freq(w)
	return known && f == 0
}
