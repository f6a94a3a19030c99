// The stories screens of the admin UI (being written).
