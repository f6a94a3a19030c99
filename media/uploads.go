package media

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yinling-cms/yinling/internal/ground/fault"
	"github.com/yinling-cms/yinling/internal/ground/ident"
	"github.com/yinling-cms/yinling/media/videoprobe"
)

// Part sizes of big uploads: 16 MiB unless the client asks another size
// from 8 to 64 MiB; at most 10,000 parts (S3's limit).
const (
	MinPartSize     = 8 << 20
	MaxPartSize     = 64 << 20
	DefaultPartSize = 16 << 20
	maxParts        = 10_000
	// StaleUpload is how long an unfinished upload is kept.
	StaleUpload = 24 * time.Hour
)

// bigTypes are the types that may come as big uploads: images go through
// Store, which removes their metadata.
var bigTypes = map[string]bool{"video/mp4": true, "video/webm": true, "application/pdf": true}

// Uploads are big uploads that go straight to the object store in parts
// (S3: presigned part URLs; the disk store: part URLs the server signs and
// takes itself), then are checked and made assets. An upload's session is
// kept in the object store under uploads/, so it survives restarts on
// any instance; one left unfinished is aborted after StaleUpload.
type Uploads struct {
	Library *Library // its Blobs must be Multipart
	// Key signs the disk store's part URLs; BaseURL is where they point.
	Key     []byte
	BaseURL string
	// MaxSize is the largest big upload (4 GiB when zero).
	MaxSize int64
	// Expires is how long a part URL is good (6 hours when zero).
	Expires time.Duration
	// MaxOpenPerUser and MaxOpen cap the uploads open at once, one
	// person's and everyone's (DefaultMaxOpenPerUser and DefaultMaxOpen
	// when zero).
	MaxOpenPerUser, MaxOpen int
	Clock                   func() time.Time

	once      sync.Once
	startSlot chan struct{}       // one Start at a time, for the caps
	open      map[string]openInfo // sessions seen, under startSlot
}

// Session is a big upload under way.
type Session struct {
	ID          string    `json:"id"`
	AssetID     string    `json:"asset_id"`
	Key         string    `json:"key"`
	MultipartID string    `json:"multipart_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	PartSize    int64     `json:"part_size"`
	Alt         string    `json:"alt"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	// ThroughServer: the parts go to the server's own signed URLs, which
	// pass them on to the store, whatever the store (a browser under the
	// admin UI's CSP may speak only to the site itself, and an S3 bucket
	// need not allow cross-origin PUTs).
	ThroughServer bool `json:"through_server,omitempty"`
}

// Parts is how many parts the upload has.
func (s Session) Parts() int { return int((s.Size + s.PartSize - 1) / s.PartSize) }

// partSize is the size of part n.
func (s Session) partSize(n int) int64 {
	if n == s.Parts() {
		return s.Size - int64(n-1)*s.PartSize
	}
	return s.PartSize
}

// PartTarget is where a client sends one part.
type PartTarget struct {
	Number int    `json:"number"`
	Size   int64  `json:"size"`
	URL    string `json:"url"`
}

// State is an upload as its client sees it: the parts received, and URLs
// for the ones still to send.
type State struct {
	Session
	Received  []Part       `json:"received"`
	Send      []PartTarget `json:"send"`
	ExpiresAt time.Time    `json:"expires_at"`
}

// StartUpload is what a client declares of a big upload.
type StartUpload struct {
	Filename, ContentType, SHA256, Alt, CreatedBy string
	Size, PartSize                                int64
	// ThroughServer sends the parts through the server (Session).
	ThroughServer bool
}

func (u *Uploads) now() time.Time {
	if u.Clock != nil {
		return u.Clock().UTC()
	}
	return time.Now().UTC()
}

func (u *Uploads) multipart() (Multipart, error) {
	m, ok := u.Library.Blobs.(Multipart)
	if !ok {
		return nil, fault.New(fault.Unsupported, "this object store does not take uploads in parts")
	}
	return m, nil
}

