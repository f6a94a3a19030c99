// The administration screens of the admin UI (being written).
