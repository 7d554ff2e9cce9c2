"""image2music.rendering."""
