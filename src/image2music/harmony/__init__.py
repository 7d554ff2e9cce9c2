"""image2music.harmony."""
