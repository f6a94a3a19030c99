package record

import (
	"time"

	"github.com/yinling-cms/yinling/content/lectures"
)

// Registration is a reader's registration at rest. ActiveKey holds the
// session and phone while the registration is active (indexed: whether a
// number holds a registration of a session is one lookup) and the
// registration's own id once cancelled; ToTell is set while a notice
// waits.
type Registration struct {
	ID          string     `bson:"_id" json:"id"`
	LectureID   string     `bson:"lecture_id" json:"lecture_id"`
	CodeHash    string     `bson:"code_hash" json:"code_hash"`
	ActiveKey   string     `bson:"active_key" json:"active_key"`
	Name        string     `bson:"name" json:"name"`
	Phone       string     `bson:"phone" json:"phone"`
	Note        string     `bson:"note" json:"note"`
	Status      string     `bson:"status" json:"status"`
	Seq         int64      `bson:"seq" json:"seq"`
	WaitSeq     int64      `bson:"wait_seq" json:"wait_seq"`
	Version     int64      `bson:"version" json:"version"`
	CreatedAt   time.Time  `bson:"created_at" json:"created_at"`
	UpdatedAt   time.Time  `bson:"updated_at" json:"updated_at"`
	CancelledAt *time.Time `bson:"cancelled_at" json:"cancelled_at"`
	PurgeAt     time.Time  `bson:"purge_at" json:"purge_at"`
	ToTell      bool       `bson:"to_tell" json:"to_tell"`
	Notice      *Notice    `bson:"notice" json:"notice"`
	Repeat      bool       `bson:"repeat,omitempty" json:"repeat,omitempty"`
}

// Notice is what a registrant must be told, at rest.
type Notice struct {
	Kind     string     `bson:"kind" json:"kind"`
	Sequence int64      `bson:"sequence" json:"sequence"`
	Status   string     `bson:"status" json:"status"`
	Reason   string     `bson:"reason" json:"reason"`
	StartsAt *time.Time `bson:"starts_at" json:"starts_at"`
	// PreviousStartsAt: absent in notices stored before it was kept.
	PreviousStartsAt *time.Time `bson:"previous_starts_at,omitempty" json:"previous_starts_at,omitempty"`
	At               time.Time  `bson:"at" json:"at"`
}

// FromRegistration gives the record of a registration.
func FromRegistration(r lectures.Registration) Registration {
	d := Registration{ID: r.ID, LectureID: r.LectureID, CodeHash: r.CodeHash, ActiveKey: ActiveKey(r), Name: r.Name, Phone: r.Phone,
		Note: r.Note, Status: string(r.Status), Seq: r.Seq, WaitSeq: r.WaitSeq, Version: r.Version, CreatedAt: ms(r.CreatedAt), UpdatedAt: ms(r.UpdatedAt),
		CancelledAt: msPtr(r.CancelledAt), PurgeAt: ms(r.PurgeAt), ToTell: r.Notice != nil, Repeat: r.Repeat}
	if n := r.Notice; n != nil {
		rn := FromNotice(*n)
		d.Notice = &rn
	}
	return d
}

// ActiveKey is the registration's key of uniqueness: its session and phone
// while active, its id once cancelled.
func ActiveKey(r lectures.Registration) string {
	if r.Active() {
		return r.LectureID + ":" + r.Phone
	}
	return "cancelled:" + r.ID
}

// FromNotice gives the record of a notice.
func FromNotice(n lectures.Notice) Notice {
	return Notice{Kind: string(n.Kind), Sequence: n.Sequence, Status: string(n.Status), Reason: n.Reason,
		StartsAt: msPtr(n.StartsAt), PreviousStartsAt: msPtr(n.PreviousStartsAt), At: ms(n.At)}
}

// Registration gives the domain's registration.
func (d Registration) Registration() lectures.Registration {
	r := lectures.Registration{ID: d.ID, LectureID: d.LectureID, CodeHash: d.CodeHash, Name: d.Name, Phone: d.Phone, Note: d.Note,
		Status: lectures.RegistrationStatus(d.Status), Seq: d.Seq, WaitSeq: d.WaitSeq, Version: d.Version, CreatedAt: d.CreatedAt.UTC(),
		UpdatedAt: d.UpdatedAt.UTC(), CancelledAt: utcPtr(d.CancelledAt), PurgeAt: d.PurgeAt.UTC(), Repeat: d.Repeat}
	if n := d.Notice; n != nil {
		r.Notice = &lectures.Notice{Kind: lectures.NoticeKind(n.Kind), Sequence: n.Sequence, Status: lectures.EventStatus(n.Status),
			Reason: n.Reason, StartsAt: utcPtr(n.StartsAt), PreviousStartsAt: utcPtr(n.PreviousStartsAt), At: n.At.UTC()}
	}
	return r
}
