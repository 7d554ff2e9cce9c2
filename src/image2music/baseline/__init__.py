"""image2music.baseline."""
