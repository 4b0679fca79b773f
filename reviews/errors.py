"""What the reviews services refuse, in words the pages and the API show as they are."""


class AppendOnlyError(Exception):
    """A review's history is evidence: its rows are written once and never changed or removed."""


class ReviewError(ValueError):
    """A decision or comment that breaks a rule (a justification missing, an expiry in the past, ...);
    `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))


class StaleReview(Exception):
    """The review changed since the caller read it (its version differs): nothing was written."""

    def __init__(self, review_id: int, expected: int, current: int):
        self.review_id, self.expected, self.current = review_id, expected, current
        super().__init__(f"review {review_id} was changed by someone else since you read it (you had version {expected}, "
                         f"it is now version {current}); reload it and decide again")
