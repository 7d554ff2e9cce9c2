"""image2music.emotion."""
