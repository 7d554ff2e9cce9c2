"""image2music.data."""
