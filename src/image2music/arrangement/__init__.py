"""image2music.arrangement."""
