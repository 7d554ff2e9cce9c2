"""image2music.vision."""