var hexSHA = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Start begins a big upload: checks what the client declared (a video or
// PDF by its name and type, its size and SHA-256) and that its creator
// and the server are under the caps on open uploads, and answers where
// each part goes.
//
// Errors: fault.Invalid naming the fields declared wrong; fault.TooMany
// when the creator has MaxOpenPerUser uploads open, or everyone MaxOpen
// (with RetryAfter); fault.Unavailable when the store does not answer.
func (u *Uploads) Start(ctx context.Context, in StartUpload) (State, error) {
	m, err := u.multipart()
	if err != nil {
		return State{}, err
	}
	maxSize := u.MaxSize
	if maxSize == 0 {
		maxSize = 4 << 30
	}
	if in.PartSize == 0 {
		in.PartSize = DefaultPartSize
	}
	var errs []fault.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, fault.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	ct := strings.ToLower(strings.TrimSpace(in.ContentType))
	if !bigTypes[ct] {
		add("content_type", "big uploads are MP4, WebM or PDF; send images through POST /media")
	} else if err := CheckName(in.Filename, "", ct); err != nil {
		add("filename", "%s", fault.As(err).Message)
	}
	switch {
	case in.Size <= 0:
		add("size", "is required: the file's size in bytes")
	case in.Size > maxSize:
		add("size", "the file is larger than the limit of %d MB", maxSize>>20)
	}
	if !hexSHA.MatchString(strings.ToLower(in.SHA256)) {
		add("sha256", "is required: the file's SHA-256 as 64 hex digits, checked when the upload completes")
	}
	if in.PartSize < MinPartSize || in.PartSize > MaxPartSize {
		add("part_size", "parts are %d to %d MB", MinPartSize>>20, MaxPartSize>>20)
	} else if in.Size > 0 && (in.Size+in.PartSize-1)/in.PartSize > maxParts {
		add("part_size", "at most %d parts: take larger parts", maxParts)
	}
	if !utf8.ValidString(in.Alt) || utf8.RuneCountInString(in.Alt) > MaxAltLength {
		add("alt", "at most %d characters of text", MaxAltLength)
	}
	if len(errs) > 0 {
		return State{}, fault.Fields(errs...)
	}
	s := Session{ID: ident.New(), AssetID: ident.New(), Filename: SafeName(in.Filename, ct), ContentType: ct, Size: in.Size,
		SHA256: strings.ToLower(in.SHA256), PartSize: in.PartSize, Alt: strings.TrimSpace(in.Alt), CreatedBy: in.CreatedBy,
		CreatedAt: u.now().Truncate(time.Millisecond), ThroughServer: in.ThroughServer}
	s.Key = "assets/" + s.AssetID
	start := func() error {
		if s.MultipartID, err = m.StartMultipart(ctx, s.Key, ct); err != nil {
			return err
		}
		if err := u.save(ctx, s); err != nil {
			_ = m.AbortMultipart(context.WithoutCancel(ctx), s.Key, s.MultipartID)
			return err
		}
		return nil
	}
	undo := func() { _ = u.abort(context.WithoutCancel(ctx), m, s) }
	if err := u.reserve(ctx, in.CreatedBy, start, undo); err != nil {
		return State{}, err
	}
	return u.state(ctx, m, s, nil)
}

func sessionKey(id string) string { return "uploads/" + id + ".json" }

func (u *Uploads) save(ctx context.Context, s Session) error {
	b, _ := json.Marshal(s)
	if err := u.Library.Blobs.Put(ctx, sessionKey(s.ID), bytes.NewReader(b), int64(len(b)), "application/json"); err != nil {
		return fmt.Errorf("media: keep the upload's session: %w", err)
	}
	return nil
}

// session reads an upload's session; only its creator (or, with anyone,
// anyone) may act on it.
func (u *Uploads) session(ctx context.Context, id, by string, anyone bool) (Session, error) {
	if !ident.Valid(id) {
		return Session{}, fault.New(fault.NotFound, "no such upload")
	}
	rc, err := u.Library.Blobs.Get(ctx, sessionKey(id), 0, -1)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return Session{}, fault.New(fault.NotFound, "no such upload (it may be complete, aborted, or older than a day)")
		}
		return Session{}, err
	}
	defer rc.Close()
	var s Session
	if err := json.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&s); err != nil {
		// Completed or aborted while it was read (an S3 object deleted
		// mid-read fails on reading, not on opening).
		if _, serr := u.Library.Blobs.Stat(ctx, sessionKey(id)); fault.Is(serr, fault.NotFound) {
			return Session{}, fault.New(fault.NotFound, "no such upload (it may be complete, aborted, or older than a day)")
		}
		return Session{}, fmt.Errorf("media: read the upload's session: %w", err)
	}
	if !anyone && s.CreatedBy != by {
		return Session{}, fault.New(fault.NotFound, "no such upload")
	}
	return s, nil
}

// state lists the received parts and signs URLs for the rest.
func (u *Uploads) state(ctx context.Context, m Multipart, s Session, received []Part) (State, error) {
	if received == nil {
		var err error
		if received, err = m.Parts(ctx, s.Key, s.MultipartID); err != nil {
			return State{}, err
		}
	}
	expires := u.Expires
	if expires == 0 {
		expires = 6 * time.Hour
	}
	st := State{Session: s, Received: []Part{}, Send: []PartTarget{}, ExpiresAt: u.now().Add(expires).Truncate(time.Second)}
	have := map[int]int64{}
	for _, p := range received {
		have[p.Number] = p.Size
		st.Received = append(st.Received, p)
	}
	for n := 1; n <= s.Parts(); n++ {
		if size, ok := have[n]; ok && size == s.partSize(n) {
			continue
		}
		link, err := "", ErrSignedByApp
		if !s.ThroughServer {
			link, err = m.PartURL(ctx, s.Key, s.MultipartID, n, expires)
		}
		if errors.Is(err, ErrSignedByApp) {
			link = u.signedURL(s.ID, n, st.ExpiresAt)
		} else if err != nil {
			return State{}, err
		}
		st.Send = append(st.Send, PartTarget{Number: n, Size: s.partSize(n), URL: link})
	}
	return st, nil
}

