"""Related News as stored: each public story's computed list (`RelatedStory`, kept by
`discovery.related`) and the editors' choices (`RelatedChoice`, written only through
`stories.actions.related`). The search index's table has no model (migration 0001)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dateline.stories.models import Story


class RelatedStory(models.Model):
    """One entry of a story's computed Related News list: `rank` 1 is the best."""

    # No single-column indexes: the unique (story, related) serves a list's reads by story,
    # `related_by_target` its reads by related story; each index is one more write per entry,
    # and a refresh writes hundreds of entries.
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="related_entries", db_index=False
    )
    related = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="related_from", db_index=False
    )
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    explanation = models.CharField(max_length=300)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "related"], name="related_once_per_list")
        ]
        indexes = [models.Index(fields=["related"], name="related_by_target")]

    def __str__(self) -> str:
        return f"{self.story_id} → {self.related_id} (#{self.rank})"


class RelatedChoice(models.Model):
    """An editor's pick (shown first) or exclusion (never shown) in a story's list."""

    class Kind(models.TextChoices):
        PICK = "pick", "Pick"
        EXCLUDE = "exclude", "Exclusion"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="related_choices")
    other = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="chosen_for")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "other"], name="related_choice_once")
        ]

    def __str__(self) -> str:
        return f"{self.story_id}: {self.kind} {self.other_id}"


class RelatedModel(models.Model):
    """An edition's low-rank model of its words (LSA) for Related News, fitted in the
    background on a sample of the edition (`discovery.lsa`); new stories are folded in by
    projection. Kept in the database so that every process, on every machine, reads the same
    one; the latest of an edition is the one used."""

    edition = models.ForeignKey(
        "editions.Edition", on_delete=models.CASCADE, related_name="related_models"
    )
    fitted_at = models.DateTimeField(default=timezone.now)
    stories = models.PositiveIntegerField(help_text="how many stories it was fitted on")
    dimensions = models.PositiveSmallIntegerField()
    words = models.BinaryField(help_text="zlib of the words, one a line, in column order")
    idf = models.BinaryField(help_text="zlib of float32 inverse document frequencies")
    components = models.BinaryField(help_text="zlib of float16 (dimensions × words) row-major")
    emphasis = models.BinaryField(
        default=b"",
        blank=True,
        help_text="zlib of float32 per-word emphasis (decision 0054); empty: every word 1",
    )

    def __str__(self) -> str:
        return f"edition {self.edition_id}: {self.dimensions} dimensions, {self.stories} stories"


class StoryWords(models.Model):
    """A public story's words and how often each comes, as Related News compares stories
    (`discovery.story_words`): JSON of {word: count}, kept with the story's search index entry.
    A public story without a row (indexed before this table) is tokenised from its body."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="related_words"
    )
    counts = models.TextField()

    def __str__(self) -> str:
        return f"words of {self.story_id}"
