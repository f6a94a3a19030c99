package assembly

import (
	"context"
	"errors"
	"io"

	"github.com/yinling-cms/yinling/api/admin"
	"github.com/yinling-cms/yinling/internal/backup"
	"github.com/yinling-cms/yinling/media"
)

// ExportSource opens what an export reads: a consistent view of the
// store, its name ("sqlite" or "mongodb"), and how to let the view go.
type ExportSource func(context.Context) (backup.Source, string, func() error, error)

// backupExports is internal/backup as the admin API's exports: open
// gives what to export, blobs holds the media.
func backupExports(open ExportSource, blobs media.BlobStore) *admin.Exports {
	return &admin.Exports{
		Prepare: func(ctx context.Context) (admin.Export, error) {
			src, name, release, err := open(ctx)
			if err != nil {
				return nil, err
			}
			s, err := backup.PrepareStream(ctx, src, name, blobs)
			if err != nil {
				_ = release()
				return nil, err
			}
			return backupExport{s, release}, nil
		},
		Verify: func(ctx context.Context, path string, ratio, floor int64) (admin.ExportSummary, error) {
			m, err := backup.Verify(ctx, path, nil, backup.Bounds{Ratio: ratio, Floor: floor})
			switch {
			case errors.Is(err, backup.ErrTooExpanded):
				err = exportDefect{err, admin.ErrTooExpanded}
			case errors.Is(err, backup.ErrBadExport):
				err = exportDefect{err, admin.ErrBadExport}
			}
			return summaryOf(m), err
		},
	}
}

// backupExport is a prepared export stream and the release of the view
// of the store it was read from.
type backupExport struct {
	s       *backup.Stream
	release func() error
}

func (e backupExport) Summary() admin.ExportSummary { return summaryOf(e.s.Manifest()) }

func (e backupExport) Size() int64 { return e.s.Size() }

func (e backupExport) Write(ctx context.Context, w io.Writer) error {
	_, err := e.s.WriteTo(ctx, w)
	return err
}

func (e backupExport) Close() error {
	_ = e.s.Close()
	return e.release()
}

// summaryOf is a manifest as the admin API shows it.
func summaryOf(m backup.Manifest) admin.ExportSummary {
	out := admin.ExportSummary{Format: m.Format, Version: m.Version, CreatedAt: m.CreatedAt, Source: m.Source, Media: len(m.Media)}
	for _, c := range m.Collections {
		out.Collections = append(out.Collections, admin.ExportCollection{Name: c.Name, Count: c.Count, Bytes: c.Bytes})
	}
	for _, e := range m.Media {
		out.MediaBytes += e.Bytes
	}
	return out
}

// exportDefect is backup's error about a file under the name the admin
// API gives it: its message unchanged, errors.Is finding both.
type exportDefect struct{ err, kind error }

func (e exportDefect) Error() string   { return e.err.Error() }
func (e exportDefect) Unwrap() []error { return []error{e.err, e.kind} }