func (u *Uploads) signature(id string, n int, expires int64) string {
	mac := hmac.New(sha256.New, u.Key)
	fmt.Fprintf(mac, "upload-part\n%s\n%d\n%d", id, n, expires)
	return hex.EncodeToString(mac.Sum(nil))
}

func (u *Uploads) signedURL(id string, n int, expires time.Time) string {
	q := url.Values{"expires": {strconv.FormatInt(expires.Unix(), 10)}, "signature": {u.signature(id, n, expires.Unix())}}
	return strings.TrimSuffix(u.BaseURL, "/") + "/uploads/" + id + "/parts/" + strconv.Itoa(n) + "?" + q.Encode()
}

// Resume answers an unfinished upload's state: the parts received and
// fresh URLs for the others.
func (u *Uploads) Resume(ctx context.Context, id, by string) (State, error) {
	m, err := u.multipart()
	if err != nil {
		return State{}, err
	}
	s, err := u.session(ctx, id, by, false)
	if err != nil {
		return State{}, err
	}
	return u.state(ctx, m, s, nil)
}

// PutPart takes a part under a URL the server signed (the disk store,
// or an upload sent through the server) and hands it to the store.
// Errors: fault.Forbidden for a bad or expired signature; fault.Invalid
// for a part of the wrong size.
func (u *Uploads) PutPart(ctx context.Context, id string, n int, expires int64, signature string, body io.Reader) error {
	m, err := u.multipart()
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(signature), []byte(u.signature(id, n, expires))) || u.now().Unix() > expires {
		return fault.New(fault.Forbidden, "the part's address is not valid or has expired; ask for the upload's state again")
	}
	s, err := u.session(ctx, id, "", true)
	if err != nil {
		return err
	}
	if n < 1 || n > s.Parts() {
		return fault.New(fault.NotFound, "the upload has parts 1 to %d", s.Parts())
	}
	return m.PutPart(ctx, s.Key, s.MultipartID, n, body, s.partSize(n))
}

// Complete joins the parts and checks the result before it becomes an
// asset: every part there and of its size, the object's size and SHA-256
// those declared, its bytes of the declared type, a video's container
// readable. A file that fails is deleted with its upload (its parts are
// joined by then): it must be uploaded again. Missing parts leave the
// upload as it was, to be resumed.
//
// md5s, when given, are the parts' MD5s (hex, by part number) as the
// client computed them: each is compared with the part the store holds
// (S3's ETag of a part is its MD5), and a part that differs is named, to
// be sent again, before anything is joined. The whole file's SHA-256 is
// checked either way.
func (u *Uploads) Complete(ctx context.Context, id, by string, md5s map[int]string) (Asset, error) {
	m, err := u.multipart()
	if err != nil {
		return Asset{}, err
	}
	s, err := u.session(ctx, id, by, false)
	if err != nil {
		return Asset{}, err
	}
	parts, err := m.Parts(ctx, s.Key, s.MultipartID)
	if err != nil {
		return Asset{}, err
	}
	have := map[int]Part{}
	for _, p := range parts {
		have[p.Number] = p
	}
	var missing []string
	ordered := make([]Part, 0, s.Parts())
	for n := 1; n <= s.Parts(); n++ {
		p, ok := have[n]
		etag := strings.ToLower(strings.Trim(p.ETag, `"`))
		want, declared := md5s[n]
		switch {
		case !ok || p.Size != s.partSize(n):
			missing = append(missing, strconv.Itoa(n))
			continue
		case declared && len(etag) == 32 && etag != strings.ToLower(want):
			missing = append(missing, strconv.Itoa(n)+" (its bytes differ from what was sent)")
			continue
		}
		ordered = append(ordered, p)
	}
	if len(missing) > 0 {
		return Asset{}, fault.Fields(fault.FieldError{Field: "parts", Message: "send these parts again: " + strings.Join(missing, ", ")})
	}
	if err := m.CompleteMultipart(ctx, s.Key, s.MultipartID, ordered); err != nil {
		return Asset{}, err
	}
	a, err := u.check(ctx, s)
	if err != nil {
		u.Library.cleanup(s.Key)
		_ = u.Library.Blobs.Delete(context.WithoutCancel(ctx), sessionKey(s.ID))
		return Asset{}, err
	}
	if err := u.Library.Assets.InsertAsset(ctx, a); err != nil {
		u.Library.cleanup(s.Key)
		return Asset{}, fmt.Errorf("media: record asset: %w", err)
	}
	_ = u.Library.Blobs.Delete(context.WithoutCancel(ctx), sessionKey(s.ID))
	return a, nil
}

