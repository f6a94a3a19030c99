package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/media"
)

func (s *S3) core() minio.Core { return minio.Core{Client: s.client} }

// StartMultipart implements media.Multipart.
func (s *S3) StartMultipart(ctx context.Context, key, contentType string) (string, error) {
	id, err := s.core().NewMultipartUpload(ctx, s.bucket, key, minio.PutObjectOptions{ContentType: contentType})
	if err != nil {
		return "", s3Fault(err, "start a multipart upload")
	}
	return id, nil
}

// PartURL implements media.Multipart: a presigned UploadPart request.
func (s *S3) PartURL(ctx context.Context, key, uploadID string, n int, expires time.Duration) (string, error) {
	u, err := s.client.Presign(ctx, http.MethodPut, s.bucket, key, expires,
		url.Values{"partNumber": {strconv.Itoa(n)}, "uploadId": {uploadID}})
	if err != nil {
		return "", fmt.Errorf("s3: presign part %d: %w", n, err)
	}
	return u.String(), nil
}

// PutPart implements media.Multipart (for the server's own use).
func (s *S3) PutPart(ctx context.Context, key, uploadID string, n int, r io.Reader, size int64) error {
	if _, err := s.core().PutObjectPart(ctx, s.bucket, key, uploadID, n, r, size, minio.PutObjectPartOptions{}); err != nil {
		return s3Fault(err, "put a part")
	}
	return nil
}

// Parts implements media.Multipart: one entry a part number. A server
// that keeps every upload of a part sent again (SeaweedFS 4.53 lists each)
// is answered with the most recently modified; uploads within the same
// second (S3 dates parts to the second) cannot be told apart, and the one
// listed last is kept.
func (s *S3) Parts(ctx context.Context, key, uploadID string) ([]media.Part, error) {
	var out []media.Part
	var modified []time.Time
	marker := 0
	for {
		res, err := s.core().ListObjectParts(ctx, s.bucket, key, uploadID, marker, 1000)
		if err != nil {
			var er minio.ErrorResponse
			if errors.As(err, &er) && er.Code == "NoSuchUpload" {
				return nil, fault.Wrap(fault.NotFound, err, "no such upload")
			}
			return nil, s3Fault(err, "list parts")
		}
		for _, p := range res.ObjectParts {
			part := media.Part{Number: p.PartNumber, Size: p.Size, ETag: p.ETag}
			if n := len(out); n > 0 && out[n-1].Number == p.PartNumber {
				if !p.LastModified.Before(modified[n-1]) {
					out[n-1], modified[n-1] = part, p.LastModified
				}
				continue
			}
			out = append(out, part)
			modified = append(modified, p.LastModified)
		}
		if !res.IsTruncated {
			return out, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// CompleteMultipart implements media.Multipart.
func (s *S3) CompleteMultipart(ctx context.Context, key, uploadID string, parts []media.Part) error {
	cp := make([]minio.CompletePart, len(parts))
	for i, p := range parts {
		cp[i] = minio.CompletePart{PartNumber: p.Number, ETag: p.ETag}
	}
	if _, err := s.core().CompleteMultipartUpload(ctx, s.bucket, key, uploadID, cp, minio.PutObjectOptions{}); err != nil {
		return s3Fault(err, "complete a multipart upload")
	}
	return nil
}

// AbortMultipart implements media.Multipart.
func (s *S3) AbortMultipart(ctx context.Context, key, uploadID string) error {
	err := s.core().AbortMultipartUpload(ctx, s.bucket, key, uploadID)
	var er minio.ErrorResponse
	if err != nil && !(errors.As(err, &er) && er.Code == "NoSuchUpload") {
		return s3Fault(err, "abort a multipart upload")
	}
	return nil
}
