// The lectures screens of the admin UI (being written).
