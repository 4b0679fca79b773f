PASSWORD = "correct-horse-battery-1"
