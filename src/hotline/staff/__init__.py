"""Stage 5: the staff's commands over a quarter's life (explain a difference, issue, correct, rename
or add a unit). Each changes only the files it owns, validates the result before anything is
written in place, and says in Chinese what it did and what comes next."""
