"""image2music.training."""
