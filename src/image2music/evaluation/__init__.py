"""image2music.evaluation."""
