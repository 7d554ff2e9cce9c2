"""image2music.service."""
