// The media screens of the admin UI (being written).
