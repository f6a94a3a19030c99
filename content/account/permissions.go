package account

// Permission is one thing a role may do. Routes and services ask for
// permissions, never for roles, so what each role may do is this one table.
type Permission string

// The permissions.
const (
	// Stories (and, with their issues, lectures and videos): read any item
	// in the admin, create drafts, edit them, submit them for review, trash
	// and restore them. Editors may edit only their own items, and only
	// while draft or rejected (enforced by the workflow).
	EditContent Permission = "content:edit"
	// Approve, reject, publish, schedule, unpublish, archive any item, and
	// take over edit locks.
	PublishContent Permission = "content:publish"
	// Lectures only: create, edit and submit sessions; change a published
	// session's event status with a reason.
	EditLectures Permission = "lectures:edit"
	// Download a session's registrations with whole phone numbers:
	// administrators, and organizers for the sessions they organize (the
	// lecture service checks which).
	ExportRegistrations Permission = "registrations:export"
	// Upload media and read the library.
	UseMedia Permission = "media:use"
	// Manage users, roles, everyone's sessions and tokens.
	ManageUsers Permission = "users:manage"
	// Manage the site's columns (栏目): create, rename, order, hide, delete.
	ManageColumns Permission = "columns:manage"
	// Read the audit log.
	ReadAudit Permission = "audit:read"
	// Retry, cancel and mark done syndication jobs; download 视频号
	// publishing packages.
	Syndicate Permission = "syndication:run"
	// Authorise channel accounts (Douyin) and see the webhook endpoints.
	ManageChannels Permission = "channels:manage"
	// Download an export of the whole site: every record (password
	// hashes and the site's secrets among them) and every media object.
	ExportSite Permission = "site:export"
)

// grants is who may do what. A user with several roles has the union.
var grants = map[Role][]Permission{
	RoleAdmin: {EditContent, PublishContent, EditLectures, ExportRegistrations, UseMedia, ManageUsers, ManageColumns, ReadAudit,
		Syndicate, ManageChannels, ExportSite},
	RolePublisher: {EditContent, PublishContent, EditLectures, UseMedia, Syndicate},
	RoleEditor:    {EditContent, UseMedia},
	RoleOrganizer: {EditLectures, ExportRegistrations, UseMedia},
}

// Can reports whether the user, if enabled, holds the permission through any
// of their roles.
func (u User) Can(p Permission) bool {
	if u.Disabled {
		return false
	}
	for _, r := range u.Roles {
		for _, g := range grants[r] {
			if g == p {
				return true
			}
		}
	}
	return false
}

// Roles lists every role, in the order the admin UI shows them.
func Roles() []Role { return []Role{RoleAdmin, RolePublisher, RoleEditor, RoleOrganizer} }