// check reads the joined object and makes its asset.
func (u *Uploads) check(ctx context.Context, s Session) (Asset, error) {
	blobs := u.Library.Blobs
	st, err := blobs.Stat(ctx, s.Key)
	if err != nil {
		return Asset{}, err
	}
	if st.Size != s.Size {
		return Asset{}, fault.Fields(fault.FieldError{Field: "size", Message: fmt.Sprintf("the file has %d bytes; %d were declared", st.Size, s.Size)})
	}
	rc, err := blobs.Get(ctx, s.Key, 0, -1)
	if err != nil {
		return Asset{}, err
	}
	h := sha256.New()
	head := &headWriter{max: 512}
	_, err = io.Copy(io.MultiWriter(h, head), rc)
	_ = rc.Close()
	if err != nil {
		return Asset{}, fmt.Errorf("media: read the uploaded file: %w", err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != s.SHA256 {
		return Asset{}, fault.Fields(fault.FieldError{Field: "sha256", Message: "the file's SHA-256 is " + sum + ", not the one declared; send it again"})
	}
	ct, err := Sniff(head.b)
	if err == nil && ct != s.ContentType {
		err = fault.New(fault.Unsupported, "the file was declared %s but its bytes are %s", s.ContentType, ct)
	}
	if err != nil {
		return Asset{}, err
	}
	a := Asset{ID: s.AssetID, Key: s.Key, Filename: s.Filename, ContentType: ct, Size: s.Size, SHA256: s.SHA256, Alt: s.Alt,
		CreatedBy: s.CreatedBy, CreatedAt: u.now().Truncate(time.Millisecond)}
	if kinds[ct] == kindVideo {
		info, err := videoprobe.Probe(&blobReaderAt{ctx: ctx, blobs: blobs, key: s.Key}, s.Size, ct)
		if err != nil && !errors.Is(err, videoprobe.ErrUnreadable) {
			return Asset{}, fmt.Errorf("media: probe the uploaded video: %w", err)
		}
		if err != nil {
			return Asset{}, fault.Fields(fault.FieldError{Field: "file", Message: "the video cannot be read (" +
				strings.TrimPrefix(err.Error(), videoprobe.ErrUnreadable.Error()+": ") + "); export it again as MP4 (H.264) or WebM"})
		}
		a.Width, a.Height = info.Displayed()
		a.DurationMS, a.VideoCodec, a.AudioCodec, a.Rotation = info.Duration.Milliseconds(), info.VideoCodec, info.AudioCodec, info.Rotation
	}
	return a, nil
}

// headWriter keeps the first max bytes written.
type headWriter struct {
	b   []byte
	max int
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// blobReaderAt reads an object by ranges (the container probe reads a
// few boxes, not the whole file).
type blobReaderAt struct {
	ctx   context.Context
	blobs BlobStore
	key   string
}

func (r *blobReaderAt) ReadAt(p []byte, off int64) (int, error) {
	rc, err := r.blobs.Get(r.ctx, r.key, off, int64(len(p)))
	if err != nil {
		if fault.Is(err, fault.RangeInvalid) {
			return 0, io.EOF
		}
		return 0, err
	}
	defer rc.Close()
	n, err := io.ReadFull(rc, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

// Abort discards an unfinished upload and its parts.
func (u *Uploads) Abort(ctx context.Context, id, by string) error {
	m, err := u.multipart()
	if err != nil {
		return err
	}
	s, err := u.session(ctx, id, by, false)
	if err != nil {
		return err
	}
	return u.abort(ctx, m, s)
}

func (u *Uploads) abort(ctx context.Context, m Multipart, s Session) error {
	if err := m.AbortMultipart(ctx, s.Key, s.MultipartID); err != nil {
		return err
	}
	return u.Library.Blobs.Delete(ctx, sessionKey(s.ID))
}

// AbortStale aborts uploads begun more than olderThan ago, and returns
// how many.
func (u *Uploads) AbortStale(ctx context.Context, olderThan time.Duration) (int, error) {
	m, err := u.multipart()
	if err != nil {
		return 0, nil
	}
	objects, err := u.Library.Blobs.List(ctx, "uploads/")
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, o := range objects {
		id := strings.TrimSuffix(strings.TrimPrefix(o.Key, "uploads/"), ".json")
		s, err := u.session(ctx, id, "", true)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if u.now().Sub(s.CreatedAt) < olderThan {
			continue
		}
		if err := u.abort(ctx, m, s); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
