from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews of divergences"

    def ready(self) -> None:
        from audits.signals import release_written

        from .services.lifecycle import reviews_for_written_release

        # Inside the ingest's transaction: a release is written with its reviews or not at all.
        release_written.connect(reviews_for_written_release, dispatch_uid="reviews.create_reviews")
