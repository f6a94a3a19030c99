// The videos screens of the admin UI (being written).
