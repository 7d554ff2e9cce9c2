"""image2music.theory."""
