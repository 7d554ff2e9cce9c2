"""image2music.cli."""
