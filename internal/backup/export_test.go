package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
)

// RewriteManifest recomputes the sizes, counts and sums of a folder
// export's manifest from its files (for tests that alter an export
// consistently).
func RewriteManifest(dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return err
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for i, c := range m.Collections {
		b, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m.Collections[i].Bytes, m.Collections[i].SHA256 = int64(len(b)), hex.EncodeToString(sum[:])
		m.Collections[i].Count = int64(bytes.Count(b, []byte("\n")))
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ManifestName), out, 0o600)
}
