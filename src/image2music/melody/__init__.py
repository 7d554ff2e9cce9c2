"""image2music.melody."""
